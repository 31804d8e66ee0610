#!/usr/bin/env bash
# policysim serve --decision-log over loopback: one JSON line per decision (both endpoints,
# undecided denies included) with time, request id (the caller's X-Request-Id or a new one,
# echoed back), principal, action, resource, MFA state, decision, deciding statements, policy
# generation and the request; rotation by rename + SIGHUP; counters in /metrics; the lines are
# read back with python3's json module and checked field by field.
# Usage: decision_log_test.sh POLICYSIM_BINARY REPO_ROOT
set -uo pipefail
bin=$(realpath "$1")
root=$2
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
trap 'stop_server > /dev/null 2>&1; rm -rf "$dir"' EXIT
ensure_packages curl python3 || exit 1

mkdir -p "$dir/policies/identity"
cp "$root/policies/force_mfa.json" "$dir/policies/identity/force_mfa.json"
cat > "$dir/routes.txt" << 'EOF2'
POST  /iam/users/{user}/access-keys  iam:CreateAccessKey  arn:aws:iam::111122223333:user/{user}
EOF2
log=$dir/decisions.log
start_server --policies "$dir/policies" --routes "$dir/routes.txt" --decision-log "$log" \
  --poll-interval-ms 0 || exit 1
base="http://127.0.0.1:$PORT"
alice=arn:aws:iam::111122223333:user/alice

authz() {  # authz REQUEST-ID MFA: a subrequest for alice's new access key
  curl -s -o /dev/null -D "$dir/headers" -w '%{http_code}' -H "X-Request-Id: $1" \
    -H "X-Original-Method: POST" -H "X-Original-URI: /iam/users/alice/access-keys" \
    -H "X-Policysim-Principal: $alice" -H "X-Policysim-Mfa: $2" -H "X-Policysim-Mfa-Age: 120" \
    "$base/v1/authz"
}
check "authz with MFA: 200" [ "$(authz req-mfa true)" = 200 ]
check "the request id is echoed" grep -q '^X-Request-Id: req-mfa' "$dir/headers"
check "authz without MFA: 403" [ "$(authz req-nomfa false)" = 403 ]
check "refused path: 403" [ "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Request-Id: req-bad" \
  -H "X-Original-URI: /iam/users/bob/../alice/access-keys" "$base/v1/authz")" = 403 ]
curl -s -o /dev/null -D "$dir/headers" --data-binary \
  @"$root/policies/requests/force_mfa--long-term-keys-list-buckets.json" "$base/v1/authorize"
check "authorize without X-Request-Id gets a new id" grep -q '^X-Request-Id: [0-9a-f]*-[0-9]*-[0-9]*' "$dir/headers"

# Rotation: rename the file, SIGHUP, and the next decisions go to a new file at the path. The
# writer batches (256 lines or 20 ms): wait until the four lines are out, so that none of them
# is written after the reopen.
for i in $(seq 1 100); do
  [ "$(metric policysim_decision_log_lines_total)" = 4 ] && break
  sleep 0.1
done
check "four lines written before the rotation" [ "$(metric policysim_decision_log_lines_total)" = 4 ]
mv "$log" "$log.1"
kill -HUP "$SERVER_PID"
check "SIGHUP handled" wait_for_log 'reloaded .* \(SIGHUP\)'
for i in $(seq 1 50); do
  authz "after-rotation" true > /dev/null
  [ -s "$log" ] && break
  sleep 0.1
done
check "a new file after rotation" [ -s "$log" ]
check "metrics: lines written" [ "$(metric policysim_decision_log_lines_total)" -ge 5 ]
check "metrics: nothing dropped" [ "$(metric policysim_decision_log_dropped_total)" = 0 ]
check "metrics: one reopen" [ "$(metric policysim_decision_log_reopens_total)" = 1 ]
stop_server
check "clean exit" [ $? -eq 0 ]

cat > "$dir/check.py" << 'EOF2'
import json, sys
old = [json.loads(line) for line in open(sys.argv[1])]
new = [json.loads(line) for line in open(sys.argv[2])]
by_id = {d["requestId"]: d for d in old}
alice = "arn:aws:iam::111122223333:user/alice"
problems = []
def expect(cond, what):
    if not cond:
        problems.append(what)
expect(len(old) == 4, "4 lines before rotation, got %d" % len(old))
mfa = by_id["req-mfa"]
expect(mfa["endpoint"] == "authz" and mfa["decision"] == "allowed", "req-mfa allowed on authz")
expect(mfa["principal"] == alice, "req-mfa principal")
expect(mfa["action"] == "iam:CreateAccessKey", "req-mfa action")
expect(mfa["resource"] == alice, "req-mfa resource")
expect(mfa["mfa"] == {"present": True, "ageSeconds": 120}, "req-mfa mfa %r" % mfa["mfa"])
expect(mfa["policyGeneration"] == 1, "req-mfa generation")
expect(any(s["effect"] == "Allow" for s in mfa["statements"]), "req-mfa deciding Allow")
expect(mfa["request"]["context"]["aws:MultiFactorAuthPresent"] is True, "request context typed")
expect(mfa["time"].endswith("Z") and len(mfa["time"]) == 24, "time %s" % mfa["time"])
nomfa = by_id["req-nomfa"]
expect(nomfa["decision"] == "explicitDeny", "req-nomfa explicitDeny")
expect(nomfa["mfa"]["present"] is False, "req-nomfa mfa false")
expect(any(s["effect"] == "Deny" for s in nomfa["statements"]), "req-nomfa deciding Deny")
bad = by_id["req-bad"]
expect(bad["decision"] == "implicitDeny" and "'..' segment" in bad["error"], "req-bad error")
expect("request" not in bad, "req-bad has no request")
auth = [d for d in old if d["endpoint"] == "authorize"]
expect(len(auth) == 1 and auth[0]["decision"] == "explicitDeny", "authorize line")
expect(auth[0]["mfa"]["present"] is None, "long-term keys: mfa null")
expect(len(new) >= 1 and all(d["requestId"] == "after-rotation" for d in new), "new file")
print("\n".join(problems))
sys.exit(1 if problems else 0)
EOF2
check "log lines carry the fields" python3 "$dir/check.py" "$log.1" "$log"

check "unwritable log: exit 2" [ "$(timeout 10 "$bin" serve --policies "$dir/policies" \
  --listen 127.0.0.1:0 --decision-log /nonexistent-dir/x.log > /dev/null 2>&1; echo $?)" = 2 ]
finish
