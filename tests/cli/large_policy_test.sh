#!/bin/sh
# policysim check on a large policy (5 MB, 70,000 statements): the CLI tunes its heap, and the
# engine compiles the policy in two parts on two threads (engine/internal/policy_split.h).
# What a user sees must not show it: statement numbers, lines and columns of deciding
# statements and of warnings in either part, and the error of an invalid statement late in
# the file.
# Usage: large_policy_test.sh POLICYSIM_BINARY REPO_ROOT
. "$(dirname "$0")/lib.sh"

# Statement i on line i + 4, two spaces in; statement 60000 has a Sid IAM rejects (a warning),
# statement 1000 denies ec2:Op1000.
awk 'BEGIN {
  print "{"; print "  \"Version\": \"2012-10-17\","; print "  \"Statement\": ["
  for (i = 0; i < 70000; i++) {
    sid = (i == 60000) ? "Bad-1" : "S" i
    effect = (i == 1000) ? "Deny" : "Allow"
    printf "  {\"Sid\": \"%s\", \"Effect\": \"%s\", \"Action\": \"ec2:Op%d\", \"Resource\": \"*\"}%s\n", \
      sid, effect, i, (i < 69999 ? "," : "")
  }
  print "  ]"; print "}"
}' > "$dir/big.json"
check "the policy is over 4 MiB" [ "$(wc -c < "$dir/big.json")" -gt 4194304 ]

request() {  # request FILE ACTION
  printf '{"principal":"arn:aws:iam::111122223333:user/alice","action":"%s","context":{}}\n' "$2" > "$1"
}
request "$dir/late.json" ec2:Op65000
run 0 "a statement of the second half allows" check "$dir/big.json" --context "$dir/late.json"
check "its Sid, line and column" has "$dir/out" "allowed by Allow \"S65000\" ($dir/big.json:65004:3, identity policy)"
check "the warning of the second half, at its line" has "$dir/err" "$dir/big.json:60004:"
check "the warning names the Sid" has "$dir/err" "Sid \"Bad-1\" has characters IAM does not accept"
check "one warning" [ "$(grep -c 'IAM does not accept' "$dir/err")" -eq 1 ]

request "$dir/early.json" ec2:Op1000
run 1 "a statement of the first half denies" check "$dir/big.json" --context "$dir/early.json"
check "its Sid, line and column" has "$dir/out" "denied by Deny \"S1000\" ($dir/big.json:1004:3, identity policy)"

request "$dir/last.json" ec2:Op69999
run 0 "the last statement" check "$dir/big.json" --requests "$dir/last.json" --format jsonl
check "its number" has "$dir/out" '"statementIndex":69999,"sid":"S69999"'

# An element IAM does not know, late in the file: the error of reading it whole.
sed 's/"Sid": "S69990", /"Sid": "S69990", "Foo": 1, /' "$dir/big.json" > "$dir/bad.json"
run 2 "an invalid statement in the second half" check "$dir/bad.json" --context "$dir/late.json"
check "the error names file, line and column" has "$dir/err" "$dir/bad.json:69994:"

finish
