#!/usr/bin/env bash
# Load test of `policysim serve` on loopback: wrk drives POST /v1/authorize with keep-alive for a
# bounded time, cycling through four force_mfa.json requests (allowed, explicit and implicit
# denies). Reports requests/s, p50/p99 latency (wrk --latency), non-2xx/socket errors, and the
# server's memory: RSS after warm-up, RSS at the end and peak RSS (VmHWM from /proc/PID/status),
# sampled every second. The issue's targets: >= 50,000 decisions/s, p99 < 2 ms, RSS flat over
# 1,000,000 requests (the default 30 s run makes well over that at the target rate).
#
# With TOKENS=1, identity comes from JWTs (docs/serve.md, "Identity from tokens"): the server runs
# with --jwks, and each request carries one of four tokens (RS256 and ES256, with and without
# MFA, two users) signed by tests/serve/jwt_tool.py, and a body without principal or MFA keys.
# Verified tokens are cached per worker, so this measures the cache's hot path plus the
# Authorization header's parse.
#
# With LOG=1 the server also writes a decision log (--decision-log) to the temporary directory;
# the report gives the lines written and dropped.
#
# With ENDPOINT=authz, wrk drives the authorization-subrequest endpoint instead, as nginx's
# auth_request would: GET /v1/authz with X-Original-Method / X-Original-URI (mapped by a routes
# file), X-Policysim-Principal and the MFA headers, four requests (allowed, explicit and implicit
# denies: the denies are 403 answers, not errors).
#
# With COMPARE_NGINX=1 (issue 17 item 4), the same wrk command also drives Debian's nginx
# answering `return 200;` (worker_processes = the server's threads, access_log off, keep-alive
# without a request cap, idle timeout 60 s like the server's), ROUNDS times each, alternately
# (policysim, nginx, policysim, ...), DURATION seconds per run (default 10 in this mode). For each
# run it gives the server's CPU per request: utime + stime from /proc/PID/stat (for nginx, summed
# over the master and its workers), after the run minus before, over the requests wrk completed;
# then the medians and their ratio (policysim / nginx). The load average is printed per run:
# the machine is shared.
#
# Usage: bench/serve_load.sh            (builds build-bench/policysim, like bench/run.sh)
#        POLICYSIM=path/to/policysim DURATION=30 CONNECTIONS=64 WRK_THREADS=1 SERVER_THREADS=1 \
#          TOKENS=0 LOG=0 ENDPOINT=authorize|authz bench/serve_load.sh
#        COMPARE_NGINX=1 ROUNDS=3 DURATION=10 bench/serve_load.sh
# wrk and the server share the machine's cores: numbers include that contention.
set -euo pipefail
cd "$(dirname "$0")/.."
compare_nginx=${COMPARE_NGINX:-0}
endpoint=${ENDPOINT:-authorize}
rounds=${ROUNDS:-3}
duration=${DURATION:-$([ "$compare_nginx" = 1 ] && echo 10 || echo 30)}
connections=${CONNECTIONS:-64}
wrk_threads=${WRK_THREADS:-1}
# wrk runs on the same machine: by default the server gets every core but one (wrk's), so the
# two do not fight over cores; with one worker per core (SERVER_THREADS=0) the p99 doubles
# on 2 cores from scheduling alone.
cores=$(nproc)
server_threads=${SERVER_THREADS:-$((cores > 1 ? cores - 1 : 1))}

missing=()
packages=(wrk curl)
[ "$compare_nginx" = 1 ] && packages+=(nginx-light)
for p in "${packages[@]}"; do
  [ "$p" = nginx-light ] && command -v nginx > /dev/null 2>&1 && continue  # any Debian nginx
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

bin=${POLICYSIM:-}
if [ -z "$bin" ]; then
  scripts/setup.sh
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DPOLICYSIM_BUILD_TESTS=OFF \
    -DPOLICYSIM_BUILD_BENCH=ON > /dev/null
  cmake --build build-bench -j"$(nproc)" --target policysim
  bin=build-bench/policysim
fi

