#!/usr/bin/env bash
# Policies swapped under traffic: while keep-alive clients (and one client opening a connection
# per request) send a bounded number of requests, the policy directory is rewritten again and
# again (directory polling and SIGHUP, with a broken set now and then). Every request must get
# a 200 with one of the two valid decisions; the generation must have moved; the broken sets
# must have been rejected.
# Usage: reload_test.sh POLICYSIM_BINARY REPO_ROOT
set -uo pipefail
bin=$1
root=$2
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
trap 'stop_server > /dev/null 2>&1; rm -rf "$dir"' EXIT
ensure_packages curl || exit 1

clients=3
batch=200
batches=50
single=300
rounds=16

# Set A: force_mfa.json alone (listing buckets with MFA: implicitDeny). Set B: plus an allow.
mkdir -p "$dir/policies" "$dir/sets"
cp "$root/policies/force_mfa.json" "$dir/sets/a.json"
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}' \
  > "$dir/sets/extra.json"
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}' > "$dir/sets/broken.json"
cp "$dir/sets/a.json" "$dir/policies/force_mfa.json"
publish() {  # publish SRC NAME: atomically, as docs/serve.md recommends
  cp "$1" "$dir/policies/.$2.tmp" && mv "$dir/policies/.$2.tmp" "$dir/policies/$2"
}

start_server --policies "$dir/policies" --poll-interval-ms 100 || exit 1
url="http://127.0.0.1:$PORT/v1/authorize"
printf '%s' '{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:ListAllMyBuckets","context":{"aws:username":"alice","aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":60}}' \
  > "$dir/request.json"

# Keep-alive clients: batches of $batch requests on one connection each, until the swapping
# is over (at most $batches batches).
stop_clients() { [ -e "$dir/stop" ]; }
pids=()
for c in $(seq 1 "$clients"); do
  {
    echo 'silent'
    echo 'show-error'
    echo 'request = "POST"'
    echo "data-binary = \"@$dir/request.json\""
    echo 'write-out = "status=%{http_code}\n"'
    for i in $(seq 1 "$batch"); do echo "url = \"$url\""; done
  } > "$dir/client$c.cfg"
  (
    for b in $(seq 1 "$batches"); do
      stop_clients && break
      curl --config "$dir/client$c.cfg"
    done
  ) > "$dir/client$c.out" 2>&1 &
  pids+=($!)
done
# One client with a new connection per request.
(
  for i in $(seq 1 "$single"); do
    stop_clients && break
    curl -sS -X POST --data-binary @"$dir/request.json" -w 'status=%{http_code}\n' "$url"
  done
) > "$dir/single.out" 2>&1 &
pids+=($!)

# Swap $rounds times, 0.25 s apart: polling picks up the file changes, SIGHUP forces reloads,
# and every 7th round a broken policy appears for a moment.
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then
    publish "$dir/sets/extra.json" extra.json
  else
    rm -f "$dir/policies/extra.json"
  fi
  if [ $((round % 7)) -eq 0 ]; then
    # The broken file stays until the server has rejected it (its reload-failure counter
    # moved): a fixed window could be missed by the poller on a loaded machine.
    before=$(metric policysim_policy_reload_failures_total)
    publish "$dir/sets/broken.json" broken.json
    for _ in $(seq 1 200); do
      [ "$(metric policysim_policy_reload_failures_total)" != "$before" ] && break
      sleep 0.05
    done
    check "broken set of round $round rejected" \
      [ "$(metric policysim_policy_reload_failures_total)" != "$before" ]
    rm -f "$dir/policies/broken.json"
  fi
  [ $((round % 5)) -eq 0 ] && kill -HUP "$SERVER_PID"
  sleep 0.25
done
touch "$dir/stop"
wait "${pids[@]}"

total=0
ok=0
for f in "$dir"/client*.out "$dir/single.out"; do
  total=$((total + $(grep -c '^status=' "$f")))
  ok=$((ok + $(grep -c '^status=200$' "$f")))
done
expected=$total
allowed=$(cat "$dir"/client*.out "$dir/single.out" | grep -c '^{"decision":"allowed"')
denied=$(cat "$dir"/client*.out "$dir/single.out" | grep -c '^{"decision":"implicitDeny"')
echo "requests: $total answered, $ok with 200 ($allowed allowed, $denied implicitDeny) over $rounds swap rounds"
check "traffic during the swaps ($total requests)" [ "$total" -ge 1000 ]
check "both sets answered" [ "$allowed" -gt 0 -a "$denied" -gt 0 ]
check "every answer a 200" [ "$ok" -eq "$expected" ]
check "every decision one of the two sets'" [ $((allowed + denied)) -eq "$expected" ]
check "no connection errors" bash -c '! grep -q "^curl:" "$@"' _ "$dir"/client*.out "$dir/single.out"
generation=$(metric policysim_policy_generation)
failures=$(metric policysim_policy_reload_failures_total)
echo "generation $generation, reload failures $failures"
check "policies were swapped (generation $generation)" [ "${generation:-0}" -ge 5 ]
check "broken sets were rejected" [ "${failures:-0}" -ge 1 ]
check "rejections logged" grep -q 'rejected; generation .* keeps serving' "$dir/server.log"
check "alive" [ "$(curl -s "http://127.0.0.1:$PORT/healthz")" = ok ]
stop_server
check "clean exit" [ $? -eq 0 ]

finish
