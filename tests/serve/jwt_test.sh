#!/usr/bin/env bash
# Identity from tokens, end to end: RSA and P-256 keys made with openssl, a JWK Set built from
# them, tokens signed in the test (tests/serve/jwt_tool.py: openssl dgst, Python's standard
# library) and sent to `policysim serve --jwks ...` over loopback. Valid MFA (amr "mfa" and two
# factor kinds), password only, MFA too old, missing, forged, expired, not yet valid, wrong
# audience and issuer, alg none, HS256 with the public key as secret, unknown kid, alg not the
# key's, identity headers and bodies trying to override the token, claim-derived tags,
# Cognito-shaped tokens, and a key removed from the JWK Set (SIGHUP) refusing a cached token.
# Usage: jwt_test.sh POLICYSIM_BINARY REPO_ROOT
set -uo pipefail
bin=$(realpath "$1")
root=$(realpath "$2")
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
trap 'stop_server > /dev/null 2>&1; rm -rf "$dir"' EXIT
ensure_packages curl openssl python3 || exit 1
tool="python3 $(cd "$(dirname "$0")" && pwd)/jwt_tool.py"

cd "$dir" || exit 1
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2> /dev/null
openssl pkey -in rsa.pem -pubout -out rsa.pub.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other.pem 2> /dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem
openssl pkey -in ec.pem -pubout -out ec.pub.pem
$tool jwks rsa1=rsa.pub.pem ec1=ec.pub.pem > jwks.json || exit 1

mkdir -p policies
cat > policies/gateway.json << 'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "OwnKeysWithRecentMfa", "Effect": "Allow", "Action": "iam:CreateAccessKey",
     "Resource": "arn:aws:iam::111122223333:user/${aws:username}",
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                   "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}},
    {"Sid": "DenyKeysWithoutMfa", "Effect": "Deny", "Action": "iam:CreateAccessKey",
     "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    {"Sid": "ListForTeamRed", "Effect": "Allow", "Action": "s3:ListAllMyBuckets",
     "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "red"}}}
  ]
}
EOF
cat > routes.txt << 'EOF'
POST  /users/{user}/keys  iam:CreateAccessKey  arn:aws:iam::111122223333:user/{user}
GET   /buckets            s3:ListAllMyBuckets  *
EOF

iss=https://idp.example.test
now=$(date +%s)
claims() {  # claims [JSON-MEMBERS]: alice's claims, valid for an hour, with extra members
  printf '{"iss":"%s","aud":"gateway","sub":"alice","iat":%d,"exp":%d%s}' \
    "$iss" "$now" $((now + 3600)) "${1:+,$1}"
}
sign() { $tool sign "$@"; }  # sign KEY ALG KID CLAIMS

