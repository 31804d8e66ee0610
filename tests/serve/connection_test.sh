#!/usr/bin/env bash
# The connection handling of `policysim serve` that its fast path (issue 17 item 4) must keep:
# pipelined requests answered in order (more than the server answers without going back to its
# event loop), a request split over many small writes, the idle and read timeouts (checked by
# the worker's deadline sweep), HTTP/1.0 keep-alive and Connection: close.
# Usage: connection_test.sh POLICYSIM_BINARY REPO_ROOT
set -uo pipefail
bin=$1
root=$2
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
trap 'stop_server > /dev/null 2>&1; rm -rf "$dir"' EXIT

mkdir -p "$dir/policies"
cp "$root/policies/force_mfa.json" "$dir/policies/"
start_server --policies "$dir/policies" --threads 1 --idle-timeout-ms 700 \
  --read-timeout-ms 700 || exit 1

# Without the context force_mfa.json asks for: an implicit deny and an explicit deny.
implicit='{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:EnableMFADevice","resource":"arn:aws:iam::111122223333:user/alice"}'
explicit='{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:CreateAccessKey","resource":"arn:aws:iam::111122223333:user/alice"}'
request() {  # request BODY [EXTRA-HEADER-LINES]: one HTTP/1.1 request
  printf 'POST /v1/authorize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%bContent-Length: %d\r\n\r\n%s' \
    "${2:-}" "${#1}" "$1"
}

# 50 requests in one write, alternating the two, the last with Connection: close.
: > "$dir/pipelined"
for i in $(seq 1 49); do
  if [ $((i % 2)) = 1 ]; then request "$implicit"; else request "$explicit"; fi >> "$dir/pipelined"
done
request "$explicit" 'Connection: close\r\n' >> "$dir/pipelined"
exec 3<> "/dev/tcp/127.0.0.1/$PORT"
cat "$dir/pipelined" >&3
timeout 5 cat <&3 > "$dir/answers"
exec 3>&-
check "50 pipelined requests: 50 responses" [ "$(grep -c '^HTTP/1.1 200' "$dir/answers")" = 50 ]
grep -o '"decision":"[a-zA-Z]*"' "$dir/answers" > "$dir/decisions"
expected=$(for i in $(seq 1 50); do
  if [ $((i % 2)) = 1 ] && [ "$i" != 50 ]; then echo '"decision":"implicitDeny"'
  else echo '"decision":"explicitDeny"'; fi; done)
check "pipelined answers in request order" [ "$(cat "$dir/decisions")" = "$expected" ]
check "the last one closes the connection" grep -q '^Connection: close' "$dir/answers"

# One request written a few bytes at a time (within the read timeout).
exec 3<> "/dev/tcp/127.0.0.1/$PORT"
text=$(request "$implicit" 'Connection: close\r\n')
for ((i = 0; i < ${#text}; i += 40)); do
  printf '%s' "${text:i:40}" >&3
  sleep 0.01
done
timeout 5 cat <&3 > "$dir/split"
exec 3>&-
check "request split over small writes: answered" grep -q '"decision":"implicitDeny"' "$dir/split"

# An idle keep-alive connection is closed after --idle-timeout-ms (700 ms), not before.
exec 3<> "/dev/tcp/127.0.0.1/$PORT"
request "$implicit" >&3
start=$(date +%s%N)
timeout 5 cat <&3 > "$dir/idle"
elapsed=$((($(date +%s%N) - start) / 1000000))
exec 3>&-
check "idle connection answered first" grep -q '"decision":"implicitDeny"' "$dir/idle"
check "idle connection closed after the idle timeout (${elapsed} ms)" \
  [ "$elapsed" -ge 600 ] && [ "$elapsed" -lt 3000 ]

# A request that stops half-way is closed after --read-timeout-ms.
exec 3<> "/dev/tcp/127.0.0.1/$PORT"
start=$(date +%s%N)
printf 'POST /v1/authorize HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"act' >&3
timeout 5 cat <&3 > /dev/null
elapsed=$((($(date +%s%N) - start) / 1000000))
exec 3>&-
check "half a request closed after the read timeout (${elapsed} ms)" \
  [ "$elapsed" -ge 600 ] && [ "$elapsed" -lt 3000 ]

# HTTP/1.0 with keep-alive: the answer says keep-alive, and a second request is answered.
exec 3<> "/dev/tcp/127.0.0.1/$PORT"
printf 'GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' >&3
sleep 0.2
printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3
timeout 5 cat <&3 > "$dir/http10"
exec 3>&-
check "HTTP/1.0 keep-alive: two answers" [ "$(grep -c '^ok' "$dir/http10")" = 2 ]
check "HTTP/1.0 keep-alive header" grep -q '^Connection: keep-alive' "$dir/http10"

# A large response (metrics) after many requests on the same connection still arrives whole.
check "alive" [ "$(curl -s "http://127.0.0.1:$PORT/healthz")" = ok ]
metrics=$(curl -s "http://127.0.0.1:$PORT/metrics")
check "decisions counted" grep -q 'policysim_decisions_total{endpoint="authorize",decision="implicitDeny"} 27' <<< "$metrics"
finish
