#!/usr/bin/env bash
# Debian's nginx with auth_request in front of a trivial upstream, asking `policysim serve`
# (loaded with the shipped force_mfa.json) about every request: requests with and without MFA
# headers are let through (200 from the upstream) or refused (403) as force_mfa.json says. nginx
# runs as the current user with its configuration in a temporary directory, on loopback ports.
# Usage: nginx_test.sh POLICYSIM_BINARY REPO_ROOT
set -uo pipefail
bin=$1
root=$2
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
NGINX_PID=
cleanup() {
  [ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2> /dev/null && wait "$NGINX_PID" 2> /dev/null
  stop_server > /dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT
ensure_packages nginx curl || { echo "cannot install nginx"; exit 1; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)

mkdir -p "$dir/policies"
cp "$root/policies/force_mfa.json" "$dir/policies/"
cat > "$dir/routes.txt" << 'EOF'
POST  /iam/users/{user}/access-keys  iam:CreateAccessKey  arn:aws:iam::111122223333:user/{user}
PUT   /iam/users/{user}/password     iam:ChangePassword   arn:aws:iam::111122223333:user/{user}
POST  /iam/users/{user}/mfa          iam:EnableMFADevice  arn:aws:iam::111122223333:user/{user}
GET   /s3                            s3:ListAllMyBuckets  *
EOF
start_server --policies "$dir/policies" --routes "$dir/routes.txt" || exit 1

# Two free loopback ports (nginx front and the trivial upstream); retried if nginx cannot bind.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 25000))
    ss -ltnH "sport = :$port" 2> /dev/null | grep -q . || { echo "$port"; return; }
  done
}
user_line=
[ "$(id -u)" -eq 0 ] && user_line="user root root;"
started=0
for attempt in 1 2 3 4 5; do
  front=$(free_port)
  upstream=$(free_port)
  [ "$front" = "$upstream" ] && continue
  cat > "$dir/nginx.conf" << EOF
$user_line
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log $dir/nginx-access.log;
  client_body_temp_path $dir/tmp-body;
  proxy_temp_path $dir/tmp-proxy;
  fastcgi_temp_path $dir/tmp-fastcgi;
  uwsgi_temp_path $dir/tmp-uwsgi;
  scgi_temp_path $dir/tmp-scgi;

  upstream policysim {
    server 127.0.0.1:$PORT;
    keepalive 8;
    keepalive_timeout 50s;  # below policysim's --idle-timeout-ms (60 s)
  }

  # The trivial upstream.
  server {
    listen 127.0.0.1:$upstream;
    location / { return 200 "upstream reached: \$request_method \$uri\n"; }
  }

  server {
    listen 127.0.0.1:$front;
    location / {
      auth_request /_policysim;
      proxy_pass http://127.0.0.1:$upstream;
    }
    location = /_policysim {
      internal;
      proxy_pass http://policysim/v1/authz;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method \$request_method;
      proxy_set_header X-Original-URI \$request_uri;
      # The action, resource and extra context come from the routes file, never from the
      # client: an empty value removes the client's header. (Principal and MFA headers are
      # the client's here, standing in for an authentication layer in front.)
      proxy_set_header X-Policysim-Action "";
      proxy_set_header X-Policysim-Resource "";
      proxy_set_header X-Policysim-Context "";
    }
  }
}
EOF
  "$nginx" -e "$dir/nginx-error.log" -p "$dir" -c "$dir/nginx.conf" > "$dir/nginx.out" 2>&1 &
  NGINX_PID=$!
  for i in $(seq 1 50); do
    curl -s -o /dev/null "http://127.0.0.1:$front/" && { started=1; break; }
    kill -0 "$NGINX_PID" 2> /dev/null || break
    sleep 0.1
  done
  [ "$started" -eq 1 ] && break
  kill -QUIT "$NGINX_PID" 2> /dev/null
  wait "$NGINX_PID" 2> /dev/null
  NGINX_PID=
done
if [ "$started" -ne 1 ]; then
  echo "nginx did not start:"
  cat "$dir/nginx.out" "$dir/nginx-error.log" 2> /dev/null
  exit 1
fi

alice=arn:aws:iam::111122223333:user/alice
through() {  # through METHOD PATH [HEADERS...]: the status nginx answers
  local method=$1 path=$2
  shift 2
  curl -s -o "$dir/body" -w '%{http_code}' -X "$method" "http://127.0.0.1:$front$path" "$@"
}
mfa=(-H "X-Policysim-Principal: $alice" -H 'X-Policysim-Mfa: true' -H 'X-Policysim-Mfa-Age: 120')
nomfa=(-H "X-Policysim-Principal: $alice")

# force_mfa.json: own access keys need MFA; own password and MFA device do not; everything else
# without MFA is denied; other users' keys are never allowed.
check "own access key with MFA: 200" [ "$(through POST /iam/users/alice/access-keys "${mfa[@]}")" = 200 ]
check "upstream answered" grep -q 'upstream reached: POST /iam/users/alice/access-keys' "$dir/body"
check "own access key without MFA headers: 403" \
  [ "$(through POST /iam/users/alice/access-keys "${nomfa[@]}")" = 403 ]
check "own access key with MFA false: 403" [ "$(through POST /iam/users/alice/access-keys \
  "${nomfa[@]}" -H 'X-Policysim-Mfa: false')" = 403 ]
check "own password without MFA: 200" [ "$(through PUT /iam/users/alice/password "${nomfa[@]}")" = 200 ]
check "own password with MFA: 200" [ "$(through PUT /iam/users/alice/password "${mfa[@]}")" = 200 ]
check "enable own MFA device without MFA: 200" \
  [ "$(through POST /iam/users/alice/mfa "${nomfa[@]}")" = 200 ]
check "bob's access key with MFA: 403" [ "$(through POST /iam/users/bob/access-keys "${mfa[@]}")" = 403 ]
check "list buckets without MFA: 403" [ "$(through GET /s3 "${nomfa[@]}")" = 403 ]
check "anonymous: 403" [ "$(through PUT /iam/users/alice/password)" = 403 ]
check "client cannot pick the action: 403" [ "$(through POST /iam/users/alice/access-keys \
  "${nomfa[@]}" -H 'X-Policysim-Action: iam:ChangePassword')" = 403 ]
check "malformed MFA header: 403" [ "$(through POST /iam/users/alice/access-keys \
  "${nomfa[@]}" -H 'X-Policysim-Mfa: maybe')" = 403 ]
check "unmapped path: 403" [ "$(through GET /elsewhere "${mfa[@]}")" = 403 ]
check "dot segments: 403" [ "$(through POST '/iam/users/bob/%2e%2e/alice/access-keys' "${mfa[@]}")" = 403 ]
check "query string ignored by the mapping: 200" \
  [ "$(through PUT '/iam/users/alice/password?x=1' "${nomfa[@]}")" = 200 ]

check "policysim counted the subrequests" \
  [ "$(metric 'policysim_decisions_total{endpoint="authz",decision="allowed"}')" -ge 5 ]
check "and the malformed ones" \
  [ "$(metric 'policysim_invalid_requests_total{endpoint="authz"}')" -ge 3 ]

# policysim gone: nginx must not let the request through.
stop_server
status=$(through PUT /iam/users/alice/password "${nomfa[@]}")
check "policysim down: refused (status $status)" [ "$status" != 200 ]

finish
