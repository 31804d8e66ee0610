#!/bin/sh
# policysim replay --cloudtrail: the shipped sample log against force_mfa.json (exact text
# outcome in policies/cloudtrail/sample-events.force_mfa.expected.txt), JSON counts, the
# conservative AssumeRole switch, --principal and --explicit-deny-only, JSON Lines input,
# malformed records (exit 2, reported with their index) and usage errors.
# Usage: replay_test.sh POLICYSIM_BINARY REPO_ROOT
. "$(dirname "$0")/lib.sh"
cd "$root" || exit 2
log=policies/cloudtrail/sample-events.json
force=policies/force_mfa.json
alice=arn:aws:iam::111122223333:user/alice

run 1 "sample log against force_mfa.json" replay --cloudtrail $log $force
check "text outcome as expected" \
  diff -u policies/cloudtrail/sample-events.force_mfa.expected.txt "$dir/out"
check "nothing on stderr" [ ! -s "$dir/err" ]

run 1 "json" replay --cloudtrail $log $force --format json
for field in '"records":22' '"replayed":16' '"allowed":5' '"explicitDeny":7' '"implicitDeny":4' \
  '"needNoPermission":2' '"wouldDeny":true' '"assumeRoleReading":"cloudtrail"'; do
  check "json $field" grep -q "$field" "$dir/out"
done
check "json: bob's two DescribeInstances in one group" grep -q \
  '"principal":"arn:aws:iam::111122223333:user/bob","action":"ec2:DescribeInstances","decision":"explicitDeny","reason":".*","counted":true,"count":2,"failedAtTheTime":0,"firstTime":"2026-11-20T11:25:00Z","lastTime":"2026-11-21T16:40:00Z","credentials":\["access-key"\]' \
  "$dir/out"
check "json: deciding statement" grep -q \
  '"statement":{"policy":"policies/force_mfa.json","policyType":"identity","policyIndex":0,"statementIndex":8,"sid":"DenyEverythingElseWithoutMFA","effect":"Deny","line":86,"column":5}' \
  "$dir/out"
check "json: carol's sign-in without MFA" grep -q \
  '"principal":"arn:aws:iam::111122223333:user/carol","withMfa":0,"withoutMfa":1' "$dir/out"
check "json: service event skipped" grep -q '"skipped":\[{"record":19,' "$dir/out"
check "json: failed-at-the-time counted" grep -q '"action":"iam:CreateUser".*"failedAtTheTime":1' \
  "$dir/out"

# The role session assumed with MFA: allowed past the guard by default, denied when role
# sessions are taken not to carry MFA (semantics §5.1).
run 1 "conservative AssumeRole reading" replay --cloudtrail $log $force --format json \
  --conservative-assume-role
check "conservative: one more explicit deny" grep -q '"explicitDeny":8' "$dir/out"
check "conservative: reading reported" grep -q '"assumeRoleReading":"conservative"' "$dir/out"
check "conservative: ProdAdmin denied by the guard" grep -q \
  '"principal":"arn:aws:iam::111122223333:role/ProdAdmin","action":"ec2:StopInstances","decision":"explicitDeny"' \
  "$dir/out"

# alice always uses MFA: attaching the guard breaks nothing of hers.
run 0 "alice only, explicit denies only" replay --cloudtrail $log --principal $alice $force \
  --explicit-deny-only
check "alice: no explicit deny" grep -q 'replayed 5 of 22 CloudTrail records: 2 allowed, 0 explicitly denied, 3 not allowed' "$dir/out"
check "alice: others counted as filtered" grep -q '11 of other principals' "$dir/out"
run 1 "alice only, implicit denies count by default" replay --cloudtrail $log $force \
  --principal $alice
run 1 "bob and carol" replay --cloudtrail $log $force --principal arn:aws:iam::111122223333:user/bob \
  --principal arn:aws:iam::111122223333:user/carol --explicit-deny-only --format json
check "bob and carol: 6 explicit denies" grep -q '"explicitDeny":6' "$dir/out"

run 1 "verbose lists allowed requests" replay --cloudtrail $log $force --verbose
check "verbose: allowed section" grep -q '^allowed:' "$dir/out"
check "verbose: carol's password change allowed" grep -q 'allowed by Allow "OwnPassword"' "$dir/out"

