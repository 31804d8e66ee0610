#!/bin/sh
# Input size limits of the CLI: --max-policy-bytes (check, replay, mfa-audit; lint at the same
# 256 MiB default) refuses a larger
# policy file from its size, or a stream after limit+1 bytes, with FILE:1:1 and exit 2; request
# files are capped at 16 MiB the same way.
# Usage: input_limits_test.sh POLICYSIM_BINARY REPO_ROOT
. "$(dirname "$0")/lib.sh"
policy=$root/policies/force_mfa.json
size=$(wc -c < "$policy")
request=$root/policies/requests/force_mfa--long-term-keys-list-buckets.json

"$bin" check "$policy" --max-policy-bytes "$size" --context "$request" > /dev/null 2>&1
check "a policy of exactly the limit is read" [ $? -eq 1 ]
"$bin" check "$policy" --max-policy-bytes $((size - 1)) --context "$request" > "$dir/out" 2> "$dir/err"
check "one byte over exits 2" [ $? -eq 2 ]
check "over the limit names the file, its size and the option" grep -q -F \
  "$policy:1:1: error: input is $size bytes, over the limit of $((size - 1)) bytes (--max-policy-bytes)" \
  "$dir/err"
check "nothing on stdout" [ ! -s "$dir/out" ]

"$bin" check - --max-policy-bytes 100 --context "$request" < "$policy" > /dev/null 2> "$dir/err"
check "stdin from a file over the limit exits 2" [ $? -eq 2 ]
check "stdin from a file: its size" grep -q -F -- \
  "-:1:1: error: input is $size bytes, over the limit of 100 bytes (--max-policy-bytes)" "$dir/err"
cat "$policy" | "$bin" check - --max-policy-bytes 100 --context "$request" > /dev/null 2> "$dir/err"
check "a pipe over the limit" grep -q -F -- \
  "-:1:1: error: input is over the limit of 100 bytes (--max-policy-bytes)" "$dir/err"
# An endless stream: refused after limit+1 bytes instead of read to the end.
yes ' ' | "$bin" check - --max-policy-bytes 1000 --context "$request" > /dev/null 2> "$dir/err"
check "endless stream refused" grep -q -F "over the limit of 1000 bytes" "$dir/err"

"$bin" check --resource-policy "$policy" --max-policy-bytes 10 --context "$request" \
  > /dev/null 2> "$dir/err"
check "the limit covers every policy role" grep -q -F "over the limit of 10 bytes" "$dir/err"
"$bin" check "$policy" --max-policy-bytes 0 --context "$request" > /dev/null 2>&1
check "--max-policy-bytes 0 is a usage error" [ $? -eq 2 ]
"$bin" check --help > "$dir/help" 2>&1
check "check --help lists --max-policy-bytes" grep -q -- "--max-policy-bytes" "$dir/help"

"$bin" replay --cloudtrail "$root/policies/cloudtrail/sample-events.json" "$policy" \
  --max-policy-bytes 10 > /dev/null 2> "$dir/err"
check "replay: over the limit exits 2" [ $? -eq 2 ]
check "replay: message" grep -q -F "(--max-policy-bytes)" "$dir/err"
"$bin" mfa-audit "$policy" --max-policy-bytes 10 > /dev/null 2> "$dir/err"
check "mfa-audit: over the limit exits 2" [ $? -eq 2 ]
check "mfa-audit: message" grep -q -F "(--max-policy-bytes)" "$dir/err"

# Request files: 16 MiB (the bad_inputs corpus covers a file; here a pipe).
{ printf '{"action": "s3:GetObject", "context": {"k": "'; head -c 17000000 /dev/zero | tr '\0' a
  printf '"}}'; } > "$dir/big-request.json"
cat "$dir/big-request.json" | "$bin" check "$policy" --context - > /dev/null 2> "$dir/err"
check "request on stdin over 16 MiB exits 2" [ $? -eq 2 ]
check "request on stdin over 16 MiB" grep -q -F \
  -- "-:1:1: error: input is over the limit of 16777216 bytes" "$dir/err"

# lint: a file over the 256 MiB policy cap is refused from its size (a sparse file: nothing is
# written to disk, and nothing may be read into memory).
truncate -s 300M "$dir/huge.json"
"$bin" lint "$dir/huge.json" > /dev/null 2> "$dir/err"
check "lint: a 300 MB file exits 2" [ $? -eq 2 ]
check "lint: the file and the limit" grep -q -F \
  "$dir/huge.json: error: input is 314572800 bytes, over the limit of 268435456 bytes" "$dir/err"

finish
