#!/usr/bin/env bash
# Cold load (issue 17 item 2): `policysim check POLICY --requests EMPTY` (process start, read,
# parse, compile: the "CLI with 0 requests" of bench/compare.sh) against Python's
# `json.load` of the same file, on large generated policies:
#   sid16m      100,000 statements (16 MB), each with a Sid, an action, its own bucket's
#               objects as resource and a StringEquals tag condition (issue 17's 16 MB policy)
#   literal, prefix, resources, tags, mixed
#               the 100,000-statement shapes of issue 17's table (the same text as
#               bench/bench_inputs.cc shapePolicyText)
# Each file: RUNS runs of each command, alternated (policysim, python, policysim, ...) so that
# load from other processes hits both alike; median wall time (the target's measure), median
# CPU time (user + system of all threads, from wait4: steadier than wall time on a shared
# machine) and peak RSS (ru_maxrss) of each, and their ratios. The files are generated into a
# temporary directory, never committed.
#
# Usage: bench/cold_load.sh [POLICYSIM_BINARY] [RUNS]   (default build/policysim, 7)
# PYTHON overrides the interpreter (default: /usr/bin/python3 if present, else python3 resolved
# past any version-manager shim, whose own start-up would be charged to Python).
# SHAPES overrides the list of files (e.g. SHAPES="sid16m mixed").
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-build/policysim}
runs=${2:-7}
shapes=${SHAPES:-"sid16m literal prefix resources tags mixed"}
if [ -z "${PYTHON:-}" ]; then
  if [ -x /usr/bin/python3 ]; then
    PYTHON=/usr/bin/python3
  else
    PYTHON=$(python3 -c 'import sys; print(sys.executable)')
  fi
fi
[ -x "$binary" ] || { echo "cold_load: no binary at $binary (build the policysim target)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$PYTHON" - "$work" $shapes <<'EOF'
# Generators: the shapes mirror bench/bench_inputs.cc (shapeStatement), byte for byte.
import sys

work, shapes = sys.argv[1], sys.argv[2:]
N = 100000

def shape_statement(shape, i):
    action, resource, condition = "s3:GetObject", "*", None
    if shape == "literal":
        action = f"ec2:Op{i}"
    elif shape == "prefix":
        action = f"ec2:Op{i}*"
    elif shape == "resources":
        resource = f"arn:aws:s3:::tenant-{i}/*"
    elif shape == "tags":
        resource = "arn:aws:s3:::shared/*"
        condition = f"team{i}"
    elif shape == "mixed":
        action = f"ec2:Op{i}" + ("*" if i % 7 == 0 else "")
        resource = f"arn:aws:ec2:us-east-1:111122223333:instance/i-{i}"
        condition = f"team{i % 10}"
    text = f'{{"Sid":"S{i}","Effect":"Allow","Action":"{action}","Resource":"{resource}"'
    if condition is not None:
        text += f',"Condition":{{"StringEquals":{{"aws:PrincipalTag/team":"{condition}"}}}}'
    return text + "}"

def sid16m_statement(i):
    return (f'{{"Sid":"Tenant{i}","Effect":"Allow","Action":"s3:GetObject",'
            f'"Resource":"arn:aws:s3:::tenant-{i}/*",'
            f'"Condition":{{"StringEquals":{{"aws:PrincipalTag/team":"team{i % 100}"}}}}}}')

for shape in shapes:
    if shape == "sid16m":
        statements = (sid16m_statement(i) for i in range(N))
    else:
        statements = (shape_statement(shape, i) for i in range(N))
    with open(f"{work}/{shape}.json", "w") as out:
        out.write('{"Version":"2012-10-17","Statement":[' + ",".join(statements) + "]}")
EOF
: > "$work/empty.jsonl"

echo "cold_load: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$binary ($(git rev-parse --short HEAD 2>/dev/null || echo '?')), $("$PYTHON" --version 2>&1) ($PYTHON), $runs runs each"
"$PYTHON" - "$work" "$binary" "$PYTHON" "$runs" $shapes <<'EOF'
import os, statistics, subprocess, sys, time

work, binary, python, runs, shapes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]

def run(argv):
    """Wall seconds, CPU seconds (user + system, all threads) and peak RSS (MiB) of one run;
    its output is discarded."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    err = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):  # check exits 1 when something is denied; none here
        sys.exit(f"cold_load: {argv} failed ({child.returncode}): {err[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024

print("| file | MB | policysim check: wall ms, median (min-max) | python json.load: wall ms | "
      "policysim / python, wall | CPU ms, policysim / python | peak RSS MiB, policysim / python |")
print("|---|---|---|---|---|---|---|")
for shape in shapes:
    path = f"{work}/{shape}.json"
    ours = [binary, "check", path, "--requests", f"{work}/empty.jsonl", "--format", "jsonl"]
    theirs = [python, "-c", "import json,sys; json.load(open(sys.argv[1]))", path]
    wall = {"ours": [], "theirs": []}
    cpu = {"ours": [], "theirs": []}
    rss = {"ours": [], "theirs": []}
    for _ in range(runs):
        for name, argv in (("ours", ours), ("theirs", theirs)):
            w, c, peak = run(argv)
            wall[name].append(w)
            cpu[name].append(c)
            rss[name].append(peak)
    median = {name: statistics.median(values) * 1e3 for name, values in wall.items()}
    spread = {name: f"{min(v) * 1e3:.0f}-{max(v) * 1e3:.0f}" for name, v in wall.items()}
    cpus = {name: statistics.median(values) * 1e3 for name, values in cpu.items()}
    print(f"| {shape} | {os.path.getsize(path) / 1e6:.1f} | {median['ours']:.0f} ({spread['ours']}) | "
          f"{median['theirs']:.0f} ({spread['theirs']}) | **{median['ours'] / median['theirs']:.2f}** "
          f"({median['theirs'] / median['ours']:.2f}x faster) | {cpus['ours']:.0f} / {cpus['theirs']:.0f} "
          f"({cpus['theirs'] / cpus['ours']:.2f}x) | {max(rss['ours']):.0f} / {max(rss['theirs']):.0f} |",
          flush=True)
EOF
echo "cold_load: done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