run 1 "standard input" replay --cloudtrail - $force < $log
sed "s|$log record|- record|" policies/cloudtrail/sample-events.force_mfa.expected.txt > "$dir/stdin.expected"
check "stdin: same outcome" diff -q "$dir/stdin.expected" "$dir/out"

# JSON Lines, with a malformed line and a record without eventTime: reported, rest replayed.
ok='{"eventTime":"2026-11-21T09:02:00Z","eventSource":"iam.amazonaws.com","eventName":"ListAccessKeys","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEALICE00001","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEALICESTS1","userName":"alice","sessionContext":{"attributes":{"creationDate":"2026-11-21T08:00:00Z","mfaAuthenticated":"true"}}},"sourceIPAddress":"198.51.100.23"}'
printf '%s\n\n%s\n' "$ok" "$ok" > "$dir/good.jsonl"
run 0 "json lines, all allowed" replay --cloudtrail "$dir/good.jsonl" $force
check "json lines: both replayed" grep -q 'replayed 2 of 2' "$dir/out"

noTime='{"eventSource":"s3.amazonaws.com","eventName":"ListBuckets","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/bob","accessKeyId":"AKIAEXAMPLEBOBKEY001"}}'
printf '%s\n{"eventTime": \n%s\n' "$ok" "$noTime" > "$dir/bad.jsonl"
run 2 "json lines with malformed records" replay --cloudtrail "$dir/bad.jsonl" $force
check "bad line: file, line and record index" grep -q 'bad.jsonl:3:1: error: record 2: not closed before line 3' \
  "$dir/err"
check "missing eventTime: record 3" grep -q 'bad.jsonl:3: error: record 3: no "eventTime"' \
  "$dir/err"
check "the good record is still replayed" grep -q 'replayed 1 of 3' "$dir/out"

printf '{"Records": [%s, {"eventTime": "2026-11-21T09:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": "ListBuckets"}, 7]}\n' \
  "$ok" > "$dir/records.json"
run 2 "Records with malformed records" replay --cloudtrail "$dir/records.json" $force
check "no userIdentity: record 2" grep -q 'records.json:1: error: record 2: no "userIdentity" object' \
  "$dir/err"
check "not an object: record 3" grep -q 'error: record 3: a CloudTrail event must be a JSON object' \
  "$dir/err"

# A role session older than any AssumeRole session can last is not a real record.
old='{"eventTime":"2026-11-21T09:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/R/s","accessKeyId":"ASIAEXAMPLE000000001","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/R"},"attributes":{"creationDate":"2026-11-19T09:00:00Z","mfaAuthenticated":"false"}}}}'
printf '%s\n' "$old" > "$dir/old.jsonl"
run 2 "impossible session age" replay --cloudtrail "$dir/old.jsonl" $force
check "age explained" grep -q 'record 1: assume-role: .*at most 43200 s' "$dir/err"

printf '{"Records": [\n  {"eventTime": 1,\n  ]}\n' > "$dir/broken.json"
run 2 "invalid JSON" replay --cloudtrail "$dir/broken.json" $force
check "invalid JSON: line and column" grep -q 'broken.json:3:3: error: record 1: invalid JSON' "$dir/err"

# Every shape of log (tests/analysis/fixtures/cloudtrail/README.md): the same two records.
fx=tests/analysis/fixtures/cloudtrail
for shape in lines.jsonl array.json pretty.json lookup-events.json eventbridge.jsonl; do
  run 1 "shape $shape" replay --cloudtrail $fx/$shape $force --format json
  check "$shape: both records replayed" grep -q '"records":2,"replayed":2,"allowed":1,"explicitDeny":1' "$dir/out"
done
gzip -c $fx/lines.jsonl > "$dir/lines.jsonl.gz"
run 1 ".json.gz read directly" replay --cloudtrail "$dir/lines.jsonl.gz" $force --format json
check "gzip: both records replayed" grep -q '"records":2,"replayed":2' "$dir/out"
cat "$dir/lines.jsonl.gz" "$dir/lines.jsonl.gz" | "$bin" replay --cloudtrail - $force --format json \
  > "$dir/out" 2> "$dir/err"
check "concatenated gzip on stdin: re-delivered records counted once" grep -q \
  '"records":4,"replayed":2.*"duplicates":2' "$dir/out"
