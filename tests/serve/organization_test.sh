#!/usr/bin/env bash
# policysim serve with an organization: scp/ and rcp/ in the policy directory and
# --management-account (SCPs do not bind the management account's principals, RCPs not its
# resources; semantics §4.7), and a vpce.json endpoint policy for requests carrying
# aws:SourceVpce.
# Usage: organization_test.sh POLICYSIM_BINARY REPO_ROOT
set -uo pipefail
bin=$1
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
trap 'stop_server > /dev/null 2>&1; rm -rf "$dir"' EXIT
ensure_packages curl || exit 1

p=$dir/policies
mkdir -p "$p/identity" "$p/scp" "$p/rcp"
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' \
  > "$p/identity/s3.json"
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
  {"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}' > "$p/scp/10-root.json"
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",
  "Action":"s3:DeleteObject","Resource":"*"}]}' > "$p/rcp/10-root.json"
echo '{"Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:PutObject","s3:DeleteObject"],
  "Resource":"*"}]}' > "$p/vpce.json"

start_server --policies "$p" --management-account 111122223333 || exit 1
decision() {  # decision JSON: the "decision" of POST /v1/authorize
  curl -s -X POST --data "$1" "http://127.0.0.1:$PORT/v1/authorize" |
    sed -n 's/^{"decision":"\([A-Za-z]*\)".*/\1/p'
}
request() {  # request ACCOUNT ACTION [EXTRA]: a user of ACCOUNT on a bucket of that account
  echo "{\"principal\":\"arn:aws:iam::$1:user/u\",\"action\":\"$2\",\"resource\":\"arn:aws:s3:::b/k\",\"context\":{\"aws:ResourceAccount\":\"$1\"}${3:-}}"
}
check "member account: the SCP denies PutObject" \
  [ "$(decision "$(request 444455556666 s3:PutObject)")" = explicitDeny ]
check "management account: no SCP" \
  [ "$(decision "$(request 111122223333 s3:PutObject)")" = allowed ]
check "member account's resource: the RCP denies DeleteObject" \
  [ "$(decision "$(request 444455556666 s3:DeleteObject)")" = explicitDeny ]
check "management account's resource: no RCP" \
  [ "$(decision "$(request 111122223333 s3:DeleteObject)")" = allowed ]
check "a request naming its own management account keeps it" \
  [ "$(decision "$(request 444455556666 s3:PutObject ',"managementAccount":"444455556666"')")" = allowed ]
check "through the endpoint: its policy must allow GetObject" \
  [ "$(decision "$(request 111122223333 s3:GetObject ',"vpcEndpoint":"vpce-1"')")" = implicitDeny ]
check "outside the endpoint: allowed" \
  [ "$(decision "$(request 111122223333 s3:GetObject)")" = allowed ]
stop_server
finish
