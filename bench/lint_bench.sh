#!/bin/sh
# policysim lint over a generated repository: 10,000 policy files by default (identity and
# resource policies, force-MFA policies, CloudFormation YAML templates and Terraform plans, with
# a realistic share of findings), linted with all cores and with one; prints files/s.
# Target (issue 4): 10,000 files in under 2 s on the 2-core development machine.
#
# With a directory instead of a count, lints that directory as it is (nothing generated): a
# real corpus, e.g. the AWS managed policies (issue 16: 1,500 policies in under 0.5 s, no
# error-level finding; a snapshot such as MAMIP's policies/ folder, one JSON document per file).
#
# Usage: bench/lint_bench.sh [FILES | DIRECTORY]
#   POLICYSIM_BIN   the binary to measure (default: build/policysim; build it first)
#   RUNS            timed runs per configuration, median reported (default 3)
#   KEEP_REPO=1     keep the generated repository and print where it is
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
files=${1:-10000}
bin=${POLICYSIM_BIN:-$root/build/policysim}
runs=${RUNS:-3}
if [ ! -x "$bin" ]; then
  echo "lint_bench: $bin not found; build policysim or set POLICYSIM_BIN" >&2
  exit 2
fi
given_dir=
if [ -d "$files" ]; then
  given_dir=$(cd "$files" && pwd)
fi
if [ -n "$given_dir" ]; then
  repo=$given_dir
else
repo=$(mktemp -d)
if [ "${KEEP_REPO:-0}" != 1 ]; then
  trap 'rm -rf "$repo"' EXIT
fi

python3 - "$repo" "$files" <<'EOF'
import json, os, random, sys
repo, total = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261122)
actions = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "s3:Get*",
           "ec2:DescribeInstances", "ec2:StartInstances", "ec2:StopInstances", "ec2:RunInstances",
           "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "sqs:SendMessage",
           "sqs:ReceiveMessage", "lambda:InvokeFunction", "logs:PutLogEvents", "kms:Decrypt",
           "iam:PassRole", "iam:GetRole", "sns:Publish", "s3:GetObjekt", "ec2:Describe*",
           "cloudwatch:PutMetricData", "secretsmanager:GetSecretValue", "ssm:GetParameter"]
conditions = [
    None, None, None,
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}},
    {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
    {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}},
    {"StringEquals": {"aws:MultiFactorAuthAge": "900"}},
    {"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}},
]
mfa_guards = [
    ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices",
     "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"],
    ["iam:*", "sts:GetSessionToken"],
    ["iam:*MFA*", "sts:GetSessionToken", "iam:ChangePassword"],
]

def statement(i):
    s = {"Sid": "S%d" % i, "Effect": rng.choice(["Allow"] * 4 + ["Deny"]),
         "Action": rng.sample(actions, rng.randint(1, 5)),
         "Resource": rng.choice(["*", "arn:aws:s3:::bucket-%d/*" % rng.randint(1, 99),
                                 "arn:aws:dynamodb:eu-west-1:111122223333:table/t%d" % i])}
    c = rng.choice(conditions)
    if c:
        s["Condition"] = c
    return s

def identity():
    return {"Version": "2012-10-17", "Statement": [statement(i) for i in range(rng.randint(1, 6))]}

def bucket(i):
    s = {"Effect": "Allow", "Principal": rng.choice(["*", {"AWS": "arn:aws:iam::111122223333:root"}]),
         "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::site-%d/*" % i}
    if rng.random() < 0.5:
        s["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
    return {"Version": "2012-10-17", "Statement": [s]}

def force_mfa():
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "OwnUser", "Effect": "Allow", "Action": ["iam:GetUser", "iam:ChangePassword"],
         "Resource": "arn:aws:iam::*:user/${aws:username}"},
        {"Sid": "DenyWithoutMFA", "Effect": "Deny", "NotAction": rng.choice(mfa_guards),
         "Resource": "*",
         "Condition": {rng.choice(["BoolIfExists", "Bool"]): {"aws:MultiFactorAuthPresent": "false"}}}]}

def yaml_value(v, indent):
    pad = " " * indent
    if isinstance(v, dict):
        return "".join("\n%s%s:%s" % (pad, k, yaml_value(x, indent + 2)) for k, x in v.items())
    if isinstance(v, list):
        return "".join("\n%s- %s" % (pad, yaml_value(x, indent + 2).lstrip()) for x in v)
    return " " + json.dumps(v)