# zcat *.json.gz | policysim replay --cloudtrail -: delivery files one after another.
cat $fx/AWSLogs/111122223333/CloudTrail/*/2026/11/21/*.json | "$bin" replay --cloudtrail - $force \
  --format json > "$dir/out" 2> "$dir/err"
check "concatenated delivery files: 4 records" grep -q '"records":4,"replayed":4' "$dir/out"

# A directory in the AWSLogs layout, one file gzipped, digests left out.
cp -r $fx/AWSLogs "$dir/"
gzip "$dir"/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/21/*.json
run 1 "AWSLogs directory" replay --cloudtrail "$dir/AWSLogs" $force --format json
check "directory: 2 files, 4 records, no error" grep -q \
  '"records":4,"replayed":4.*"errors":\[\],"files":2,"duplicates":0' "$dir/out"
run 1 "files and directories together" replay --cloudtrail "$dir/AWSLogs" --cloudtrail \
  $fx/lines.jsonl $force --format json
check "files and directories: 3 files" grep -q '"records":6,.*"files":3,"duplicates":1' "$dir/out"

# Sign-in events: CheckMfa (no ARN) and PasswordUpdated are skipped with a reason, "YES" is MFA.
run 0 "sign-in events" replay --cloudtrail $fx/signin.jsonl $force
check "sign-in: Mary signed in with MFA (YES)" grep -q 'user/Mary_Major  1 with MFA, 0 without MFA' "$dir/out"
check "sign-in: failed sign-in counted" grep -q 'user/John_Stiles  0 with MFA, 0 without MFA, 1 failed' "$dir/out"
check "sign-in: other steps grouped" grep -q '^  2x  sign-in event (signin.amazonaws.com)' "$dir/out"
check "sign-in: nothing on stderr" [ ! -s "$dir/err" ]

# Contradictions and junk: each reported with its place, the good record replayed.
run 2 "junk and contradictions" replay --cloudtrail $fx/junk.jsonl $force
check "junk: first line cut short" grep -q 'junk.jsonl:2:1: error: record 1: not closed before line 2' "$dir/err"
check "junk: AKIA with MFA" grep -q 'junk.jsonl:3: error: record 3: accessKeyId AKIAIOSFODNN7EXAMPLE is a long-term access key' "$dir/err"
check "junk: boolean" grep -q 'junk.jsonl:4: error: record 4: .*mfaAuthenticated is a boolean' "$dir/err"
check "junk: wildcard" grep -q 'junk.jsonl:5: error: record 5: eventName "Describe\*" holds a wildcard' "$dir/err"
check "junk: the good record replayed" grep -q 'replayed 1 of 5' "$dir/out"

# What a real log needs: duplicates, service-linked roles, calls made by services, names.
run 1 "real-log needs" replay --cloudtrail $fx/real-log.jsonl $force
check "real log: duplicate" grep -q '1 duplicates (re-delivered eventID)' "$dir/out"
check "real log: service-linked role skipped" grep -q '^  1x  service-linked role' "$dir/out"
check "real log: CloudFormation's call apart" grep -q '^  cloudformation.amazonaws.com  1x' "$dir/out"
check "real log: event name mapped" grep -q 's3:PutLifecycleConfiguration  1x' "$dir/out"
check "real log: AppRegistry prefix" grep -q 'servicecatalog:CreateApplication  1x' "$dir/out"
check "real log: unknown action warned" grep -q '^  s3:GetBucketMagic  1x  first: .*real-log.jsonl record 5' "$dir/out"

# Text that is no JSON: given up after 1 MiB, not read whole.
head -c 50000000 /dev/zero > "$dir/zeros.bin"
run 2 "a file of NULs" replay --cloudtrail "$dir/zeros.bin" $force
check "NULs: given up after 1 MiB" grep -q 'zeros.bin:1:1048577: error: more than 1 MiB in a row that is not JSON' "$dir/err"
rm -f "$dir/zeros.bin"

mkdir -p "$dir/empty/CloudTrail-Digest"
cp $fx/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/21/*.json "$dir/empty/CloudTrail-Digest/"
run 2 "a directory without logs" replay --cloudtrail "$dir/empty" $force
check "no logs: said" grep -q 'empty: error: no CloudTrail log files' "$dir/err"

run 2 "missing log file" replay --cloudtrail "$dir/none.json" $force
run 2 "no --cloudtrail" replay $force
run 2 "no policy" replay --cloudtrail $log
run 2 "bad policy" replay --cloudtrail $log "$dir/broken.json"

finish
