#!/usr/bin/env bash
# policysim serve over loopback HTTP: the JSON endpoint, the auth-subrequest endpoint, healthz
# and metrics; fail-closed answers to malformed input; body, header and read-time limits;
# reload on SIGHUP and on a directory change (a broken set is rejected and the old one keeps
# serving); SIGTERM lets an in-flight request finish.
# Usage: serve_test.sh POLICYSIM_BINARY REPO_ROOT
set -uo pipefail
bin=$1
root=$2
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
trap 'stop_server > /dev/null 2>&1; rm -rf "$dir"' EXIT
ensure_packages curl || exit 1

requests=$root/policies/requests
mkdir -p "$dir/policies/identity"
cp "$root/policies/force_mfa.json" "$dir/policies/identity/force_mfa.json"
cat > "$dir/routes.txt" << 'EOF'
# METHOD  PATH                               ACTION               RESOURCE
POST      /iam/users/{user}/access-keys      iam:CreateAccessKey  arn:aws:iam::111122223333:user/{user}
PUT       /iam/users/{user}/password         iam:ChangePassword   arn:aws:iam::111122223333:user/{user}
GET       /s3                                s3:ListAllMyBuckets  *
EOF

start_server --policies "$dir/policies" --routes "$dir/routes.txt" --max-body-bytes 4096 \
  --max-header-bytes 2048 --read-timeout-ms 1000 --poll-interval-ms 200 || exit 1
base="http://127.0.0.1:$PORT"

# --- healthz -------------------------------------------------------------------------------
check "healthz is ok" [ "$(curl -s "$base/healthz")" = "ok" ]

# --- JSON endpoint ---------------------------------------------------------------------------
decision() {  # decision FILE [QUERY]: the "decision" of POST /v1/authorize
  curl -s -X POST --data-binary @"$1" "$base/v1/authorize${2:-}" |
    sed -n 's/^{"decision":"\([A-Za-z]*\)".*/\1/p'
}
check "long-term keys: explicitDeny" \
  [ "$(decision "$requests/force_mfa--long-term-keys-list-buckets.json")" = explicitDeny ]
check "MFA: own access key allowed" \
  [ "$(decision "$requests/force_mfa--console-mfa-create-own-access-key.json")" = allowed ]
check "MFA: other user's key implicitDeny" \
  [ "$(decision "$requests/force_mfa--console-mfa-create-other-user-access-key.json")" = implicitDeny ]
body=$(curl -s -X POST --data-binary @"$requests/force_mfa--long-term-keys-list-buckets.json" \
  "$base/v1/authorize")
check "matchedStatements names the deny" grep -q '"sid":"DenyEverythingElseWithoutMFA"' <<< "$body"
check "missing context values listed" \
  grep -q '"missingContextValues":\["aws:MultiFactorAuthPresent"\]' <<< "$body"
check "no explanation unless asked" bash -c '! grep -q "\"statements\"" <<< "$1"' _ "$body"
body=$(curl -s -X POST --data-binary @"$requests/force_mfa--long-term-keys-list-buckets.json" \
  "$base/v1/authorize?explain=true")
check "explain=true adds reason and statements" \
  bash -c 'grep -q "\"reason\":" <<< "$1" && grep -q "\"statements\":\[" <<< "$1"' _ "$body"
aws='{"ActionNames":["iam:ChangePassword","s3:ListAllMyBuckets"],"CallerArn":"arn:aws:iam::111122223333:user/alice","ResourceArns":["arn:aws:iam::111122223333:user/alice"],"ContextEntries":[{"ContextKeyName":"aws:username","ContextKeyValues":["alice"],"ContextKeyType":"string"}]}'
body=$(curl -s -X POST --data "$aws" "$base/v1/authorize")
check "AWS shape with two actions: overall and per-request decisions" \
  grep -q '^{"decision":"explicitDeny","results":\[{"decision":"allowed".*{"decision":"explicitDeny"' <<< "$body"

