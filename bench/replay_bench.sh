#!/usr/bin/env bash
# policysim replay against Python's per-line json.loads over the same JSON Lines file: wall
# time, CPU time and peak RSS of each (/usr/bin/time -v), and the ratio. The file is
# synthesised from realistic CloudTrail record templates (IAM users with access keys and
# console sessions, role sessions with and without MFA, S3 data events, service calls, sign-ins,
# service events) with varied principals, times and event IDs, so that groups, de-duplication
# and skipped reasons do real work.
#
# Usage: bench/replay_bench.sh [POLICYSIM_BINARY] [RECORDS]   (defaults: build/policysim, 1000000)
# Targets (issue 15): peak RSS under 128 MiB; policysim at least 3x faster than Python.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/policysim}
records=${2:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log=$work/events.jsonl

python3 - "$records" > "$log" <<'PY'
import json, random, sys
n = int(sys.argv[1])
rng = random.Random(15)
acct = "111122223333"
users = [f"user{i:03d}" for i in range(200)]
roles = ["Ops", "deploy", "ReadOnly", "DataEng", "ProdAdmin"]
s3_names = ["GetObject", "PutObject", "HeadObject", "ListObjects", "DeleteObject", "CopyObject"]
api = [("ec2.amazonaws.com", n) for n in ["DescribeInstances", "StopInstances", "RunInstances",
        "DescribeVolumes", "CreateTags"]] + \
      [("iam.amazonaws.com", n) for n in ["ListUsers", "GetUser", "CreateAccessKey", "ListMFADevices"]] + \
      [("sts.amazonaws.com", "GetCallerIdentity"), ("sts.amazonaws.com", "AssumeRole"),
       ("kms.amazonaws.com", "Decrypt"), ("lambda.amazonaws.com", "Invoke"),
       ("monitoring.amazonaws.com", "PutMetricData"), ("logs.amazonaws.com", "CreateLogStream")]

def stamp(t):
    return "2026-11-%02dT%02d:%02d:%02dZ" % (1 + t // 86400, t // 3600 % 24, t // 60 % 60, t % 60)

def identity(kind, t):
    if kind == "key":
        u = rng.choice(users)
        return {"type": "IAMUser", "principalId": "AIDA" + u.upper(), "arn": f"arn:aws:iam::{acct}:user/{u}",
                "accountId": acct, "accessKeyId": "AKIAEXAMPLE" + u.upper(), "userName": u}
    if kind in ("console", "session"):
        u = rng.choice(users)
        return {"type": "IAMUser", "principalId": "AIDA" + u.upper(), "arn": f"arn:aws:iam::{acct}:user/{u}",
                "accountId": acct, "accessKeyId": "ASIAEXAMPLE" + u.upper(), "userName": u,
                "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                                   "attributes": {"creationDate": stamp(max(0, t - rng.randint(0, 3000))),
                                                  "mfaAuthenticated": rng.choice(["true", "false"])}}}
    r = rng.choice(roles)
    return {"type": "AssumedRole", "principalId": f"AROAEXAMPLE{r.upper()}:s{rng.randint(1, 50)}",
            "arn": f"arn:aws:sts::{acct}:assumed-role/{r}/s{rng.randint(1, 50)}", "accountId": acct,
            "accessKeyId": "ASIAEXAMPLEROLE" + r.upper(),
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE" + r.upper(),
                                                 "arn": f"arn:aws:iam::{acct}:role/{r}", "accountId": acct,
                                                 "userName": r},
                               "webIdFederationData": {},
                               "attributes": {"creationDate": stamp(max(0, t - rng.randint(0, 3000))),
                                              "mfaAuthenticated": rng.choice(["true", "false"])}}}

