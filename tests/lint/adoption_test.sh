#!/bin/sh
# policysim lint adoption features through the binary: baselines (--write-baseline, --baseline),
# suppressions in CloudFormation Metadata (policysim's own and checkov's), and
# `aws iam get-account-authorization-details` output as an input.
# Usage: adoption_test.sh POLICYSIM_BINARY REPO_ROOT
. "$(dirname "$0")/../cli/lib.sh"  # bin, root, dir, check, run, has

root=$(cd "$root" && pwd)
fixtures="$root/tests/lint/fixtures"

# ---- Baseline round trip ----
repo="$dir/repo"
mkdir -p "$repo/policies"
cat > "$repo/policies/app.json" <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
  ]
}
JSON
cd "$repo" || exit 1
run 1 "baseline: the policy has blocking findings" lint policies
run 0 "baseline: --write-baseline exits 0" lint --write-baseline baseline.json policies
check "baseline: written" has baseline.json '"fingerprint"'
check "baseline: names the rule and the statement by Sid" has baseline.json '"statement": "Sid=Admin"'
check "baseline: no line numbers in it" sh -c "! grep -q '\"line\"' baseline.json"
run 0 "baseline: re-run against it is clean" lint --baseline baseline.json policies
check "baseline: accepted findings are counted as suppressed" has "$dir/out" "suppressed)"
lint_json() { "$bin" lint --format json --fail-on warning --baseline baseline.json policies > "$dir/json" 2>&1; }
lint_json
check "baseline: JSON marks them kind baseline" has "$dir/json" '"kind": "baseline"'
first=$(sed -n 's/.*"fingerprint": "\([0-9a-f]*\)".*/\1/p' baseline.json | head -1)
check "baseline: JSON reports carry the same fingerprints" has "$dir/json" "\"fingerprint\": \"$first\""

# Moving lines around: statements reordered, keys reordered, blank lines added.
cat > "$repo/policies/app.json" <<'JSON'
{
  "Statement": [

    {"Resource": "*", "Action": ["s3:GetObject"], "Effect": "Allow", "Sid": "Read"},


    {"Effect": "Allow", "Resource": "*", "Sid": "Admin", "Action": "*"}
  ],
  "Version": "2012-10-17"
}
JSON
run 0 "baseline: moved lines do not resurrect findings" lint --baseline baseline.json policies

# A new problem (a misspelt action, a warning: --fail-on warning makes it block): only it
# blocks, only it is listed; the accepted suggestion does not block at that level either.
cat > "$repo/policies/app.json" <<'JSON'
{
  "Statement": [
    {"Resource": "*", "Action": ["s3:GetObject"], "Effect": "Allow", "Sid": "Read"},
    {"Effect": "Allow", "Resource": "*", "Sid": "Admin", "Action": "*"},
    {"Sid": "Typo", "Effect": "Allow", "Action": "s3:GetObjekt",
     "Resource": "arn:aws:s3:::reports/*"}
  ],
  "Version": "2012-10-17"
}
JSON
run 1 "baseline: a new finding blocks" lint --fail-on warning --baseline baseline.json policies
check "baseline: the new finding is listed" grep -q "app.json:5:.*s3:GetObjekt" "$dir/out"
check "baseline: only the new finding is listed" [ "$(grep -c ': \(error\|security\|warning\|suggestion\) PS' "$dir/out")" -eq 1 ]
lint_json
check "baseline: JSON: one finding blocks" has "$dir/json" '"blocking": 1'

# The same finding twice where the baseline had it once: the second is new.
cat > "$repo/policies/app.json" <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"},
    {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"}
  ]
}
JSON
run 1 "baseline: a second copy of an accepted finding blocks" lint --baseline baseline.json policies
cd "$root" || exit 1

echo '{"version": 1, "findings": [{"fingerprint": 12}]}' > "$dir/bad-baseline.json"
run 2 "baseline: a malformed baseline is an input error" lint --baseline "$dir/bad-baseline.json" "$repo"
check "baseline: the error names file, line and column" grep -q "bad-baseline.json:1:[0-9]*: error" "$dir/err"
run 2 "baseline: a missing baseline is an input error" lint --baseline "$dir/none.json" "$repo"

# ---- Suppressions in CloudFormation Metadata ----
run 1 "metadata: the unsuppressed resource still blocks" lint "$fixtures/cfn_metadata.yaml"
check "metadata: suppressed findings are hidden" sh -c "! grep -q BreakGlassPolicy '$dir/out'"
check "metadata: the unsuppressed resource is reported" has "$dir/out" "Resources.UnsuppressedPolicy"
check "metadata: three suppressed" has "$dir/out" "(3 suppressed)"
"$bin" lint --show-suppressed "$fixtures/cfn_metadata.yaml" > "$dir/out" 2>&1
check "metadata: --show-suppressed gives the reason" \
  has "$dir/out" "(suppressed: break-glass administrator, reviewed by security)"
check "metadata: checkov's skip with a mapped check id suppresses PS305" \
  has "$dir/out" "(suppressed: a public website bucket)"
"$bin" lint --format sarif "$fixtures/cfn_metadata.yaml" > "$dir/sarif" 2>&1
check "metadata: SARIF suppressions are inSource" has "$dir/sarif" '"kind": "inSource"'
check "metadata: SARIF justification is the reason" \
  has "$dir/sarif" '"justification": "break-glass administrator, reviewed by security"'