status() {  # status CURL-ARGS...: the HTTP status code
  curl -s -o "$dir/body" -w '%{http_code}' "$@"
}
check "malformed JSON: 400" [ "$(status -X POST --data '{"action":' "$base/v1/authorize")" = 400 ]
check "400 body names the position" grep -q '"error":"request:1:' "$dir/body"
check "empty body: 400" [ "$(status -X POST "$base/v1/authorize")" = 400 ]
check "wrong type: 400" [ "$(status -X POST --data '{"action":5}' "$base/v1/authorize")" = 400 ]
check "GET /v1/authorize: 405" [ "$(status "$base/v1/authorize")" = 405 ]
check "unknown path: 404" [ "$(status "$base/nope")" = 404 ]
head -c 5000 /dev/zero | tr '\0' ' ' > "$dir/big"
check "body over --max-body-bytes: 413" \
  [ "$(status -X POST --data-binary @"$dir/big" "$base/v1/authorize")" = 413 ]
check "header over --max-header-bytes: 431" \
  [ "$(status -H "X-Big: $(head -c 3000 /dev/zero | tr '\0' a)" "$base/healthz")" = 431 ]

# Raw garbage on the socket: a 400 and a closed connection, and the server lives on.
raw() {  # raw TEXT: sends TEXT on a fresh connection, prints what comes back (5 s at most)
  exec 3<> "/dev/tcp/127.0.0.1/$PORT" || return 1
  printf '%b' "$1" >&3
  timeout 5 cat <&3
  exec 3>&-
}
check "garbage request line: 400" grep -q '^HTTP/1.1 400' <<< "$(raw 'NOT HTTP AT ALL\r\n\r\n')"
check "bad chunked body: 400" grep -q '^HTTP/1.1 400' <<< "$(raw 'POST /v1/authorize HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')"
head -c 20000 /dev/urandom > "$dir/noise"
exec 3<> "/dev/tcp/127.0.0.1/$PORT" && cat "$dir/noise" >&3 2> /dev/null; exec 3>&-
for i in 1 2 3; do
  head -c 3000 /dev/urandom | tr -d '\0' > "$dir/noise"
  curl -s -o /dev/null -X POST --data-binary @"$dir/noise" "$base/v1/authorize"
  curl -s -o /dev/null -H "X-Policysim-Context: $(head -c 200 /dev/urandom | tr -dc 'a-z{}[]":,0-9')" \
    "$base/v1/authz"
done
check "alive after garbage" [ "$(curl -s "$base/healthz")" = "ok" ]

# A client that stops half-way through its request is cut off after --read-timeout-ms.
start=$(date +%s%N)
out=$(raw 'POST /v1/authorize HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"act')
elapsed=$((($(date +%s%N) - start) / 1000000))
check "slow client closed by the read timeout (${elapsed} ms)" [ "$elapsed" -lt 4500 ]

# --- auth subrequest endpoint ----------------------------------------------------------------
alice=arn:aws:iam::111122223333:user/alice
authz() {  # authz METHOD URI [HEADERS...]: the status of GET /v1/authz
  local method=$1 uri=$2
  shift 2
  curl -s -o /dev/null -D "$dir/headers" -w '%{http_code}' "$base/v1/authz" \
    -H "X-Original-Method: $method" -H "X-Original-URI: $uri" "$@"
}
check "authz: MFA creates own key: 200" [ "$(authz POST /iam/users/alice/access-keys \
  -H "X-Policysim-Principal: $alice" -H 'X-Policysim-Mfa: true' -H 'X-Policysim-Mfa-Age: 60')" = 200 ]
check "authz: allowed header" grep -qi '^X-Policysim-Decision: allowed' "$dir/headers"
check "authz: no MFA header: 403" [ "$(authz POST /iam/users/alice/access-keys \
  -H "X-Policysim-Principal: $alice")" = 403 ]
check "authz: explicitDeny header" grep -qi '^X-Policysim-Decision: explicitDeny' "$dir/headers"
check "authz: MFA false: 403" [ "$(authz POST /iam/users/alice/access-keys \
  -H "X-Policysim-Principal: $alice" -H 'X-Policysim-Mfa: false')" = 403 ]
check "authz: own password without MFA: 200" [ "$(authz PUT /iam/users/alice/password \
  -H "X-Policysim-Principal: $alice")" = 200 ]
check "authz: someone else's key: 403" [ "$(authz POST /iam/users/bob/access-keys \
  -H "X-Policysim-Principal: $alice" -H 'X-Policysim-Mfa: true')" = 403 ]
