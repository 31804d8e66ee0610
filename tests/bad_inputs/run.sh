#!/bin/sh
# The bad-input corpus: every case runs `policysim check` and checks the expected outcome,
# either a clear input error (exit 2 and a stderr line FILE:LINE:COL: error: MESSAGE) or a
# fail-closed decision (exit 1 and the decision in --format json), within a time limit
# (coreutils timeout) and a memory limit (GNU time, /usr/bin/time; scripts/setup.sh installs
# it). Without either tool the run fails: a limit that is not checked must not read as passed.
#
# Usage: tests/bad_inputs/run.sh POLICYSIM_BINARY REPO_ROOT
#   BAD_INPUTS_HEAVY=1   also run the heavy cases (a 100 MB policy of 1.2 million statements)
#   BAD_INPUTS_KEEP=1    keep the generated inputs (the directory is printed)
#
# cases.tsv holds the cases, one per line, TAB-separated:
#   name      a label
#   args      check arguments, space-separated; FILE is tests/bad_inputs/files/FILE, @FILE is a
#             file generated at test time (see generate() below; big inputs are never committed)
#   expect    error FILE:LINE:COL: MESSAGE   exit 2; stderr has "FILE:LINE:COL: error: " and
#                                            MESSAGE on one line (@FILE names a generated file)
#             decision KIND [errors|warns]   exit 0 (allowed) or 1, "decision":"KIND" in JSON;
#                                            errors: a non-empty "errors" array; warns: a
#                                            "warning: ... fails closed" line on stderr
#             bounded                        exit 0, 1 or 2 (no crash), within the limits
#             plain-text                     exit 0, 1 or 2, and no control character other
#                                            than newline and tab on stdout or stderr (text
#                                            output must not replay escape sequences from input)
#   options   optional, space-separated: timeout=SECONDS (default 60), rss=MB (max resident
#             memory; BAD_INPUTS_RSS_SLACK_MB is added, for sanitizer builds), heavy (only with
#             BAD_INPUTS_HEAVY=1; otherwise skipped, and the skip is printed), known-bug (a
#             failure is reported as XFAIL and not counted, except a crash or a timeout, which
#             always fail; a pass is XPASS, counted as a failure so the marker is removed once
#             the bug is fixed), pinned (the expected answer is policysim's documented choice
#             where AWS's documentation is silent, not AWS behaviour: a regression guard; the
#             comment above the case says why)
# Prints one line per failing case, the skipped and pinned counts, and a final "N passed, M
# failed" line; exits 1 on failure.

if [ "$#" -ne 2 ]; then
  echo "usage: $0 POLICYSIM_BINARY REPO_ROOT" >&2
  exit 2
fi
bin=$1
root=$(cd "$2" && pwd) || exit 2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
if [ ! -x "$bin" ]; then
  echo "$0: not an executable: $bin" >&2
  exit 2
fi
here=$root/tests/bad_inputs
if ! cd "$here/files"; then
  echo "$0: cannot enter $here/files" >&2
  exit 2
fi

gen=$(mktemp -d "${TMPDIR:-/tmp}/bad_inputs.XXXXXX") || exit 2
if [ -n "${BAD_INPUTS_KEEP:-}" ]; then
  echo "generated inputs kept in $gen"
else
  trap 'rm -rf "$gen"' EXIT
fi
trap 'exit 130' INT TERM

# GNU time reports the peak RSS, timeout bounds the run time: both are required.
time_cmd=/usr/bin/time
if ! [ -x "$time_cmd" ] || ! "$time_cmd" -f %M -o "$gen/.probe" true 2>/dev/null; then
  echo "$0: GNU time (/usr/bin/time) is required for the memory limits (apt-get install time)" >&2
  exit 2
fi
timeout_cmd=timeout
if ! command -v "$timeout_cmd" >/dev/null 2>&1; then
  echo "$0: timeout (coreutils) is required for the time limits" >&2
  exit 2
fi

# repeat COUNT TEXT: TEXT COUNT times, no newline.
repeat() {
  awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}
# bytes COUNT CHAR: COUNT copies of one character, fast for big counts.
bytes() {
  head -c "$1" /dev/zero | tr '\0' "$2"
}

