#!/bin/sh
# policysim check --requests: one decision line per request line, in order; exit statuses;
# malformed lines stop the run with FILE:LINE:COL unless --keep-going.
# Usage: batch_test.sh POLICYSIM_BINARY REPO_ROOT
. "$(dirname "$0")/lib.sh"
deny='{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:ListAllMyBuckets","context":{"aws:username":"alice"}}'
allow='{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:EnableMFADevice","resource":"arn:aws:iam::111122223333:user/alice","context":{"aws:username":"alice"}}'
printf '%s\n\n%s\n' "$deny" "$allow" > "$dir/mixed.jsonl"
"$bin" check "$root/policies/force_mfa.json" --requests "$dir/mixed.jsonl" --format jsonl \
  > "$dir/out" 2> "$dir/err"
status=$?
check "mixed exits 1" [ "$status" -eq 1 ]
check "two output lines" [ "$(wc -l < "$dir/out")" -eq 2 ]
check "first line denied" grep -q '^{"line":1,"decision":"explicitDeny"' "$dir/out"
check "blank line skipped, line 3 allowed" grep -q '^{"line":3,"decision":"allowed"' "$dir/out"

printf '%s\n%s\n' "$allow" "$allow" > "$dir/allowed.jsonl"
"$bin" check "$root/policies/force_mfa.json" --requests "$dir/allowed.jsonl" --format jsonl \
  > "$dir/out" 2>&1
check "all allowed exits 0" [ $? -eq 0 ]

printf '%s\n{"action":\n%s\n' "$allow" "$allow" > "$dir/bad.jsonl"
"$bin" check "$root/policies/force_mfa.json" --requests "$dir/bad.jsonl" --format jsonl \
  > "$dir/out" 2> "$dir/err"
check "malformed line exits 2" [ $? -eq 2 ]
check "error names file and line 2" grep -q "bad.jsonl:2:[0-9]*: error:" "$dir/err"
check "stops after the bad line" [ "$(wc -l < "$dir/out")" -eq 1 ]

"$bin" check "$root/policies/force_mfa.json" --requests "$dir/bad.jsonl" --format jsonl \
  --keep-going > "$dir/out" 2> "$dir/err"
check "keep-going still exits 2" [ $? -eq 2 ]
check "keep-going writes all three lines" [ "$(wc -l < "$dir/out")" -eq 3 ]
check "keep-going marks the error line" grep -q '^{"line":2,"error":' "$dir/out"

# A line over the 16 MiB request limit is refused without being held (read in chunks, the
# rest skipped to its newline); with --keep-going the next line is still decided.
{ printf '{"action": "s3:GetObject", "context": {"k": "'; head -c 17000000 /dev/zero | tr '\0' a
  printf '"}}\n%s\n' "$allow"; } > "$dir/long.jsonl"
"$bin" check "$root/policies/force_mfa.json" --requests "$dir/long.jsonl" --format jsonl \
  --keep-going > "$dir/out" 2> "$dir/err"
check "over-limit line exits 2" [ $? -eq 2 ]
check "over-limit line named at line 1" \
  grep -q "long.jsonl:1:1: error: line is over the limit of 16777216 bytes" "$dir/err"
check "over-limit line is an error line" grep -q '^{"line":1,"error":"line is over' "$dir/out"
check "the line after it is decided" grep -q '^{"line":2,"decision":"allowed"' "$dir/out"

cat "$dir/allowed.jsonl" | "$bin" check "$root/policies/force_mfa.json" --requests - \
  --format jsonl > "$dir/out" 2>&1
check "reads standard input" [ "$(wc -l < "$dir/out")" -eq 2 ]

"$bin" check "$root/policies/force_mfa.json" --requests "$dir/allowed.jsonl" \
  --context "$dir/allowed.jsonl" > /dev/null 2>&1
check "--context with --requests is a usage error" [ $? -eq 2 ]

# Output that cannot be written (a full disk) is an error of the run, not "all allowed" with
# nothing written: from a mapped file and from standard input.
if [ -w /dev/full ]; then
  "$bin" check "$root/policies/force_mfa.json" --requests "$dir/allowed.jsonl" --format jsonl \
    > /dev/full 2> "$dir/err"
  check "a full disk exits 2" [ $? -eq 2 ]
  check "a full disk is named" grep -q "cannot write the decisions" "$dir/err"
  "$bin" check "$root/policies/force_mfa.json" --requests - --format jsonl \
    < "$dir/allowed.jsonl" > /dev/full 2> "$dir/err"
  check "a full disk exits 2 from standard input" [ $? -eq 2 ]
fi

finish