check "authz: malformed MFA header: 403" [ "$(authz POST /iam/users/alice/access-keys \
  -H "X-Policysim-Principal: $alice" -H 'X-Policysim-Mfa: yes')" = 403 ]
check "authz: error header says why" grep -qi '^X-Policysim-Error: the MFA header' "$dir/headers"
# A header given twice (any case) is a deny with a reason, never "the first wins".
check "authz: MFA header twice: 403" [ "$(authz POST /iam/users/alice/access-keys \
  -H "X-Policysim-Principal: $alice" -H 'X-Policysim-Mfa: true' -H 'x-policysim-mfa: false')" = 403 ]
check "authz: implicitDeny for the duplicate" grep -qi '^X-Policysim-Decision: implicitDeny' "$dir/headers"
check "authz: error header names the duplicate" \
  grep -qi '^X-Policysim-Error: the X-Policysim-Mfa header appears more than once' "$dir/headers"
check "authz: principal header twice: 403" [ "$(authz PUT /iam/users/alice/password \
  -H "X-Policysim-Principal: $alice" -H "x-policysim-principal: arn:aws:iam::111122223333:user/bob")" = 403 ]
check "authz: error header names the duplicate principal" \
  grep -qi '^X-Policysim-Error: the X-Policysim-Principal header appears more than once' "$dir/headers"
# The context header may not set identity or MFA keys: without the MFA header, claiming MFA
# there used to be allowed.
check "authz: MFA claimed in the context header: 403" [ "$(authz POST /iam/users/alice/access-keys \
  -H "X-Policysim-Principal: $alice" -H 'X-Policysim-Context: {"aws:MultiFactorAuthPresent":true}')" = 403 ]
check "authz: error header says the context header may not set it" \
  grep -qi '^X-Policysim-Error: the context header may not set aws:MultiFactorAuthPresent' "$dir/headers"
check "authz: username overridden in the context header: 403" [ "$(authz PUT /iam/users/bob/password \
  -H "X-Policysim-Principal: $alice" -H 'X-Policysim-Context: {"aws:username":"bob"}')" = 403 ]
check "authz: error header names aws:username" \
  grep -qi '^X-Policysim-Error: the context header may not set aws:username' "$dir/headers"
check "authz: other context keys still accepted: 200" [ "$(authz PUT /iam/users/alice/password \
  -H "X-Policysim-Principal: $alice" -H 'X-Policysim-Context: {"aws:PrincipalTag/team":"red"}')" = 200 ]
check "authz: unmapped path: 403" [ "$(authz GET /unmapped -H "X-Policysim-Principal: $alice")" = 403 ]
check "authz: dot segments: 403" [ "$(authz POST /iam/users/bob/../alice/access-keys \
  -H "X-Policysim-Principal: $alice" -H 'X-Policysim-Mfa: true')" = 403 ]
check "authz: error header says the path was refused and why" \
  grep -qi "^X-Policysim-Error: refused path /iam/users/bob/../alice/access-keys: it has a '..' segment" \
  "$dir/headers"
check "authz: encoded slash: 403" [ "$(authz POST /iam/users/alice%2Fx/access-keys \
  -H "X-Policysim-Principal: $alice" -H 'X-Policysim-Mfa: true')" = 403 ]
check "authz: error header names the encoded slash" \
  grep -qi "^X-Policysim-Error: refused path .*percent-encoded" "$dir/headers"
check "authz: double slash: 403" [ "$(authz POST //iam/users/alice/access-keys \
  -H "X-Policysim-Principal: $alice" -H 'X-Policysim-Mfa: true')" = 403 ]
check "authz: error header names the empty segment" \
  grep -qi "^X-Policysim-Error: refused path //iam/users/alice/access-keys: it has an empty segment" \
  "$dir/headers"
check "authz: Envoy style (path prefix, own method): 200" [ "$(curl -s -o /dev/null -w '%{http_code}' \
  -X POST "$base/v1/authz/iam/users/alice/access-keys" -H "X-Policysim-Principal: $alice" \
  -H 'X-Policysim-Mfa: true')" = 200 ]

# --- metrics --------------------------------------------------------------------------------
check "metrics: authz allowed counted" \
  [ "$(metric 'policysim_decisions_total{endpoint="authz",decision="allowed"}')" = 4 ]
