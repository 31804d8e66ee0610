#!/usr/bin/env bash
# policysim serve with TLS (--tls-cert, --tls-key) and client-certificate verification
# (--tls-client-ca), driven by curl over loopback. A CA, a server certificate for 127.0.0.1 and
# client certificates (one from the CA, one self-signed) are made with openssl in the test.
# Usage: tls_test.sh POLICYSIM_BINARY REPO_ROOT
set -uo pipefail
bin=$(realpath "$1")
root=$(realpath "$2")
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
trap 'stop_server > /dev/null 2>&1; rm -rf "$dir"' EXIT
ensure_packages curl openssl || exit 1

cd "$dir" || exit 1
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj /CN=policysim-test-ca \
  2> /dev/null
issue() {  # issue NAME CN EXT: a key and a certificate signed by the test CA
  openssl req "${ec[@]}" -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2> /dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" \
    -days 2 -extfile "$1.ext" 2> /dev/null
}
issue server 127.0.0.1 "subjectAltName=IP:127.0.0.1"
issue client gateway "extendedKeyUsage=clientAuth"
openssl req -x509 "${ec[@]}" -keyout rogue.key -out rogue.pem -days 2 -subj /CN=rogue 2> /dev/null
mkdir -p policies
cp "$root/policies/force_mfa.json" policies/
request=$root/policies/requests/force_mfa--console-mfa-create-own-access-key.json

# --- TLS --------------------------------------------------------------------------------------
start_server --policies policies --tls-cert server.pem --tls-key server.key || exit 1
https="https://127.0.0.1:$PORT"
check "startup line says TLS" grep -q 'route(s); TLS$' server.log
check "healthz over TLS, server verified against the CA" \
  [ "$(curl -s --cacert ca.pem "$https/healthz")" = ok ]
check "a decision over TLS" grep -q '"decision":"allowed"' \
  <<< "$(curl -s --cacert ca.pem --data-binary @"$request" "$https/v1/authorize")"
check "two requests on one TLS connection (keep-alive)" [ "$(curl -s --cacert ca.pem \
  -w '%{num_connects}\n' "$https/healthz" "$https/healthz" | tr -d '\n')" = "ok1ok0" ]
check "plain HTTP on the TLS port gets no answer" [ "$(curl -s -o /dev/null -w '%{http_code}' \
  --max-time 5 "http://127.0.0.1:$PORT/healthz")" = 000 ]
check "still serving after plain HTTP" [ "$(curl -s --cacert ca.pem "$https/healthz")" = ok ]
check "an unknown CA is refused by curl (the server's certificate is real)" \
  [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert rogue.pem "$https/healthz")" = 000 ]
stop_server
check "clean exit (TLS)" [ $? -eq 0 ]

# --- Client certificates ---------------------------------------------------------------------
start_server --policies policies --tls-cert server.pem --tls-key server.key \
  --tls-client-ca ca.pem || exit 1
https="https://127.0.0.1:$PORT"
check "startup line says client certificates" grep -q 'TLS with client certificates$' server.log
check "client certificate from the CA: ok" [ "$(curl -s --cacert ca.pem --cert client.pem \
  --key client.key "$https/healthz")" = ok ]
check "no client certificate: refused" [ "$(curl -s -o /dev/null -w '%{http_code}' \
  --cacert ca.pem "$https/healthz")" = 000 ]
check "self-signed client certificate: refused" [ "$(curl -s -o /dev/null -w '%{http_code}' \
  --cacert ca.pem --cert rogue.pem --key rogue.key "$https/healthz")" = 000 ]
check "still serving after refused clients" [ "$(curl -s --cacert ca.pem --cert client.pem \
  --key client.key "$https/healthz")" = ok ]
stop_server
check "clean exit (mutual TLS)" [ $? -eq 0 ]

# --- Start-up refusals: exit 2 and the flag named -----------------------------------------------
startup() {  # startup FLAG ARGS...: exit 2 with FLAG in the message
  local flag=$1
  shift
  timeout 10 "$bin" serve --policies policies --listen 127.0.0.1:0 "$@" > out 2>&1
  local status=$?
  [ "$status" -eq 2 ] && grep -q -- "$flag" out
}
check "--tls-cert without --tls-key" startup --tls-cert --tls-cert server.pem
check "--tls-client-ca without a certificate" startup --tls-client-ca --tls-client-ca ca.pem
check "a key that is not the certificate's" startup --tls-key --tls-cert server.pem \
  --tls-key client.key
check "a certificate file that is not one" startup --tls-cert --tls-cert server.key \
  --tls-key server.key
check "a missing client CA file" startup --tls-client-ca --tls-cert server.pem \
  --tls-key server.key --tls-client-ca missing.pem
finish
