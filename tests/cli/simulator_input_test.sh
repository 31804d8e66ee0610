#!/bin/sh
# policysim check with the AWS CLI simulate-custom-policy input in full (policies inside the
# file, ResourceOwner, CallerArn with ResourcePolicy) and the organization flags (--rcp,
# --management-account, --vpce-policy).
# Usage: simulator_input_test.sh POLICYSIM_BINARY REPO_ROOT
. "$(dirname "$0")/lib.sh"
cd "$dir" || exit 2

allow_get='{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}'
bucket='{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"444455556666\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}'

cat > sim.json <<JSON
{"ActionNames": ["s3:GetObject", "s3:PutObject"], "ResourceArns": ["arn:aws:s3:::b/k"],
 "PolicyInputList": ["$allow_get"]}
JSON
run 1 "PolicyInputList decides (GetObject allowed, PutObject denied)" check --context sim.json --format json
check "GetObject allowed by the embedded policy" has "$dir/out" '"decision":"allowed"'
check "PutObject denied" has "$dir/out" '"decision":"implicitDeny"'
check "the policy is named after the file" has "$dir/out" 'sim.json:PolicyInputList.1'

cat > cross.json <<JSON
{"ActionNames": ["s3:GetObject"], "ResourceArns": ["arn:aws:s3:::b/k"],
 "CallerArn": "arn:aws:iam::444455556666:user/eve",
 "ResourceOwner": "arn:aws:iam::111122223333:root",
 "PolicyInputList": ["$allow_get"], "ResourcePolicy": "$bucket"}
JSON
run 0 "ResourceOwner makes it cross-account; the ResourcePolicy grants" check --context cross.json
cat > nopolicy.json <<JSON
{"ActionNames": ["s3:GetObject"], "ResourceArns": ["arn:aws:s3:::b/k"],
 "CallerArn": "arn:aws:iam::444455556666:user/eve",
 "ResourceOwner": "arn:aws:iam::111122223333:root",
 "PolicyInputList": ["$allow_get"]}
JSON
run 1 "cross-account without the ResourcePolicy is denied" check --context nopolicy.json

cat > nocaller.json <<JSON
{"ActionNames": ["s3:GetObject"], "ResourcePolicy": "$bucket"}
JSON
run 2 "ResourcePolicy without CallerArn" check --context nocaller.json
check "says CallerArn is needed" has "$dir/err" 'CallerArn'

echo '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}' > r.json
run 2 "a resource policy both in the file and on the command line" \
  check --resource-policy r.json --context cross.json
check "names both" has "$dir/err" 'r.json'

# Organization flags.
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' > id.json
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}' > scp.json
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}' > rcp.json
echo '{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"aws:ResourceAccount":"111122223333"}}' > req.json
run 1 "SCP denies a member account's user" check id.json --scp scp.json --context req.json
run 0 "not the management account's user" check id.json --scp scp.json \
  --management-account 111122223333 --context req.json
run 1 "RCP Deny applies" check id.json --rcp rcp.json --context req.json --format json
check "decided by the RCP" has "$dir/out" '"policyType":"rcp"'
run 0 "not to the management account's resources" check id.json --rcp rcp.json \
  --management-account 111122223333 --context req.json
run 2 "--management-account must be an account" check id.json --management-account 42 \
  --context req.json

echo '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"*"}]}' > vpce.json
echo '{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","vpcEndpoint":"vpce-1a2b3c4d"}' > via.json
run 1 "the endpoint policy must allow" check id.json --vpce-policy vpce.json --context via.json
check "says so" has "$dir/out" 'VPC endpoint'
run 0 "outside the endpoint it does not apply" check id.json --vpce-policy vpce.json \
  --context req.json

finish