out = sys.stdout
for i in range(n):
    t = 3600 + i * 2
    roll = rng.random()
    kind = rng.choice(["key", "console", "session", "role", "role"])
    rec = {"eventVersion": "1.10", "userIdentity": identity(kind, t), "eventTime": stamp(t),
           "awsRegion": rng.choice(["us-east-1", "eu-west-1"]),
           "sourceIPAddress": "198.51.100.%d" % rng.randint(1, 254),
           "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64 prompt/off command/x",
           "requestID": "%032x" % rng.getrandbits(128), "eventID": "%032x" % rng.getrandbits(128),
           "readOnly": True, "eventType": "AwsApiCall", "managementEvent": True,
           "recipientAccountId": acct, "eventCategory": "Management",
           "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                          "clientProvidedHostHeader": "ec2.us-east-1.amazonaws.com"}}
    if kind == "console":
        rec["sessionCredentialFromConsole"] = "true"
    if roll < 0.35:
        b = "bucket-%d" % rng.randint(1, 30)
        k = "data/%d/part-%05d.parquet" % (rng.randint(1, 99), rng.randint(0, 99999))
        rec.update(eventSource="s3.amazonaws.com", eventName=rng.choice(s3_names),
                   requestParameters={"bucketName": b, "key": k, "Host": b + ".s3.amazonaws.com"},
                   resources=[{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{b}/{k}"},
                              {"accountId": acct, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{b}"}],
                   eventCategory="Data", managementEvent=False)
    elif roll < 0.40:
        rec["userIdentity"]["invokedBy"] = "cloudformation.amazonaws.com"
        rec["sourceIPAddress"] = "cloudformation.amazonaws.com"
        rec.update(eventSource="ec2.amazonaws.com", eventName="CreateTags")
    elif roll < 0.42:
        rec = {"eventVersion": "1.10", "userIdentity": {"accountId": acct, "invokedBy": "kms.amazonaws.com"},
               "eventTime": stamp(t), "eventSource": "kms.amazonaws.com", "eventName": "RotateKey",
               "awsRegion": "us-east-1", "sourceIPAddress": "kms.amazonaws.com",
               "eventID": "%032x" % rng.getrandbits(128), "eventType": "AwsServiceEvent",
               "recipientAccountId": acct}
    elif roll < 0.44:
        ident = identity("key", t)
        del ident["accessKeyId"]
        rec.update(userIdentity=ident, eventSource="signin.amazonaws.com", eventName="ConsoleLogin",
                   eventType="AwsConsoleSignIn", responseElements={"ConsoleLogin": "Success"},
                   additionalEventData={"MFAUsed": rng.choice(["Yes", "No"]), "MobileVersion": "No"})
    else:
        source, name = rng.choice(api)
        rec.update(eventSource=source, eventName=name, requestParameters={"maxResults": 100},
                   responseElements=None)
    out.write(json.dumps(rec, separators=(",", ":")))
    out.write("\n")
PY

cat > "$work/deny.json" <<'JSON'
{"Version": "2012-10-17", "Statement": [
  {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
  {"Sid": "DenyWithoutMfa", "Effect": "Deny", "NotAction": ["iam:ChangePassword", "sts:GetSessionToken"],
   "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}
JSON

size=$(stat -c %s "$log")
echo "input: $records records, $((size / 1048576)) MiB of JSON Lines; $(nproc) cores;" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) (the ratio is only meaningful on a quiet machine)"
measure() {  # name, command...
  local name=$1
  shift
  /usr/bin/time -v "$@" > "$work/$name.out" 2> "$work/$name.time" || true
  local wall user sys rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.time")
  user=$(sed -n 's/.*User time (seconds): //p' "$work/$name.time")
  sys=$(sed -n 's/.*System time (seconds): //p' "$work/$name.time")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.time")
  printf '%-10s wall %8s  user %7s s  sys %6s s  peak RSS %6d MiB\n' "$name" "$wall" "$user" \
    "$sys" "$((rss / 1024))"
  echo "$wall" > "$work/$name.wall"
  echo "$user $sys" > "$work/$name.cpu"
}
measure python python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' < "$log"
measure policysim "$bin" replay --cloudtrail "$log" "$work/deny.json" --format json --quiet
head -c 300 "$work/policysim.out"
echo
seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' "$1"; }
py=$(seconds "$work/python.wall")
ps=$(seconds "$work/policysim.wall")
read -r pyu pys < "$work/python.cpu"
read -r psu pss < "$work/policysim.cpu"
awk -v py="$py" -v ps="$ps" -v pyu="$pyu" -v pys="$pys" -v psu="$psu" -v pss="$pss" \
  -v n="$records" 'BEGIN {
  pcpu = pyu + pys; scpu = psu + pss
  printf "policysim is %.1fx Python in wall time (target >= 3x), %.1fx in CPU time (user + sys: %.1f vs %.1f us per record)\n",
    py / ps, pcpu / scpu, pcpu * 1e6 / n, scpu * 1e6 / n
}'