# Writes every generated input into $gen. Names are referenced as @NAME in cases.tsv.
generate() {
  policy='{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}'
  request='{"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/key"}'
  # Empty and whitespace-only documents.
  : > "$gen/empty.json"
  printf '  \n  ' > "$gen/whitespace.json"
  # Invalid UTF-8 (octal escapes; printf is POSIX) and NUL bytes.
  printf '{"Version": "2012-10-17", "Statement": {"Sid": "\377", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}' > "$gen/utf8-ff.json"
  printf '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:\300\257", "Resource": "*"}}' > "$gen/utf8-overlong.json"
  printf '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/\355\240\200"}}' > "$gen/utf8-surrogate.json"
  printf '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/\342\202"}}' > "$gen/utf8-truncated.json"
  printf '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/\364\220\200\200"}}' > "$gen/utf8-above-10ffff.json"
  printf '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:\376": "x"}}}}' > "$gen/utf8-in-key.json"
  printf '{"Version": "2012-10-17", \377"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}' > "$gen/utf8-outside-string.json"
  printf '\357\273\277%s' "$policy" > "$gen/utf8-bom.json"
  printf '{"action": "s3:GetObject", "context": {"aws:username": "al\377ce"}}' > "$gen/utf8-request.json"
  printf '{"Version": "2012-10-17", "Statement": {"Sid": "a\000b", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}' > "$gen/nul-in-string.json"
  printf '{"Version": "2012-10-17",\000 "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}' > "$gen/nul-between-tokens.json"
  printf '%s\000' "$policy" > "$gen/nul-after-document.json"
  printf '{"action": "s3:GetObject", "context": {"aws:username": "al\000ce"}}' > "$gen/nul-request.json"
  # Non-ASCII (valid UTF-8) text where the grammars expect digits: fails closed, never aborts.
  printf '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "-\303\251"}}}]}' > "$gen/nonascii-date.json"
  printf '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "1\303\251"}}}]}' > "$gen/nonascii-number.json"
  printf '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}' > "$gen/ip-10-8.json"
  printf '{"action": "s3:GetObject", "context": {"aws:SourceIp": "1\303\251"}}' > "$gen/nonascii-ip-request.json"
  # 100,000-deep nesting: at the top, inside a condition, as objects, in a request.
  bytes 100000 '[' > "$gen/deep-arrays.json"
  prefix='{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:username": '
  { printf '%s' "$prefix"; bytes 100000 '['; } > "$gen/deep-in-condition.json"
  # Depth 4 at the first '[' (policy, Statement, Condition, StringEquals): the 61st is level 65.
  deep_col=$(( ${#prefix} + 61 ))
  repeat 100000 '{"a":' > "$gen/deep-objects.json"
  { printf '{"action": "s3:GetObject", "context": {"aws:TagKeys": '; bytes 100000 '['; } > "$gen/deep-request.json"
  # A policy over 100 MB: valid, mostly whitespace between two elements.
  { printf '{"Version": "2012-10-17",'; bytes 105000000 ' '; printf '"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}'; } > "$gen/policy-105mb.json"
  # One byte over the 256 MiB policy limit, and over the 16 MiB request limit.
  bytes 268435457 ' ' > "$gen/policy-over-limit.json"
  { printf '{"action": "s3:GetObject", "context": {"k": "'; bytes 16777216 'a'; printf '"}}'; } > "$gen/request-over-limit.json"
  # Value and key counts: 10,001 values for one key, 1,001 keys (own and AWS shapes).
  values=$(awk 'BEGIN { for (i = 0; i < 10001; i++) printf "%s\"v%d\"", (i ? "," : ""), i }')
  printf '{"action": "s3:GetObject", "context": {"aws:TagKeys": [%s]}}' "$values" > "$gen/values-10001.json"
  printf '{"ActionNames": ["s3:GetObject"], "ContextEntries": [{"ContextKeyName": "aws:TagKeys", "ContextKeyType": "stringList", "ContextKeyValues": [%s]}]}' "$values" > "$gen/aws-values-10001.json"
  keys=$(awk 'BEGIN { for (i = 0; i < 1001; i++) printf "%s\"k%d\": \"v\"", (i ? ", " : ""), i }')
  printf '{"action": "s3:GetObject", "context": {%s}}' "$keys" > "$gen/keys-1001.json"
  entries=$(awk 'BEGIN { for (i = 0; i < 1001; i++) printf "%s{\"ContextKeyName\": \"k%d\", \"ContextKeyValues\": [\"v\"], \"ContextKeyType\": \"string\"}", (i ? ", " : ""), i }')
  printf '{"ActionNames": ["s3:GetObject"], "ContextEntries": [%s]}' "$entries" > "$gen/aws-keys-1001.json"
  # simulate-custom-policy input: 2,000 actions x 1,000 resources = 2 million requests from a
  # 130 KB file.
  actions=$(awk 'BEGIN { for (i = 0; i < 2000; i++) printf "%s\"s3:A%d\"", (i ? "," : ""), i }')
  resources=$(awk 'BEGIN { for (i = 0; i < 1000; i++) printf "%s\"arn:aws:s3:::b/%d\"", (i ? "," : ""), i }')
  printf '{"ActionNames": [%s], "ResourceArns": [%s]}' "$actions" "$resources" > "$gen/aws-product.json"
  # 300 actions, each request copying a 1 MB context: 300 MB of copies from a 1 MB file.
  actions=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "%s\"s3:A%d\"", (i ? "," : ""), i }')
  printf '{"ActionNames": [%s], "ContextEntries": [{"ContextKeyName": "k", "ContextKeyType": "string", "ContextKeyValues": ["%s"]}]}' "$actions" "$(bytes 1000000 a)" > "$gen/aws-product-big-context.json"
  # 10,000-character wildcard patterns with many stars against long ARNs, actions and values.
  stars=$(repeat 4999 '*a')'*b'
  long=$(bytes 100000 a)
  printf '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s"}}' "$stars" > "$gen/stars-resource.json"
  printf '{"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::%s"}' "$long" > "$gen/long-resource-a.json"
  printf '{"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::%sb"}' "$long" > "$gen/long-resource-ab.json"
  segment='*'$(bytes 9990 a)'b*'
  printf '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s"}}' "$segment" > "$gen/long-segment-resource.json"
  printf '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:%s", "Resource": "*"}}' "$stars" > "$gen/stars-action.json"
  # A signed caller: an anonymous one is never allowed by identity policies (semantics §4.8).
  alice='"principal": "arn:aws:iam::111122223333:user/alice"'
  printf '{%s, "action": "s3:%s"}' "$alice" "$long" > "$gen/long-action-a.json"
  printf '{%s, "action": "s3:%sb"}' "$alice" "$long" > "$gen/long-action-ab.json"
  questions=$(repeat 3333 '*?a')'*'
  printf '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"StringLike": {"aws:userid": "%s"}, "StringNotLike": {"aws:username": "%s"}}}]}' "$questions" "$stars" > "$gen/stars-condition.json"
  megabyte=$(bytes 1000000 a)
  printf '{"action": "s3:GetObject", "context": {"aws:userid": "%s", "aws:username": "%s"}}' "$megabyte" "$megabyte" > "$gen/long-condition-values.json"
  printf '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::%s"}}}}' "$stars" > "$gen/stars-arnlike.json"
  printf '{%s, "action": "s3:GetObject", "context": {"aws:SourceArn": "arn:aws:s3:::%sb"}}' "$alice" "$long" > "$gen/long-source-arn.json"
  printf '%s\n' "$request" > "$gen/request.json"
  { printf '{"action": "s3:GetObject", "context": {"k": "'; bytes 40000000 a; printf '"}}\n'; } > "$gen/batch-40mb-line.jsonl"
  if [ -n "${BAD_INPUTS_HEAVY:-}" ]; then
    # 1.2 million statements, about 118 MB.
    { printf '{"Version": "2012-10-17", "Statement": [\n'
      yes '{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/prefix/*"},' | head -n 1200000
      printf '{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}\n'; } > "$gen/policy-118mb-statements.json"
    printf '{"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/prefix/x"}' > "$gen/request-prefix.json"
  fi
}

echo "generating inputs in $gen"
generate

tab=$(printf '\t')
passed=0
failed=0
known=0
skipped=0
pinned=0
set -f
while IFS=$tab read -r name args expect options rest || [ -n "$name" ]; do
  case $name in '' | '#'*) continue ;; esac
  timeout_s=60
  rss_mb=
  known_bug=
  heavy=
  for option in $options; do
    case $option in
      timeout=*) timeout_s=${option#timeout=} ;;
      rss=*) rss_mb=${option#rss=} ;;
      known-bug) known_bug=1 ;;
      heavy) heavy=1 ;;
      pinned) pinned=$((pinned + 1)) ;;
      *) echo "FAIL $name: unknown option '$option' in cases.tsv"; failed=$((failed + 1)); continue 2 ;;
    esac
  done
  if [ -n "$heavy" ] && [ -z "${BAD_INPUTS_HEAVY:-}" ]; then
    skipped=$((skipped + 1))
    echo "SKIP $name: heavy (BAD_INPUTS_HEAVY=1 runs it)"
    continue
  fi
  # Resolve @NAME to generated files.
  argv=
  for word in $args; do
    case $word in @*) word=$gen/${word#@} ;; esac
    argv="$argv $word"
  done
  set -- $expect
  kind=$1
  if [ "$kind" = decision ]; then
    argv="$argv --format json"
  fi

  prefix="$timeout_cmd $timeout_s $time_cmd -f %M -o $gen/.rss"
  rm -f "$gen/.rss"
  # shellcheck disable=SC2086  # argv is split on spaces on purpose (globbing is off)
  $prefix "$bin" check $argv </dev/null >"$gen/.out" 2>"$gen/.err"
  status=$?

  problem=
  crashed=
  if [ "$status" -eq 124 ]; then
    problem="did not finish within ${timeout_s}s"
    crashed=1
  elif [ "$status" -gt 2 ]; then
    problem="exit status $status (crash, signal or sanitizer report): $(grep -v '^ *#' "$gen/.err" | head -n 3 | tr '\n' ' ')"
    crashed=1
  fi
  if [ -z "$problem" ]; then
    case $kind in
      error)
        location=$2
        shift 2
        message=$*
        case $location in @*) location=$gen/${location#@} ;; esac
        if [ "$status" -ne 2 ]; then
          problem="expected exit 2, got $status"
        elif ! grep -F -- "${location} error: " "$gen/.err" | grep -q -F -- "$message"; then
          problem="expected '${location} error: ...${message}...', got: $(head -n 2 "$gen/.err" | cut -c1-300)"
        fi
        ;;
      decision)
        want=$2
        extra=${3:-}
        expected_status=1
        [ "$want" = allowed ] && expected_status=0
        got=$(sed -n 's/^{"decision":"\([A-Za-z]*\)".*/\1/p' "$gen/.out" | head -n 1)
        if [ "$status" -ne "$expected_status" ] || [ "$got" != "$want" ]; then
          problem="expected $want (exit $expected_status), got ${got:-no decision} (exit $status): $(head -n 2 "$gen/.err" | cut -c1-300)"
        elif [ "$extra" = errors ] && ! grep -q '"errors":\["' "$gen/.out"; then
          problem="expected a non-empty \"errors\" array"
        elif [ "$extra" = warns ] && ! grep -q ': warning: .*fails closed' "$gen/.err"; then
          problem="expected a 'warning: ... fails closed' line on stderr"
        fi
        ;;
      bounded)
        ;;
      plain-text)
        if cat "$gen/.out" "$gen/.err" | tr -d '\n\t' | LC_ALL=C grep -q '[[:cntrl:]]'; then
          problem="control characters from the input reach the output: $(cat "$gen/.out" "$gen/.err" | LC_ALL=C grep '[[:cntrl:]]' | head -n 1 | od -c | head -n 2 | tr -s ' \n' ' ')"
        fi
        ;;
      *)
        problem="unknown expectation '$expect' in cases.tsv"
        ;;
    esac
  fi
  if [ -z "$problem" ] && [ -n "$rss_mb" ]; then
    rss_kb=$(tail -n 1 "$gen/.rss" 2>/dev/null)
    case $rss_kb in
      *[!0-9]* | '') problem="no peak RSS measured (GNU time wrote '${rss_kb}')" ;;
      *)
        limit_mb=$((rss_mb + ${BAD_INPUTS_RSS_SLACK_MB:-0}))
        if [ "$rss_kb" -gt $((limit_mb * 1024)) ]; then
          problem="peak RSS $((rss_kb / 1024)) MB over the ${limit_mb} MB limit"
        fi
        ;;
    esac
  fi

  if [ -n "$known_bug" ] && [ -z "$crashed" ]; then
    if [ -n "$problem" ]; then
      known=$((known + 1))
      echo "XFAIL $name (known bug): $problem"
    else
      failed=$((failed + 1))
      echo "XPASS $name: passes now; remove known-bug from tests/bad_inputs/cases.tsv"
    fi
  elif [ -n "$problem" ]; then
    failed=$((failed + 1))
    echo "FAIL $name: $problem"
  else
    passed=$((passed + 1))
  fi
done <"$here/cases.tsv"

[ "$known" -gt 0 ] && echo "$known known bugs (XFAIL, see cases.tsv)"
echo "$skipped skipped (heavy), $pinned pinned (policysim's choice where AWS documents none)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
