#!/bin/sh
# policysim diff: exit statuses (0 no new access, 1 new access, 2 errors), the text/json/sarif
# reports, witnesses that `check` confirms (NEW allows, OLD denies), per-side flags,
# --deny-list, and --git on a throw-away repository (plain JSON and a CloudFormation template).
# Usage: diff_test.sh POLICYSIM_BINARY REPO_ROOT
. "$(dirname "$0")/lib.sh"
cd "$root" || exit 2
force=policies/force_mfa.json
sed 's/"BoolIfExists"/"Bool"/' $force > "$dir/bool.json"
sed 's/"iam:GetAccountPasswordPolicy"$/"iam:GetAccountPasswordPolicy", "iam:CreateAccessKey"/' \
  $force > "$dir/grew.json"

run 0 "identical policies" diff $force $force
check "says no new access" has "$dir/out" "No new access"

run 1 "Bool instead of BoolIfExists" diff $force "$dir/bool.json"
check "names the absent key" has "$dir/out" "aws:MultiFactorAuthPresent is absent"

run 1 "json" diff $force "$dir/bool.json" --format json
check "json shape" grep -q '^{"newAccess":\[{"action":"iam:' "$dir/out"
grep -o '"witness":{[^{}]*{[^{}]*}}' "$dir/out" | head -1 | sed 's/^"witness"://' > "$dir/witness.json"
check "a witness was extracted" [ -s "$dir/witness.json" ]
"$bin" check "$dir/bool.json" --context "$dir/witness.json" > /dev/null 2>&1
check "check NEW --context witness: allowed" [ $? -eq 0 ]
"$bin" check $force --context "$dir/witness.json" > /dev/null 2>&1
check "check OLD --context witness: denied" [ $? -eq 1 ]

run 1 "NotAction list grew" diff $force "$dir/grew.json" --format json
check "only iam:CreateAccessKey" grep -q '"actions":\["iam:CreateAccessKey"\]' "$dir/out"
check "granted by OwnAccessKeys" grep -q '"sid":"OwnAccessKeys"' "$dir/out"

run 1 "sarif" diff $force "$dir/bool.json" --format sarif
check "sarif result on the NEW statement" grep -q '"uri":"[^"]*bool.json"},"region":{"startLine":22' "$dir/out"

run 1 "over the cap: approximated, never a silent pass" diff $force $force --max-requests 1
check "says it is not a proof" has "$dir/out" "not a proof"
run 1 "approximations in json" diff $force $force --max-requests 1 --format json
check "json approximations listed" grep -q '"approximations":\[{"actionSummary"' "$dir/out"

run 0 "removed access alone passes" diff "$dir/bool.json" $force
check "reports the removed access" has "$dir/out" "Removed access"

# Per side: the same identity policy, a boundary only on NEW's side removes access.
cat > "$dir/boundary.json" <<'JSON'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}
JSON
run 0 "narrowing boundary on NEW" diff $force $force --new-boundary "$dir/boundary.json"
check "boundary: removed access" has "$dir/out" "Removed access"
run 1 "boundary dropped on NEW" diff $force $force --old-boundary "$dir/boundary.json"

# A resource-based policy opened to everyone: given by the role flags alone.
cat > "$dir/bucket_old.json" <<'JSON'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}
JSON
sed 's/{"AWS":"arn:aws:iam::111122223333:root"}/"*"/' "$dir/bucket_old.json" > "$dir/bucket_new.json"
run 1 "bucket policy opened" diff --old-resource-policy "$dir/bucket_old.json" \
  --new-resource-policy "$dir/bucket_new.json"
check "anonymous callers gain" has "$dir/out" "(anonymous)"

run 1 "deny list: NEW allows a listed action" diff --deny-list iam:CreateAccessKey,iam:DeleteUser $force
check "deny list names the action" has "$dir/out" "iam:CreateAccessKey"
printf 'iam:DeleteUser\n# comment\ns3:*\n' > "$dir/deny.txt"
run 0 "deny list from a file: none allowed" diff --deny-list "$dir/deny.txt" $force

run 2 "missing file" diff $force "$dir/nope.json"
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]}' > "$dir/bad.json"
run 2 "bad JSON" diff $force "$dir/bad.json"
check "error with file:line:col" grep -q 'bad.json:1:[0-9]*: error' "$dir/err"
run 2 "one file without --deny-list" diff $force

if command -v git > /dev/null 2>&1; then
  repo="$dir/repo"
  mkdir -p "$repo/iam"
  cp $force "$repo/iam/force_mfa.json"
  cat > "$repo/iam/stack.yaml" <<'YAML'
Resources:
  AppPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: arn:aws:s3:::bucket/*
YAML
  (cd "$repo" && git init -q && git add -A &&
    git -c user.email=t@example.com -c user.name=t commit -qm base) || exit 2
  (cd "$repo" && "$bin" diff --git HEAD > "$dir/out" 2> "$dir/err")
  check "git: nothing changed (exit $?)" [ $? -eq 0 ]
  cp "$dir/bool.json" "$repo/iam/force_mfa.json"
  sed 's/s3:GetObject/s3:Get*/' "$repo/iam/stack.yaml" > "$dir/stack.yaml"
  cp "$dir/stack.yaml" "$repo/iam/stack.yaml"
  (cd "$repo" && "$bin" diff --git HEAD --format sarif > "$dir/out" 2> "$dir/err")
  check "git: new access (exit 1)" [ $? -eq 1 ]
  check "git: sarif on the changed JSON file" grep -q '"uri":"iam/force_mfa.json"},"region":{"startLine":22' "$dir/out"
  check "git: sarif on the template's line" grep -q '"uri":"iam/stack.yaml"},"region":{"startLine":8' "$dir/out"
  (cd "$repo" && "$bin" diff --git HEAD iam/stack.yaml --format json > "$dir/out" 2> "$dir/err")
  check "git: limited to a path" [ $? -eq 1 ]
  check "git: path limit leaves the other file out" [ "$(grep -c force_mfa "$dir/out")" -eq 0 ]
  (cd "$repo" && "$bin" diff --git HEAD iam/stack.yaml --deny-list s3:GetBucketPolicy --format json > "$dir/out" 2> "$dir/err")
  check "git: deny list applies to the changed policy" grep -q 'deny-listed action allowed at all' "$dir/out"
  # A Terraform plan: an identity policy and a role trust policy change inside JSON strings.
  cp tests/lint/fixtures/tf_plan.json "$repo/plan.json"
  (cd "$repo" && git add -A && git -c user.email=t@example.com -c user.name=t commit -qm plan) ||
    exit 2
  sed 's/\\"lambda:InvokeFunction\\"\]/\\"lambda:InvokeFunction\\", \\"iam:CreateUser\\"]/; s#repo:org/app:\*#repo:org/*#' \
    tests/lint/fixtures/tf_plan.json > "$repo/plan.json"
  (cd "$repo" && "$bin" diff --git HEAD plan.json > "$dir/out" 2> "$dir/err")
  check "git: terraform plan changes are new access (exit 1)" [ $? -eq 1 ]
  check "git: plan identity policy" has "$dir/out" "+ iam:CreateUser on *"
  check "git: plan trust policy" has "$dir/out" "sts:AssumeRoleWithWebIdentity"
  check "git: plan statement position" has "$dir/out" "plan.json#aws_iam_policy.deploy.policy:18:"
  (cd "$repo" && "$bin" diff --git no-such-revision > "$dir/out" 2> "$dir/err")
  check "git: unknown revision (exit 2)" [ $? -eq 2 ]
fi
finish