dir=$(mktemp -d)
server=
sampler=
nginx_pid=
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2> /dev/null
  [ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2> /dev/null && wait "$nginx_pid" 2> /dev/null
  [ -n "$server" ] && kill -TERM "$server" 2> /dev/null && wait "$server" 2> /dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

mkdir -p "$dir/policies"
cp policies/force_mfa.json "$dir/policies/"
token_flags=()
tokens=${TOKENS:-0}
log_flags=()
[ "${LOG:-0}" = 1 ] && log_flags=(--decision-log "$dir/decisions.log")
if [ "$tokens" = 1 ]; then
  tool="python3 tests/serve/jwt_tool.py"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/rsa.pem" 2> /dev/null
  openssl pkey -in "$dir/rsa.pem" -pubout -out "$dir/rsa.pub.pem"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ec.pem"
  openssl pkey -in "$dir/ec.pem" -pubout -out "$dir/ec.pub.pem"
  $tool jwks rsa1="$dir/rsa.pub.pem" ec1="$dir/ec.pub.pem" > "$dir/jwks.json"
  now=$(date +%s)
  claims() {  # claims SUB AMR: valid for a day, authenticated a minute ago
    printf '{"iss":"https://idp.bench","aud":"bench","sub":"%s","amr":%s,"auth_time":%d,"exp":%d}' \
      "$1" "$2" $((now - 60)) $((now + 86400))
  }
  token1=$($tool sign "$dir/rsa.pem" RS256 rsa1 "$(claims alice '["pwd"]')")
  token2=$($tool sign "$dir/rsa.pem" RS256 rsa1 "$(claims alice '["pwd","mfa"]')")
  token3=$($tool sign "$dir/ec.pem" ES256 ec1 "$(claims alice '["pwd"]')")
  token4=$($tool sign "$dir/ec.pem" ES256 ec1 "$(claims bob '["pwd","otp"]')")
  token_flags=(--jwks "$dir/jwks.json" --jwt-issuer https://idp.bench --jwt-audience bench
               --jwt-principal 'arn:aws:iam::111122223333:user/{sub}')
fi
route_flags=()
if [ "$endpoint" = authz ]; then
  cat > "$dir/routes.txt" << 'EOF'
POST  /iam/users/{user}/access-keys  iam:CreateAccessKey  arn:aws:iam::111122223333:user/{user}
POST  /iam/users/{user}/mfa          iam:EnableMFADevice  arn:aws:iam::111122223333:user/{user}
GET   /s3                            s3:ListAllMyBuckets  *
GET   /ec2/instances                 ec2:DescribeInstances  *
EOF
  route_flags=(--routes "$dir/routes.txt")
fi
"$bin" serve --policies "$dir/policies" --listen 127.0.0.1:0 --threads "$server_threads" \
  "${route_flags[@]}" \
  "${token_flags[@]}" "${log_flags[@]}" > "$dir/server.log" 2>&1 &
server=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\) .*/\1/p' "$dir/server.log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$dir/server.log"; exit 1; }

if [ "$endpoint" = authz ]; then
  cat > "$dir/requests.lua" << 'EOF'
local function subrequest(method, uri, mfa, age)
  local headers = {["Host"] = "127.0.0.1", ["X-Original-Method"] = method,
    ["X-Original-URI"] = uri, ["X-Policysim-Principal"] = "arn:aws:iam::111122223333:user/alice"}
  if mfa then headers["X-Policysim-Mfa"] = mfa end
  if age then headers["X-Policysim-Mfa-Age"] = age end
  return wrk.format("GET", "/v1/authz", headers)
