#!/bin/sh
# policysim check --as SCENARIO: requests built from flags, the scenario's keys deciding the
# shipped MFA policies, the conservative AssumeRole switch, explicit keys winning, credential
# restrictions (semantics §4.9) and impossible inputs (exit 2).
# Usage: scenario_check_test.sh POLICYSIM_BINARY REPO_ROOT
. "$(dirname "$0")/lib.sh"
cd "$root" || exit 2
alice=arn:aws:iam::111122223333:user/alice
own=$alice
role=arn:aws:iam::111122223333:role/ProdAdmin
now=2026-11-22T10:00:00Z
force=policies/force_mfa.json

run 1 "access-key: guard denies" check $force --as access-key --principal $alice \
  --action s3:ListAllMyBuckets --now $now
check "access-key: explicitDeny" grep -q '^explicitDeny:' "$dir/out"
check "access-key: MFA key missing" grep -q 'missing context values: aws:MultiFactorAuthPresent' "$dir/out"

run 0 "access-key: enrolling MFA on the own user works" check $force --as access-key \
  --principal $alice --action iam:EnableMFADevice --resource $own --now $now

run 1 "console without MFA: guard denies" check $force --as console --principal $alice \
  --action iam:CreateAccessKey --resource $own --now $now
check "console: explicitDeny" grep -q '^explicitDeny:' "$dir/out"

run 0 "console-mfa: own access keys allowed" check $force --as console-mfa --principal $alice \
  --action iam:CreateAccessKey --resource $own --now $now

run 0 "session-mfa: change own password" check $force --as session-mfa --principal $alice \
  --action iam:ChangePassword --resource $own --mfa-age 1200 --now $now

run 0 "session-mfa + S3 policy: list buckets" check $force policies/s3_production_recent_mfa.json \
  --as session-mfa --principal $alice --action s3:ListAllMyBuckets --now $now

run 0 "MFA 1800 s old reaches production" check policies/s3_production_recent_mfa.json \
  --as session-mfa --principal $alice --action s3:PutObject \
  --resource arn:aws:s3:::production/x --mfa-age 1800 --now $now
run 1 "MFA 1801 s old does not" check policies/s3_production_recent_mfa.json \
  --as session-mfa --principal $alice --action s3:PutObject \
  --resource arn:aws:s3:::production/x --mfa-age 1801 --now $now
check "stale MFA: explicitDeny" grep -q '^explicitDeny:' "$dir/out"

run 0 "assume-role-mfa (CloudTrail reading): stop allowed" check policies/ec2_require_mfa.json \
  --as assume-role-mfa --principal $role --action ec2:StopInstances --now $now
check "assume-role-mfa: reading noted on stderr" grep -q 'note: assume-role-mfa' "$dir/err"
check "assume-role-mfa: session ARN" \
  grep -q 'arn:aws:sts::111122223333:assumed-role/ProdAdmin/policysim -> ec2:StopInstances' "$dir/out"
run 1 "assume-role-mfa, conservative reading: stop denied" check policies/ec2_require_mfa.json \
  --as assume-role-mfa --principal $role --action ec2:StopInstances --now $now \
  --conservative-assume-role
check "conservative: explicitDeny" grep -q '^explicitDeny:' "$dir/out"
run 1 "assume-role without MFA: stop denied" check policies/ec2_require_mfa.json \
  --as assume-role --principal $role --action ec2:StopInstances --now $now

run 1 "federated: guard denies" check $force --as federated --principal $alice \
  --action s3:ListAllMyBuckets --now $now