check "metrics: authorize explicitDeny counted" \
  [ "$(metric 'policysim_decisions_total{endpoint="authorize",decision="explicitDeny"}')" -ge 3 ]
check "metrics: invalid authorize requests counted" \
  [ "$(metric 'policysim_invalid_requests_total{endpoint="authorize"}')" -ge 3 ]
check "metrics: generation 1" [ "$(metric policysim_policy_generation)" = 1 ]
check "metrics: histogram count" [ "$(metric policysim_decision_duration_seconds_count)" -ge 10 ]

# --- reload ---------------------------------------------------------------------------------
# A broken policy: rejected on the directory change, the old set keeps serving.
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}' > "$dir/policies/.broken.tmp"
mv "$dir/policies/.broken.tmp" "$dir/policies/broken.json"
check "broken set rejected with a log line" wait_for_log 'rejected; generation 1 keeps serving: broken.json'
check "old set still serving" \
  [ "$(decision "$requests/force_mfa--console-mfa-create-own-access-key.json")" = allowed ]
check "metrics: reload failure counted" [ "$(metric policysim_policy_reload_failures_total)" = 1 ]
kill -HUP "$SERVER_PID"
check "SIGHUP retries and is rejected again" wait_for_log 'reload of .* \(SIGHUP\) rejected'
check "metrics: two reload failures" [ "$(metric policysim_policy_reload_failures_total)" = 2 ]

# A valid change: every s3 action explicitly denied.
rm "$dir/policies/broken.json"
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}' \
  > "$dir/policies/.allow.tmp"
mv "$dir/policies/.allow.tmp" "$dir/policies/allow_iam.json"
check "directory change reloads" wait_for_log 'reloaded .* \(directory changed\): generation 2'
check "new set serving" \
  [ "$(decision "$requests/force_mfa--console-mfa-create-other-user-access-key.json")" = allowed ]
check "metrics: generation 2" [ "$(metric policysim_policy_generation)" = 2 ]
kill -HUP "$SERVER_PID"
check "SIGHUP reloads" wait_for_log 'reloaded .* \(SIGHUP\): generation 3'

# --- SIGTERM: the request in flight is answered, then the server exits 0 ---------------------
body='{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:ChangePassword","resource":"arn:aws:iam::111122223333:user/alice","context":{"aws:username":"alice"}}'
exec 4<> "/dev/tcp/127.0.0.1/$PORT"
printf 'POST /v1/authorize HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s' \
  "${#body}" "${body:0:20}" >&4
sleep 0.3
kill -TERM "$SERVER_PID"
check "draining is logged" wait_for_log 'received SIGTERM: draining'
check "healthz refuses new work while draining (or the listener is closed)" \
  bash -c '[ "$(curl -s -o /dev/null -w "%{http_code}" "$1/healthz")" != 200 ]' _ "$base"
printf '%s' "${body:20}" >&4
response=$(timeout 5 cat <&4)
exec 4>&-
check "in-flight request answered" grep -q '^HTTP/1.1 200' <<< "$response"
check "with Connection: close" grep -qi '^Connection: close' <<< "$response"
check "in-flight decision allowed" grep -q '"decision":"allowed"' <<< "$response"
wait_server_exit  # no second SIGTERM: that one would end the process at once
check "exit status 0 after SIGTERM" [ $? -eq 0 ]
check "stopped is logged" grep -q 'policysim serve: stopped' "$dir/server.log"

# --- startup errors -------------------------------------------------------------------------
mkdir -p "$dir/empty"
"$bin" serve --policies "$dir/empty" --listen 127.0.0.1:0 > "$dir/out" 2>&1
check "empty policy directory: exit 2" [ $? -eq 2 ]
"$bin" serve --policies "$dir/policies" --listen nonsense > "$dir/out" 2>&1
check "bad --listen: exit 2" [ $? -eq 2 ]
printf 'GET /x\n' > "$dir/bad-routes.txt"
"$bin" serve --policies "$dir/policies" --routes "$dir/bad-routes.txt" --listen 127.0.0.1:0 \
  > "$dir/out" 2>&1
check "bad routes file: exit 2 with FILE:LINE:COL" \
  bash -c '[ $1 -eq 2 ] && grep -q "bad-routes.txt:1:1: error:" "$2"' _ $? "$dir/out"

finish