end
local requests = {
  subrequest("GET", "/s3", nil, nil),
  subrequest("POST", "/iam/users/alice/access-keys", "true", "300"),
  subrequest("POST", "/iam/users/alice/mfa", "false", nil),
  subrequest("GET", "/ec2/instances", "true", "60"),
}
local n = 0
request = function()
  n = n + 1
  return requests[(n % #requests) + 1]
end
EOF
fi
# The requests are formatted when the script loads, before wrk knows the Host header: it is
# given here (HTTP/1.1 requires it; nginx answers 400 without it).
if [ "$endpoint" = authz ]; then
  :
elif [ "$tokens" = 1 ]; then
  cat > "$dir/requests.lua" << EOF
local bodies = {
  '{"action":"s3:ListAllMyBuckets","resource":"*","context":{"aws:CurrentTime":"2026-11-22T10:00:00Z"}}',
  '{"action":"iam:CreateAccessKey","resource":"arn:aws:iam::111122223333:user/alice"}',
  '{"action":"iam:EnableMFADevice","resource":"arn:aws:iam::111122223333:user/alice"}',
  '{"action":"ec2:DescribeInstances","resource":"*"}',
}
local tokens = { "$token1", "$token2", "$token3", "$token4" }
local requests = {}
for i, body in ipairs(bodies) do
  requests[i] = wrk.format("POST", "/v1/authorize", {["Host"] = "127.0.0.1", ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[i]}, body)
end
local n = 0
request = function()
  n = n + 1
  return requests[(n % #requests) + 1]
end
EOF
else
cat > "$dir/requests.lua" << 'EOF'
local bodies = {
  '{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:ListAllMyBuckets","resource":"*","context":{"aws:username":"alice","aws:CurrentTime":"2026-11-22T10:00:00Z"}}',
  '{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:CreateAccessKey","resource":"arn:aws:iam::111122223333:user/alice","context":{"aws:username":"alice","aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":300}}',
  '{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:EnableMFADevice","resource":"arn:aws:iam::111122223333:user/alice","context":{"aws:username":"alice","aws:MultiFactorAuthPresent":false}}',
  '{"principal":"arn:aws:iam::111122223333:user/alice","action":"ec2:DescribeInstances","resource":"*","context":{"aws:username":"alice","aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":60}}',
}
local requests = {}
for i, body in ipairs(bodies) do
  requests[i] = wrk.format("POST", "/v1/authorize",
    {["Host"] = "127.0.0.1", ["Content-Type"] = "application/json"}, body)
end
local n = 0
request = function()
  n = n + 1
  return requests[(n % #requests) + 1]
end
EOF
fi

# utime + stime of every process in $@, in clock ticks.
ticks_of() {
  local total=0 pid
  for pid in "$@"; do
    # Field 2 (comm) may hold blanks: count from after its closing parenthesis.
    total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}

if [ "$compare_nginx" = 1 ]; then
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  mkdir -p "$dir/nginx"
  user_line=
  [ "$(id -u)" -eq 0 ] && user_line="user root root;"  # workers stay the current user
  nginx_port=
  for _ in 1 2 3 4 5; do
    nginx_port=$((20000 + RANDOM % 25000))
    ss -ltnH "sport = :$nginx_port" 2> /dev/null | grep -q . && continue
    cat > "$dir/nginx/nginx.conf" << EOF
$user_line
worker_processes $([ "$server_threads" = 0 ] && echo auto || echo "$server_threads");
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  keepalive_timeout 60s;          # policysim's --idle-timeout-ms default
  keepalive_requests 1000000000;  # policysim puts no cap on requests per connection
  server {
    listen 127.0.0.1:$nginx_port;
    location / { return 200; }
  }
}
EOF
    "$nginx" -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" &
    nginx_pid=$!
    for _ in $(seq 1 50); do
      curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && break
      sleep 0.1
    done
    curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && break
    kill -QUIT "$nginx_pid" 2> /dev/null; wait "$nginx_pid" 2> /dev/null || true
    nginx_pid=
  done
  [ -n "$nginx_pid" ] || { cat "$dir/nginx/error.log"; exit 1; }
  nginx_pids() { echo "$nginx_pid" $(ps -o pid= --ppid "$nginx_pid"); }

  # measure NAME PORT PID...: warm-up, then one measured wrk run; appends
  # "us_per_request requests_per_s p99 requests load1" to $dir/cpu-NAME.
  measure() {
    local name=$1 port=$2
    shift 2
    wrk -t"$wrk_threads" -c"$connections" -d3s -s "$dir/requests.lua" "http://127.0.0.1:$port" \
      > /dev/null
    local load before after
    load=$(cut -d' ' -f1 /proc/loadavg)
    before=$(ticks_of "$@")
    wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency -s "$dir/requests.lua" \
      "http://127.0.0.1:$port" > "$dir/wrk.out"
    after=$(ticks_of "$@")
    # authz answers its denies with 403: only socket errors count there.
    if grep -q "$([ "$endpoint" = authz ] && echo 'Socket errors' || echo 'Non-2xx\|Socket errors')" "$dir/wrk.out"; then
      echo "serve_load: $name answered with errors:"; cat "$dir/wrk.out"; exit 1
    fi
    local total rps p99
    total=$(awk '/requests in/ { print $1 }' "$dir/wrk.out")
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$dir/wrk.out")
    p99=$(awk '$1 == "99%" { print $2 }' "$dir/wrk.out")
    awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$total" -v rps="$rps" \
      -v p99="$p99" -v load="$load" -v name="$name" 'BEGIN {
        us = t / hz * 1e6 / n
        printf "%.2f %s %s %s %s\n", us, rps, p99, n, load >> "'"$dir"'/cpu-" name
        printf "serve_load: %-9s %6.2f us CPU per request, %9.0f requests/s, p99 %s, %d requests, load %s\n",
          name, us, rps, p99, n, load }'
  }
  echo "serve_load: $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "serve_load: policysim $("$bin" --version) and $("$nginx" -v 2>&1 | sed 's/.*: //'), ${server_threads} worker(s) each; wrk -t$wrk_threads -c$connections -d${duration}s, keep-alive, $([ "$endpoint" = authz ] && echo "GET /v1/authz (four subrequests)" || echo "POST /v1/authorize (four force_mfa.json requests)"); $rounds rounds, alternately"
  for round in $(seq 1 "$rounds"); do
    measure policysim "$port" "$server"
    measure nginx "$nginx_port" $(nginx_pids)
  done
  median() { sort -g -k"$2,$2" "$dir/cpu-$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  p=$(median policysim 1)
  n=$(median nginx 1)
  awk -v p="$p" -v n="$n" -v pr="$(median policysim 2)" -v nr="$(median nginx 2)" 'BEGIN {
    printf "serve_load: medians: policysim %.2f us CPU per request (%.0f requests/s), nginx return 200 %.2f us (%.0f requests/s): ratio %.2fx (target <= 2x)\n", p, pr, n, nr, p / n }'
  echo "serve_load: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$server/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }  # utime + stime
hwm() { awk '/^VmHWM/ { print $2 }' "/proc/$server/status"; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Warm-up (connections, allocator, caches), then the measured run with RSS sampled each second.
wrk -t"$wrk_threads" -c"$connections" -d3s -s "$dir/requests.lua" "http://127.0.0.1:$port" > /dev/null
rss_start=$(rss)
ticks_start=$(cpu_ticks)
(while kill -0 "$server" 2> /dev/null; do rss >> "$dir/rss"; sleep 1; done) &
sampler=$!
wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency -s "$dir/requests.lua" \
  "http://127.0.0.1:$port" | tee "$dir/wrk.out"
rss_end=$(rss)
ticks_end=$(cpu_ticks)
peak=$(hwm)
kill "$sampler" 2> /dev/null || true
sampler=

rps=$(awk '/^Requests\/sec:/ { print $2 }' "$dir/wrk.out")
total=$(awk '/requests in/ { print $1 }' "$dir/wrk.out")
p50=$(awk '$1 == "50%" { print $2 }' "$dir/wrk.out")
p99=$(awk '$1 == "99%" { print $2 }' "$dir/wrk.out")
errors=$(awk '/Non-2xx|Socket errors/' "$dir/wrk.out")
rss_min=$(sort -n "$dir/rss" | head -1)
rss_max=$(sort -n "$dir/rss" | tail -1)
metrics=$(curl -s "http://127.0.0.1:$port/metrics")
decisions=$(awk -v e="$endpoint" '$1 ~ "^policysim_decisions_total[{]endpoint=\"" e "\"" { s += $2 } END { print s }' \
  <<< "$metrics")
log_lines=$(awk '$1 == "policysim_decision_log_lines_total" { print $2 }' <<< "$metrics")
log_dropped=$(awk '$1 == "policysim_decision_log_dropped_total" { print $2 }' <<< "$metrics")
echo
echo "serve_load: $(nproc) cores, load average before the run: $load_before (other work on the machine counts in)"
echo "serve_load: server $("$bin" --version) with ${server_threads} worker thread(s) (0 = one per core); wrk -t$wrk_threads -c$connections -d${duration}s, keep-alive; tokens $([ "$tokens" = 1 ] && echo "on (--jwks, RS256 + ES256)" || echo off)"
echo "serve_load: requests/s $rps, p50 $p50, p99 $p99, requests $total, decisions counted by the server $decisions"
echo "serve_load: errors: ${errors:-none}"
if [ "${LOG:-0}" = 1 ]; then
  echo "serve_load: decision log: $log_lines lines written, $log_dropped dropped, $(($(stat -c %s "$dir/decisions.log") / 1048576)) MiB"
fi
awk -v t=$((ticks_end - ticks_start)) -v hz="$(getconf CLK_TCK)" -v n="$total" -v d="$duration" 'BEGIN {
  printf "serve_load: server CPU (user + system) %.1f us per request, %.2f cores busy on average\n", t / hz * 1e6 / n, t / hz / d }'
echo "serve_load: server RSS after warm-up $((rss_start / 1024)) MiB, during the run $((rss_min / 1024))-$((rss_max / 1024)) MiB, at the end $((rss_end / 1024)) MiB, peak (VmHWM) $((peak / 1024)) MiB (${rss_start}/${rss_end}/${peak} kB)"
