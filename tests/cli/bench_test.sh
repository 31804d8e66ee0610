#!/bin/sh
# policysim bench: the JSON report's fields on force_mfa.json and a small requests file, every
# statement's share within [0, 1], the decision counts adding up to the requests, the text
# report, and bad input (exit 2 with FILE:LINE:COL). Never asserts on speed.
# Usage: bench_test.sh POLICYSIM_BINARY REPO_ROOT
. "$(dirname "$0")/lib.sh"
cd "$root" || exit 2
alice=arn:aws:iam::111122223333:user/alice
deny='{"principal":"'$alice'","action":"s3:ListAllMyBuckets","context":{"aws:username":"alice"}}'
allow='{"principal":"'$alice'","action":"iam:EnableMFADevice","resource":"'$alice'","context":{"aws:username":"alice"}}'
mfa='{"principal":"'$alice'","action":"s3:ListAllMyBuckets","context":{"aws:username":"alice","aws:MultiFactorAuthPresent":true}}'
printf '%s\n\n%s\n%s\n%s\n' "$deny" "$allow" "$mfa" "$deny" > "$dir/requests.jsonl"

# The decisions as `check --requests` makes them: bench must count the same.
"$bin" check policies/force_mfa.json --requests "$dir/requests.jsonl" --format jsonl > "$dir/check"
count() { grep -c "\"decision\":\"$1\"" "$dir/check"; }
allowed=$(count allowed)
explicit=$(count explicitDeny)
implicit=$(count implicitDeny)
check "the requests mix every decision" test "$allowed" -ge 1 -a "$explicit" -ge 1 -a \
  "$implicit" -ge 1

run 0 "json report" bench policies/force_mfa.json --requests "$dir/requests.jsonl" \
  --seconds 0.2 --format json
for field in '"requests":4' '"threads":1' '"rounds":5' '"compile":{"ms":{"min":' \
  '"compiledBytes":' '"memoryMethod":"' '"prepared":{"decisionsPerSecond":{' \
  '"json":{"decisionsPerSecond":{' '"perThreadDecisionsPerSecond":{' '"latencyNs":{"p50":' \
  '"p99":' '"p999":' '"statements":[{"policy":"policies/force_mfa.json"'; do
  check "json $field" has "$dir/out" "$field"
done
check "one JSON line" [ "$(wc -l < "$dir/out")" -eq 1 ]
check "nothing on stderr" [ ! -s "$dir/err" ]
# Decision counts add up to the requests and are check's; each statement's share is in [0, 1] and equals its
# count over the requests.
check "decision counts add up" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
d = r["decisions"]
assert d["allowed"] + d["explicitDeny"] + d["implicitDeny"] == r["requests"], d
assert [d["allowed"], d["explicitDeny"], d["implicitDeny"]] == [int(x) for x in sys.argv[2:]], d
for s in r["statements"]:
    assert 0 <= s["share"] <= 1, s
    assert abs(s["share"] - s["requests"] / r["requests"]) < 1e-6, s
for mode in ("prepared", "json"):
    m = r[mode]
    for spread in (m["decisionsPerSecond"], m["perThreadDecisionsPerSecond"]):
        assert 0 < spread["min"] <= spread["median"] <= spread["max"], spread
    l = m["latencyNs"]
    assert 0 <= l["p50"] <= l["p99"] <= l["p999"] and l["samples"] > 0, l
c = r["compile"]["ms"]
assert 0 < c["min"] <= c["median"] <= c["max"], c
# Measured (glibc malloc), or said to be unknown (a sanitizer build has its own allocator).
b, method = r["compile"]["compiledBytes"], r["compile"]["memoryMethod"]
assert (b is not None and b > 0 and method.startswith("glibc")) or \
    (b is None and method.startswith("unavailable")), r["compile"]
' "$dir/out" "$allowed" "$explicit" "$implicit"

run 0 "text report, two threads" bench policies/force_mfa.json --requests "$dir/requests.jsonl" \
  --seconds 0.1 --rounds 2 --threads 2
check "text: decisions" has "$dir/out" \
  "decisions: $allowed allowed, $explicit explicit deny, $implicit implicit deny"
check "text: prepared line" grep -q '^prepared request: .* decisions/s in total' "$dir/out"
check "text: json line" grep -q '^request JSON (parse + decide): ' "$dir/out"
check "text: percentiles" grep -q 'p50 [0-9]* ns, p99 [0-9]* ns, p99.9 [0-9]* ns' "$dir/out"
check "text: statement share" grep -q '^ *[0-9.]*%  Deny "' "$dir/out"

printf '%s\n{"action": 3}\n' "$deny" > "$dir/bad.jsonl"
run 2 "bad request line" bench policies/force_mfa.json --requests "$dir/bad.jsonl" --seconds 0.05
check "bad line located" grep -q "bad.jsonl:2:" "$dir/err"
: > "$dir/empty.jsonl"
run 2 "no requests" bench policies/force_mfa.json --requests "$dir/empty.jsonl" --seconds 0.05
run 2 "missing requests file" bench policies/force_mfa.json --requests "$dir/none.jsonl"
run 2 "no policy" bench --requests "$dir/requests.jsonl"
run 2 "requests required" bench policies/force_mfa.json
run 2 "bad policy file" bench "$dir/requests.jsonl" --requests "$dir/requests.jsonl"
finish