mfa=$(sign rsa.pem RS256 rsa1 "$(claims '"amr":["pwd","mfa"],"auth_time":'$((now - 60)))")
two_kinds=$(sign ec.pem ES256 ec1 "$(claims '"amr":["pwd","otp"],"auth_time":'$((now - 60)))")
same_kind=$(sign ec.pem ES256 ec1 "$(claims '"amr":["otp","hwk"],"auth_time":'$((now - 60)))")
password=$(sign rsa.pem RS256 rsa1 "$(claims '"amr":["pwd"],"auth_time":'$((now - 60)))")
old_mfa=$(sign rsa.pem RS256 rsa1 "$(claims '"amr":["mfa"],"auth_time":'$((now - 7200)))")
forged=$(sign other.pem RS256 rsa1 "$(claims '"amr":["mfa"],"auth_time":'$now)")
tampered="${password%%.*}.$(printf '%s' "$(claims '"amr":["mfa"],"auth_time":'$now)" |
  base64 -w0 | tr '+/' '-_' | tr -d '=').${password##*.}"
expired=$(sign rsa.pem RS256 rsa1 \
  "{\"iss\":\"$iss\",\"aud\":\"gateway\",\"sub\":\"alice\",\"exp\":$((now - 120)),\"amr\":[\"mfa\"]}")
future=$(sign rsa.pem RS256 rsa1 "$(claims '"nbf":'$((now + 600)))")
wrong_aud=$(sign rsa.pem RS256 rsa1 \
  "{\"iss\":\"$iss\",\"aud\":\"other\",\"sub\":\"alice\",\"exp\":$((now + 3600)),\"amr\":[\"mfa\"]}")
wrong_iss=$(sign rsa.pem RS256 rsa1 \
  "{\"iss\":\"https://evil.test\",\"aud\":\"gateway\",\"sub\":\"alice\",\"exp\":$((now + 3600))}")
none=$(sign rsa.pem none rsa1 "$(claims '"amr":["mfa"],"auth_time":'$now)")
hs256=$(sign rsa.pub.pem HS256 rsa1 "$(claims '"amr":["mfa"],"auth_time":'$now)")
unknown_kid=$(sign rsa.pem RS256 rsa9 "$(claims '"amr":["mfa"]')")
alg_swap=$(sign rsa.pem RS256 ec1 "$(claims '"amr":["mfa"]')")
bad_sub=$(sign rsa.pem RS256 rsa1 \
  "{\"iss\":\"$iss\",\"aud\":\"gateway\",\"sub\":\"bob/../alice\",\"exp\":$((now + 3600))}")
red=$(sign rsa.pem RS256 rsa1 "$(claims '"team":"red"')")
blue=$(sign rsa.pem RS256 rsa1 "$(claims '"team":"blue"')")
dup=$(sign rsa.pem RS256 rsa1 "$(claims '"sub":"bob"')")

start_server --policies policies --routes routes.txt --jwks jwks.json --jwt-issuer "$iss" \
  --jwt-audience gateway --jwt-principal 'arn:aws:iam::111122223333:user/{sub}' \
  --jwt-tag team=team --poll-interval-ms 0 || exit 1
base="http://127.0.0.1:$PORT"
body='{"action":"iam:CreateAccessKey","resource":"arn:aws:iam::111122223333:user/alice"}'

authorize() {  # authorize TOKEN [BODY]: "STATUS DECISION" of POST /v1/authorize
  local auth=()
  [ -n "$1" ] && auth=(-H "Authorization: Bearer $1")
  curl -s -o "$dir/out" -D "$dir/headers" -w '%{http_code}' "${auth[@]}" \
    --data-binary "${2:-$body}" "$base/v1/authorize"
  printf ' %s' "$(sed -n 's/^{"decision":"\([A-Za-z]*\)".*/\1/p' "$dir/out")"
}
authz() {  # authz TOKEN PATH [HEADER...]: "STATUS DECISION" of the subrequest endpoint
  local token=$1 path=$2
  shift 2
  local auth=()
  [ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
  curl -s -o /dev/null -D "$dir/headers" -w '%{http_code}' "${auth[@]}" "$@" \
    -H "X-Original-Method: ${METHOD:-POST}" -H "X-Original-URI: $path" "$base/v1/authz"
  printf ' %s' "$(sed -n 's/^X-Policysim-Decision: \([A-Za-z]*\).*/\1/p' "$dir/headers" | tr -d '\r')"
}
refused() {  # refused TOKEN REASON: 401 with the Bearer challenge naming REASON
  [ "$(authorize "$1")" = "401 " ] &&
    grep -qi '^WWW-Authenticate: Bearer realm="policysim", error="invalid_token"' "$dir/headers" &&
    grep -q "$2" "$dir/out"
}

# --- Valid tokens: MFA from amr, age from auth_time --------------------------------------------
check "RS256, amr mfa: allowed" [ "$(authorize "$mfa")" = "200 allowed" ]
check "ES256, amr pwd+otp (two kinds): allowed" [ "$(authorize "$two_kinds")" = "200 allowed" ]
check "amr otp+hwk (one kind, possession): explicitDeny" \
  [ "$(authorize "$same_kind")" = "200 explicitDeny" ]
check "password only: explicitDeny (MultiFactorAuthPresent false)" \
  [ "$(authorize "$password")" = "200 explicitDeny" ]
check "MFA two hours ago: implicitDeny (MultiFactorAuthAge 7200)" \
  [ "$(authorize "$old_mfa")" = "200 implicitDeny" ]
check "the same token again (cached): allowed" [ "$(authorize "$mfa")" = "200 allowed" ]
check "another user's key with alice's token: implicitDeny" [ "$(authorize "$mfa" \
  '{"action":"iam:CreateAccessKey","resource":"arn:aws:iam::111122223333:user/bob"}')" = \
  "200 implicitDeny" ]

# --- Refused tokens: 401 with a reason ---------------------------------------------------------
check "missing: 401" [ "$(authorize "")" = "401 " ]
check "missing: challenge without an error code" \
  grep -qi '^WWW-Authenticate: Bearer realm="policysim"'$'\r''$' "$dir/headers"
check "forged (another key, same kid): 401" refused "$forged" "signature does not verify"
check "tampered payload: 401" refused "$tampered" "signature does not verify"
check "expired: 401" refused "$expired" "expired"
check "not yet valid: 401" refused "$future" "not valid before"
check "wrong audience: 401" refused "$wrong_aud" "audience"
check "wrong issuer: 401" refused "$wrong_iss" "issuer"
check "alg none: 401" refused "$none" "alg none"
check "HS256 with the public key as secret: 401" refused "$hs256" "HMAC"
check "unknown kid: 401" refused "$unknown_kid" "no key with kid"
check "RS256 token naming the EC key: 401" refused "$alg_swap" "verifies ES256 only"
check "sub that would change the ARN: 401" refused "$bad_sub" "characters an IAM name"
check "not a JWT: 401" refused "abc.def" "compact form"
check "Basic scheme: 401" [ "$(curl -s -o "$dir/out" -w '%{http_code}' -u a:b \
  --data-binary "$body" "$base/v1/authorize")" = 401 ]

# --- Nothing overrides the token ----------------------------------------------------------------
check "body naming a principal: 400" [ "$(authorize "$password" \
  '{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:CreateAccessKey","resource":"*"}')" = "400 " ]
check "body claiming MFA: 400" [ "$(authorize "$password" \
  '{"action":"iam:CreateAccessKey","resource":"*","context":{"aws:MultiFactorAuthPresent":true}}')" = "400 " ]
check "body setting a principal tag: 400" [ "$(authorize "$blue" \
  '{"action":"s3:ListAllMyBuckets","resource":"*","context":{"aws:PrincipalTag/team":"red"}}')" = "400 " ]
check "subrequest, MFA token: allowed" [ "$(authz "$mfa" /users/alice/keys)" = "200 allowed" ]
check "subrequest, password token + MFA headers claiming MFA: explicitDeny" \
  [ "$(authz "$password" /users/alice/keys -H 'X-Policysim-Mfa: true' \
    -H 'X-Policysim-Mfa-Age: 1')" = "403 explicitDeny" ]
check "subrequest, MFA token + principal header naming bob: still alice" \
  [ "$(authz "$mfa" /users/bob/keys -H 'X-Policysim-Principal: arn:aws:iam::111122223333:user/bob')" = \
    "403 implicitDeny" ]
check "subrequest, no token + principal and MFA headers: 403" \
  [ "$(authz "" /users/alice/keys -H 'X-Policysim-Principal: arn:aws:iam::111122223333:user/alice' \
    -H 'X-Policysim-Mfa: true')" = "403 implicitDeny" ]
check "subrequest, no token: the error says so" grep -q 'X-Policysim-Error: token refused: no Authorization' "$dir/headers"
check "subrequest, forged token: 403" [ "$(authz "$forged" /users/alice/keys)" = "403 implicitDeny" ]
check "subrequest, forged token: the error says why" \
  grep -q 'X-Policysim-Error: token refused: the signature does not verify' "$dir/headers"

check "subrequest, two Authorization headers: 403" [ "$(authz "$mfa" /users/alice/keys \
  -H "Authorization: Bearer $dup")" = "403 implicitDeny" ]
check "subrequest, two Authorization headers: the error says so" \
  grep -q 'X-Policysim-Error: token refused: the Authorization header appears more than once' "$dir/headers"


# --- Tags from claims ----------------------------------------------------------------------------
check "team=red tag: list allowed" [ "$(METHOD=GET authz "$red" /buckets)" = "200 allowed" ]
check "team=blue tag: implicitDeny" [ "$(METHOD=GET authz "$blue" /buckets)" = "403 implicitDeny" ]
check "context header setting the tag: 403" [ "$(METHOD=GET authz "$blue" /buckets \
  -H 'X-Policysim-Context: {"aws:PrincipalTag/team":"red"}')" = "403 implicitDeny" ]

# --- Key rotation: a key removed from the JWK Set refuses its (cached) tokens at once -----------
$tool jwks ec1=ec.pub.pem > jwks.new && mv jwks.new jwks.json
kill -HUP "$SERVER_PID"
check "JWK Set reloaded on SIGHUP" wait_for_log 'reloaded .*jwks.json \(SIGHUP\): generation 2'
check "cached RS256 token after its key was removed: 401" refused "$mfa" "no key with kid"
check "ES256 token still allowed" [ "$(authorize "$two_kinds")" = "200 allowed" ]
echo '{"keys": [' > jwks.json
kill -HUP "$SERVER_PID"
check "broken JWK Set rejected" wait_for_log 'reload of .*jwks.json \(SIGHUP\) rejected'
check "previous keys keep serving" [ "$(authorize "$two_kinds")" = "200 allowed" ]
stop_server
check "clean exit" [ $? -eq 0 ]

# --- Amazon Cognito user pool ID tokens (docs/serve.md) -------------------------------------------
pool=https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example
$tool jwks rsa1=rsa.pub.pem > jwks.json
start_server --policies policies --routes routes.txt --jwks jwks.json --jwt-issuer "$pool" \
  --jwt-audience 3example0client0id --jwt-principal 'arn:aws:iam::111122223333:user/{cognito:username}' \
  --poll-interval-ms 0 || exit 1
base="http://127.0.0.1:$PORT"
cognito=$(sign rsa.pem RS256 rsa1 "{\"iss\":\"$pool\",\"aud\":\"3example0client0id\",\
\"token_use\":\"id\",\"sub\":\"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\",\"cognito:username\":\"alice\",\
\"cognito:groups\":[\"admins\"],\"auth_time\":$((now - 30)),\"amr\":[\"pwd\",\"otp\",\"mfa\"],\"exp\":$((now + 3600))}")
check "Cognito ID token, cognito:username, TOTP: allowed" [ "$(authorize "$cognito")" = "200 allowed" ]

stop_server

# --- A cached token stops working when it expires (no leeway) -------------------------------------
start_server --policies policies --jwks jwks.json --jwt-issuer "$pool" --jwt-audience aud \
  --jwt-principal 'arn:aws:iam::111122223333:user/{sub}' --jwt-leeway-seconds 0 --threads 1 \
  --poll-interval-ms 100 || exit 1
base="http://127.0.0.1:$PORT"
soon=$(( $(date +%s) + 4 ))
short=$(sign rsa.pem RS256 rsa1 "{\"iss\":\"$pool\",\"aud\":\"aud\",\"sub\":\"alice\",\
\"amr\":[\"mfa\"],\"auth_time\":$now,\"exp\":$soon}")
check "short-lived token: allowed" [ "$(authorize "$short")" = "200 allowed" ]
check "short-lived token again (cached): allowed" [ "$(authorize "$short")" = "200 allowed" ]
check "metrics: one verification, one cache hit" \
  [ "$(metric 'policysim_tokens_total{result="verified"}') $(metric 'policysim_tokens_total{result="cached"}')" = "1 1" ]
while [ "$(date +%s)" -lt "$soon" ]; do sleep 0.2; done
check "the cached token after its exp: 401" refused "$short" "expired"
check "metrics: the refusal counted" [ "$(metric 'policysim_tokens_total{result="refused"}')" = 1 ]
# Polling: a changed JWK Set file is picked up without a signal.
$tool jwks ec1=ec.pub.pem > jwks.new && mv jwks.new jwks.json
check "JWK Set reloaded when the file changed" \
  wait_for_log 'reloaded .*jwks.json \(file changed\): generation 2'
stop_server

# --- Start-up refusals ------------------------------------------------------------------------------
startup() {  # startup ARGS...: exit 2 and a message naming what is wrong
  timeout 10 "$bin" serve --policies policies --listen 127.0.0.1:0 "$@" > out 2>&1
  [ $? -eq 2 ]
}
check "--jwks without --jwt-issuer: exit 2" startup --jwks jwks.json --jwt-audience a \
  --jwt-principal 'arn:aws:iam::1:user/{sub}'
check "--jwt-issuer without --jwks: exit 2" startup --jwt-issuer x
check "unbalanced template: exit 2" startup --jwks jwks.json --jwt-issuer a --jwt-audience a \
  --jwt-principal 'arn:aws:iam::1:user/{sub'
echo '{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"h"}]}' > hmac.json
check "HMAC key in the JWK Set: exit 2" startup --jwks hmac.json \
  --jwt-issuer a --jwt-audience a --jwt-principal 'arn:aws:iam::1:user/{sub}'
check "leeway 3600: exit 2" startup --jwks jwks.json --jwt-issuer a --jwt-audience a \
  --jwt-principal 'arn:aws:iam::1:user/{sub}' --jwt-leeway-seconds 3600
[ -n "${JWT_TEST_DEBUG:-}" ] && cat "$dir/server.log"
finish