def template(i):
    out = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
    for r in range(rng.randint(1, 4)):
        out += "  Role%d:\n    Type: AWS::IAM::Role\n    Properties:\n" % r
        out += "      AssumeRolePolicyDocument:" + yaml_value({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
             "Action": "sts:AssumeRole"}]}, 8) + "\n"
        out += "      Policies:\n        - PolicyName: p\n          PolicyDocument:" + \
               yaml_value(identity(), 12) + "\n"
        out += "      RoleName: !Sub \"app-${AWS::Region}-%d\"\n" % r
    return out

def plan(i):
    res = [{"address": "aws_iam_policy.p%d" % k, "mode": "managed", "type": "aws_iam_policy",
            "name": "p%d" % k, "values": {"name": "p%d" % k, "policy": json.dumps(identity())}}
           for k in range(rng.randint(1, 5))]
    res.append({"address": "aws_s3_bucket_policy.b", "mode": "managed",
                "type": "aws_s3_bucket_policy", "name": "b",
                "values": {"bucket": "b", "policy": json.dumps(bucket(i))}})
    return {"format_version": "1.2", "terraform_version": "1.6.6",
            "planned_values": {"root_module": {"resources": res}}}

for i in range(total):
    # 25 teams x 20 services: 500 directories of 20 files, as a policy repository is laid out.
    d = os.path.join(repo, "team%02d" % (i % 25), "svc%02d" % ((i // 25) % 20))
    os.makedirs(d, exist_ok=True)
    kind = rng.random()
    if kind < 0.60:
        name, text = "p%05d.json" % i, json.dumps(identity(), indent=2)
    elif kind < 0.75:
        name, text = "bucket%05d.json" % i, json.dumps(bucket(i), indent=2)
    elif kind < 0.85:
        name, text = "mfa%05d.json" % i, json.dumps(force_mfa(), indent=2)
    elif kind < 0.95:
        name, text = "stack%05d.yaml" % i, template(i)
    else:
        name, text = "plan%05d.json" % i, json.dumps(plan(i))
    with open(os.path.join(d, name), "w") as f:
        f.write(text + "\n")
EOF
fi

# Runs the linter RUNS times; prints the median wall time and the median CPU time (user +
# system, all threads) in seconds. The CPU time says what the run costs when other jobs share
# the machine; the wall time is what the target is about.
measure() {
  python3 - "$runs" "$@" <<'EOF'
import resource, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
walls, cpus = [], []
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    walls.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        sys.exit("lint_bench: policysim lint exited %d" % done.returncode)
print("%.3f %.3f" % (sorted(walls)[len(walls) // 2], sorted(cpus)[len(cpus) // 2]))
EOF
}

report=$(mktemp)
"$bin" lint --format json "$repo" > "$report" || true  # warm the page cache
summary=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['summary']; \
print(d['files'], d['policies'], d['error'] + d['security'] + d['warning'] + d['suggestion'], \
  d['error'])" "$report")
rm -f "$report"
set -- $summary
linted=$1 policies=$2 findings=$3 errors=$4
cores=$(nproc)
set -- $(measure "$bin" lint --format json "$repo")
all=$1 all_cpu=$2
set -- $(measure "$bin" lint -j 1 --format json "$repo")
one=$1 one_cpu=$2
rate() { python3 -c "print(f'{$1 / $2:,.0f}')"; }
echo "lint_bench: $linted files, $policies policies, $findings findings ($cores cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  -j $cores: $all s wall (median of $runs) = $(rate "$linted" "$all") files/s; CPU $all_cpu s"
echo "  -j 1: $one s wall (median of $runs) = $(rate "$linted" "$one") files/s; CPU $one_cpu s"
if [ -n "$given_dir" ]; then
  # Issue 16's pace: 1,500 policies in 0.5 s, scaled to the corpus; and no error-level finding.
  echo "  $errors error-level findings; target: $linted files in under" \
    "$(python3 -c "print(f'{0.5 * $linted / 1500:.2f}')") s wall and no error:" \
    "$(python3 -c "print('met' if $all < 0.5 * $linted / 1500 and $errors == 0 else 'NOT met')")"
else
  echo "  target: $files files in under 2 s wall: $(python3 -c "print('met' if $all < 2 else 'NOT met')")"
fi
if [ "${KEEP_REPO:-0}" = 1 ]; then
  echo "  repository kept in $repo"
fi
