#!/usr/bin/env bash
# Regression tests for the defects of the serve security issue, against the real binary over
# loopback: requests that must not end the process (oversized trailers and header fields),
# limits validated at start-up, policy files that cannot be read (reload rejected, start-up
# refused), --no-explain, --max-connections-per-client.
# Usage: hardening_test.sh POLICYSIM_BINARY REPO_ROOT
set -uo pipefail
bin=$1
root=$2
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
trap 'stop_server > /dev/null 2>&1; rm -rf "$dir"' EXIT
ensure_packages curl || exit 1

mkdir -p "$dir/policies"
cp "$root/policies/force_mfa.json" "$dir/policies/force_mfa.json"

raw() {  # raw FILE: sends FILE on a fresh connection, prints what comes back (5 s at most)
  exec 3<> "/dev/tcp/127.0.0.1/$PORT" || return 1
  cat "$1" >&3 2> /dev/null
  timeout 5 cat <&3
  exec 3>&-
}
alive() { [ "$(curl -s --max-time 5 "http://127.0.0.1:$PORT/healthz")" = ok ]; }
letters() { head -c "$1" /dev/zero | tr '\0' a; }

# --- 1. No request ends the process -----------------------------------------------------------
# A chunked request whose trailer field is 65,534 bytes or more: Beast's field storage throws
# std::length_error, which used to escape the worker's event loop (abort). Trailers count
# against --max-header-bytes, so this is a 431.
start_server --policies "$dir/policies" || exit 1
chunked() {  # chunked TRAILER-BYTES: a chunked POST whose one trailer field is that long
  printf 'POST /v1/authorize HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n'
  printf '2\r\n{}\r\n0\r\nX-Trailer: %s\r\n\r\n' "$(letters "$1")"
}
chunked 65534 > "$dir/trailer-big"
check "trailer of 65,534 bytes, default flags: 431" \
  grep -q '^HTTP/1.1 431' <<< "$(raw "$dir/trailer-big")"
check "alive after the big trailer" alive
chunked 70000 > "$dir/trailer-bigger"
raw "$dir/trailer-bigger" > /dev/null
check "alive after a 70,000-byte trailer" alive
# Under the limit alone but over it with the header: header and trailer fields count together.
chunked 16360 > "$dir/trailer-over"
check "trailer pushing the fields over 16 KiB: 431" \
  grep -q '^HTTP/1.1 431' <<< "$(raw "$dir/trailer-over")"
chunked 100 > "$dir/trailer-small"
check "small trailer: answered" grep -q '^HTTP/1.1 400' <<< "$(raw "$dir/trailer-small")"
check "alive after the trailers" alive
stop_server
check "clean exit after the trailers" [ $? -eq 0 ]

# The largest --max-header-bytes: one ordinary header field as long as the limit allows.
start_server --policies "$dir/policies" --max-header-bytes 65536 || exit 1
check "65,534-byte header with --max-header-bytes 65536: 431" [ "$(curl -s -o /dev/null \
  -w '%{http_code}' -H "X-Big: $(letters 65534)" "http://127.0.0.1:$PORT/healthz")" = 431 ]
check "60,000-byte header with --max-header-bytes 65536: 200" [ "$(curl -s -o /dev/null \
  -w '%{http_code}' -H "X-Big: $(letters 60000)" "http://127.0.0.1:$PORT/healthz")" = 200 ]
check "alive after the big headers" alive
stop_server
check "clean exit after the big headers" [ $? -eq 0 ]

# Limits out of bounds are refused at start-up (exit 2, the flag named), never truncated.
refused() {  # refused FLAG VALUE: serve exits 2 and names FLAG (a server that starts is killed)
  timeout 10 "$bin" serve --policies "$dir/policies" --listen 127.0.0.1:0 "$1" "$2" > "$dir/out" 2>&1
  local status=$?
  [ "$status" -eq 2 ] && grep -q -- "$1" "$dir/out"
}
check "--max-header-bytes 4294967296 refused" refused --max-header-bytes 4294967296
check "--max-header-bytes 65537 refused" refused --max-header-bytes 65537
check "--max-body-bytes 18446744073709551615 refused" \
  refused --max-body-bytes 18446744073709551615
check "--read-timeout-ms 9223372036854775807 refused" \
  refused --read-timeout-ms 9223372036854775807
check "--poll-interval-ms 9223372036854775807 refused" \
  refused --poll-interval-ms 9223372036854775807

# --- 2. A policy file that cannot be read rejects the reload ---------------------------------
# deny.json is a symlink to a force-MFA Deny; allow.json allows iam:ChangePassword. Without MFA
# the answer is explicitDeny, and must stay so whatever happens to the symlink's target.
mkdir -p "$dir/mfa/policies" "$dir/mfa/targets"
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ChangePassword","Resource":"*"}]}' \
  > "$dir/mfa/policies/allow.json"
printf '{"Version":"2012-10-17","Statement":[{"Sid":"ForceMfa","Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}' \
  > "$dir/mfa/targets/deny.json"
ln -s "$dir/mfa/targets/deny.json" "$dir/mfa/policies/deny.json"
printf '%s' '{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:ChangePassword","resource":"arn:aws:iam::111122223333:user/alice"}' \
  > "$dir/change-password.json"
start_server --policies "$dir/mfa/policies" --poll-interval-ms 100 || exit 1
change_password() {  # the decision on ChangePassword without MFA
  curl -s -X POST --data-binary @"$dir/change-password.json" \
    "http://127.0.0.1:$PORT/v1/authorize" | sed -n 's/^{"decision":"\([A-Za-z]*\)".*/\1/p'
}
rejections() { metric policysim_policy_reload_failures_total; }
wait_rejections() {  # wait_rejections N: until N reloads were rejected (~20 s at most)
  local i
  for i in $(seq 1 200); do
    [ "$(rejections)" -ge "$1" ] 2> /dev/null && return 0
    sleep 0.1
  done
  return 1
}
check "symlinked Deny applies: explicitDeny" [ "$(change_password)" = explicitDeny ]

rm "$dir/mfa/targets/deny.json"
check "dangling symlink: reload rejected" wait_rejections 1
check "the rejection names deny.json" \
  wait_for_log 'rejected; generation 1 keeps serving: .*deny.json.*symbolic link'
check "dangling symlink: still explicitDeny" [ "$(change_password)" = explicitDeny ]
kill -HUP "$SERVER_PID"
check "dangling symlink: SIGHUP rejected too" wait_rejections 2
check "still explicitDeny after SIGHUP" [ "$(change_password)" = explicitDeny ]

rm "$dir/mfa/policies/deny.json"
mkfifo "$dir/mfa/policies/deny.json"
check "FIFO named deny.json: reload rejected (not blocked)" wait_rejections 3
check "FIFO: still explicitDeny" [ "$(change_password)" = explicitDeny ]
rm "$dir/mfa/policies/deny.json"
mkdir "$dir/mfa/policies/deny.json"
check "directory named deny.json: reload rejected" wait_rejections 4
check "directory: still explicitDeny" [ "$(change_password)" = explicitDeny ]
check "generation never moved" [ "$(metric policysim_policy_generation)" = 1 ]
check "alive after the rejected reloads" alive
stop_server
check "clean exit after the rejected reloads" [ $? -eq 0 ]

# At start-up the same refuses to start.
rmdir "$dir/mfa/policies/deny.json"
ln -s "$dir/mfa/targets/deny.json" "$dir/mfa/policies/deny.json"
timeout 10 "$bin" serve --policies "$dir/mfa/policies" --listen 127.0.0.1:0 > "$dir/out" 2>&1
check "dangling symlink at start-up: exit 2 naming it" \
  bash -c '[ $1 -eq 2 ] && grep -q "deny.json" "$2"' _ $? "$dir/out"

# --- 4. --no-explain: POST /v1/authorize?explain=true would show every statement ---------------
start_server --policies "$dir/policies" --no-explain || exit 1
explain_status() {  # explain_status QUERY: the status of POST /v1/authorize QUERY
  curl -s -o "$dir/body" -w '%{http_code}' -X POST \
    --data-binary @"$root/policies/requests/force_mfa--long-term-keys-list-buckets.json" \
    "http://127.0.0.1:$PORT/v1/authorize$1"
}
check "--no-explain: explain=true refused with 403" [ "$(explain_status '?explain=true')" = 403 ]
check "--no-explain: the error says so" grep -q 'explanations are turned off' "$dir/body"
check "--no-explain: no statement text leaks" bash -c '! grep -q "\"statements\"" "$1"' _ "$dir/body"
check "--no-explain: explain=1 refused too" [ "$(explain_status '?foo=1&explain=1')" = 403 ]
check "--no-explain: plain decisions still answered" [ "$(explain_status '')" = 200 ]
check "--no-explain: with the decision" grep -q '^{"decision":"explicitDeny"' "$dir/body"
stop_server
check "clean exit with --no-explain" [ $? -eq 0 ]

# --- 5. --max-connections-per-client: one address cannot take every connection ---------------
start_server --policies "$dir/policies" --max-connections-per-client 2 || exit 1
healthz_from() {  # healthz_from SOURCE-ADDRESS: the body of /healthz from that loopback address
  curl -s --max-time 5 --interface "$1" "http://127.0.0.1:$PORT/healthz"
}
exec 5<> "/dev/tcp/127.0.0.1/$PORT" && exec 6<> "/dev/tcp/127.0.0.1/$PORT"
refused_third() {  # retried: the two idle connections are counted once the server accepted them
  local i
  for i in $(seq 1 50); do
    [ -z "$(healthz_from 127.0.0.1)" ] && return 0
    sleep 0.1
  done
  return 1
}
check "a third connection from 127.0.0.1 is closed at once" refused_third
check "another address is still served" [ "$(healthz_from 127.0.0.2)" = ok ]
exec 5>&- 6>&-
ok_again() {  # the closed connections are released (the server notices within ~2 s)
  local i
  for i in $(seq 1 20); do
    [ "$(healthz_from 127.0.0.1)" = ok ] && return 0
    sleep 0.1
  done
  return 1
}
check "served again once its connections closed" ok_again
stop_server
check "clean exit with --max-connections-per-client" [ $? -eq 0 ]

finish