# The root user is governed by SCPs, not identity policies: an SCP that denies without MFA.
cat > "$dir/scp.json" <<'EOF'
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "*", "Resource": "*"},
  {"Effect": "Deny", "Action": "*", "Resource": "*",
   "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}
EOF
run 1 "root without MFA: SCP denies" check --scp "$dir/scp.json" --as root \
  --principal 111122223333 --action s3:ListAllMyBuckets --now $now
check "root: explicitDeny by the SCP" grep -q '^explicitDeny:.*scp' "$dir/out"
run 0 "root-mfa: SCP satisfied" check --scp "$dir/scp.json" --as root-mfa --principal $alice \
  --action s3:ListAllMyBuckets --now $now
check "root-mfa: the root ARN" grep -q 'request: arn:aws:iam::111122223333:root ->' "$dir/out"
run 1 "root access keys: SCP denies" check --scp "$dir/scp.json" --as access-key \
  --principal arn:aws:iam::111122223333:root --action s3:ListAllMyBuckets --now $now

run 0 "console-mfa: trust policy requiring MFA" check policies/assume_role_identity.json \
  --resource-policy policies/trust_require_mfa.json --as console-mfa --principal $alice \
  --action sts:AssumeRole --resource $role --now $now

# Credential restrictions before policies (semantics §4.9).
run 1 "session-no-mfa cannot call IAM even when policies allow" check $force \
  --as session-no-mfa --principal $alice --action iam:ChangePassword --resource $own --now $now
check "restriction explained" grep -q 'cannot call IAM API operations' "$dir/out"

# --verbose shows the context the scenario filled in.
run 0 "verbose context" check $force --as session-mfa --principal $alice \
  --action iam:ChangePassword --resource $own --mfa-age 600 --now $now --verbose
check "verbose: age" grep -q 'aws:MultiFactorAuthAge = 600' "$dir/err"
check "verbose: token issue time" grep -q 'aws:TokenIssueTime = 2026-11-22T09:50:00Z' "$dir/err"
check "verbose: username" grep -q 'aws:username = alice' "$dir/err"

run 0 "json format" check $force --as session-mfa --principal $alice --action iam:ChangePassword \
  --resource $own --now $now --format json
check "json decision" grep -q '"decision":"allowed"' "$dir/out"

# With --context: the request's own keys win; time and age come from the request.
req=policies/requests/force_mfa--session-token-mfa-list-buckets.json
run 1 "context + the scenario it describes" check $force --context $req --as session-mfa
check "kept key noted" grep -q 'kept aws:MultiFactorAuthPresent' "$dir/err"
# A request whose credential keys contradict the scenario describes other credentials: an
# error, not a quiet merge (the MFA key true would make the guard not apply).
run 2 "context contradicting --as console" check $force --context $req --as console
check "contradiction named" grep -q 'the request sets aws:MultiFactorAuthPresent = true, but console credentials carry aws:MultiFactorAuthPresent = false' "$dir/err"
run 2 "context contradicting --as access-key" check $force --context $req --as access-key
check "access keys carry no MFA key" grep -q 'access-key credentials carry no such key' "$dir/err"
run 2 "--mfa-age contradicting the request" check $force --context $req --as session-mfa \
  --mfa-age 60
check "contradiction explained" grep -q 'contradicts aws:MultiFactorAuthAge' "$dir/err"
run 2 "--now contradicting the request" check $force --context $req --as session-mfa \
  --now 2026-01-01T00:00:00Z
run 0 "no --now: the system clock" check $force --as session-mfa --principal $alice \
  --action iam:ChangePassword --resource $own

# Impossible inputs and usage errors: exit 2.
run 2 "root GetSessionToken session 7200 s old" check $force --as session-mfa \
  --principal arn:aws:iam::111122223333:root --action s3:ListAllMyBuckets --mfa-age 7200 --now $now
check "root age explained" grep -q 'at most 3600 s' "$dir/err"
run 2 "negative age" check $force --as console-mfa --principal $alice --action s3:ListAllMyBuckets \
  --mfa-age -5 --now $now
run 2 "age not a number" check $force --as console-mfa --principal $alice \
  --action s3:ListAllMyBuckets --mfa-age 5m --now $now
run 2 "MFA age for a scenario without MFA" check $force --as console --principal $alice \
  --action s3:ListAllMyBuckets --mfa-age 60 --now $now
run 2 "assume-role with a user" check $force --as assume-role --principal $alice \
  --action s3:ListAllMyBuckets --now $now
run 2 "unknown scenario" check $force --as mfa --principal $alice --action s3:ListAllMyBuckets
check "unknown scenario lists the names" grep -q 'access-key, console' "$dir/err"
run 2 "--mfa-age without --as" check $force --context $req --mfa-age 60
run 2 "--action with --context" check $force --context $req --action s3:ListAllMyBuckets
run 2 "--as without any principal" check $force --as console --action s3:ListAllMyBuckets --now $now
run 2 "bad --now" check $force --as console --principal $alice --action s3:ListAllMyBuckets \
  --now tomorrow
run 2 "--as with --requests" check $force --as console --requests "$req" --format jsonl

"$bin" check --help > "$dir/out" 2>&1
check "help lists the scenarios" grep -q 'assume-role-mfa' "$dir/out"

finish