"$bin" lint --format json "$fixtures/cfn_metadata.yaml" > "$dir/json" 2>&1
check "metadata: JSON suppression kind inSource" has "$dir/json" '"kind": "inSource"'

cat > "$dir/noreason.yaml" <<'YAML'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Admin:
    Type: AWS::IAM::ManagedPolicy
    Metadata:
      policysim:
        ignore:
          - rule: PS303
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: "*"
            Resource: "*"
YAML
run 1 "metadata: a suppression without a reason does not suppress" lint "$dir/noreason.yaml"
check "metadata: ... and is reported with its line" \
  grep -q 'noreason.yaml:8:[0-9]*: error PS100 .*policysim.ignore\[0\]: a suppression needs a "reason"' "$dir/out"
check "metadata: ... and the finding stays" has "$dir/out" "PS303"
sed 's/rule: PS303/rule: PS999\n            reason: typo/' "$dir/noreason.yaml" > "$dir/unknown.yaml"
run 1 "metadata: an unknown rule id is reported" lint "$dir/unknown.yaml"
check "metadata: ... naming the entry" has "$dir/out" 'must name a policysim rule'

# Template-wide Metadata applies to every resource.
sed -e 's/^Resources:/Metadata:\n  policysim:\n    ignore:\n      - {rule: PS303, reason: sandbox account}\n      - {rule: PS304, reason: sandbox account}\nResources:/' \
  -e '/^    Metadata:/,/^          - rule: PS303/d' "$dir/noreason.yaml" > "$dir/wide.yaml"
run 0 "metadata: template-level Metadata suppresses in every resource" lint "$dir/wide.yaml"

# ---- aws iam get-account-authorization-details ----
details="$fixtures/authorization_details.json"
run 1 "details: findings block" lint "$details"
"$bin" lint --format json "$details" > "$dir/json" 2>&1
check "details: detected by shape" has "$dir/json" '"format": "authorization-details"'
check "details: every inline policy, trust policy and version (8 policies)" has "$dir/json" '"policies": 8'
check "details: user inline policy names the user" \
  has "$dir/json" '"policy": "user Alice: inline policy AllAccessPolicy"'
check "details: role trust policy names the role" \
  has "$dir/json" '"policy": "role OpenRole: trust policy"'
check "details: a non-default version is linted and named as such" \
  has "$dir/json" 'policy/Dev-Policy version v1 (not the default version)'
check "details: managed policy findings name the principals it is attached to" \
  has "$dir/json" 'attached to user Bob, group Dev, role EC2role'
check "details: a URL-encoded document (raw API output) is decoded and linted" \
  has "$dir/json" '"policy": "user Bob: inline policy RawApiPolicy"'
"$bin" lint "$details" > "$dir/out" 2>&1
check "details: position inside the URL-encoded string" \
  grep -q "authorization_details.json:39:210: security PS304" "$dir/out"
printf '{"UserDetailList": [{"UserName": "x", "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": "%%7B%%22Statement%%22%%3A%%5B"}]}]}' > "$dir/broken-details.json"
run 1 "details: a broken URL-encoded document is reported" lint "$dir/broken-details.json"
check "details: ... as a URL-encoded policy problem" has "$dir/out" "URL-encoded policy document:"

# ---- one IAM API answer: get-policy-version, get-role-policy, get-role ----
# What snapshots of the AWS managed policies keep (one get-policy-version output per policy,
# without a file extension), and what `aws iam get-role-policy ... > p.json` writes.
mkdir -p "$dir/iam"
cat > "$dir/iam/AdminLike" << 'JSON'
{"PolicyVersion": {"CreateDate": "2024-01-01T00:00:00Z", "VersionId": "v3", "IsDefaultVersion": true,
 "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}}
JSON
printf '#!/bin/sh\necho not json\n' > "$dir/iam/script"
run 1 "iam response: an extensionless get-policy-version file in a directory is linted" lint "$dir/iam"
check "iam response: its Allow-all is found" has "$dir/out" "PS303"
"$bin" lint --format json "$dir/iam" > "$dir/json" 2>&1
check "iam response: detected by shape" has "$dir/json" '"format": "iam-response"'
check "iam response: one file, the script left alone" has "$dir/json" '"files": 1'
check "iam response: labelled with the version" has "$dir/json" '"policy": "policy version v3 (default)"'
cat > "$dir/role-policy.json" << 'JSON'
{"RoleName": "app", "PolicyName": "reader",
 "PolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObjekt%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"}
JSON
"$bin" lint --format json "$dir/role-policy.json" > "$dir/json" 2>&1
check "iam response: get-role-policy (URL-encoded) names role and policy" \
  has "$dir/json" '"policy": "role app: inline policy reader"'
check "iam response: ... and its document is linted" has "$dir/json" 's3:GetObjekt'
cat > "$dir/role.json" << 'JSON'
{"Role": {"RoleName": "open", "Arn": "arn:aws:iam::111122223333:role/open",
 "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
 "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}}}
JSON
run 1 "iam response: get-role's trust policy open to everyone blocks" lint "$dir/role.json"
check "iam response: ... read as a trust policy" has "$dir/out" "role open: trust policy"

finish
