#!/usr/bin/env bash
# Batch end to end against iam-simulate (issue 17 item 3): times
#   policysim check policies/force_mfa.json --requests 1M.jsonl --format jsonl > /dev/null
# as a user runs it (process start, mapping, parsing, deciding and writing included), and
# @cloud-copilot/iam-simulate's in-process decision on the same force-MFA requests with the peers
# harness (bench/peers), in alternating rounds so that both see the same load. Prints a Markdown
# summary: requests/s, CPU per request, and the ratio to runSimulation (validates, then
# evaluates: the basis issue 17 uses) and to runUnsafeSimulation (evaluation only).
#
# Usage: bench/batch_e2e.sh [--quick] [--no-build]
#   --quick     3 rounds, 1 s per peer measurement (default: 5 rounds, harness defaults)
#   --no-build  use $POLICYSIM_BUILD_DIR/policysim as it is (default build dir: build)
# Environment: BATCH_LINES (default 1000000), ROUNDS, POLICYSIM_BUILD_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
quick=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --quick) quick=1 ;;
    *) echo "usage: bench/batch_e2e.sh [--quick] [--no-build]" >&2; exit 2 ;;
  esac
done
build_dir=${POLICYSIM_BUILD_DIR:-build}
lines=${BATCH_LINES:-1000000}
rounds=${ROUNDS:-5}
if [ "$quick" -eq 1 ]; then
  rounds=${ROUNDS:-3}
  export BENCH_SECONDS=${BENCH_SECONDS:-1} WARMUP_MS=${WARMUP_MS:-500}
fi

if [ "$build" -eq 1 ]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build_dir" --target policysim >/dev/null
fi
bench/peers/install.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$build_dir/policysim" "$work/policysim"
node bench/peers/scenarios.mjs write "$work/inputs" --batch-lines "$lines" >/dev/null
requests="$work/inputs/batch-force_mfa.jsonl"
policy=policies/force_mfa.json

echo "| round | load (1 min) | policysim wall s | requests/s | CPU ns/request | runSimulation us | runUnsafeSimulation us |"
echo "|---|---|---|---|---|---|---|"
: > "$work/rounds"
for round in $(seq 1 "$rounds"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  TIMEFORMAT='%3U %3S'
  start=$(date +%s.%N)
  cpu=$( { time "$work/policysim" check "$policy" --requests "$requests" --format jsonl \
           >/dev/null 2>&1 || [ $? -eq 1 ]; } 2>&1 )
  end=$(date +%s.%N)
  safe=$(node bench/peers/iam_simulate_bench.mjs force-mfa --api safe | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).timing.meanUs))')
  unsafe=$(node bench/peers/iam_simulate_bench.mjs force-mfa --api unsafe | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).timing.meanUs))')
  awk -v r="$round" -v l="$load" -v s="$start" -v e="$end" -v c="$cpu" -v n="$lines" \
      -v a="$safe" -v u="$unsafe" 'BEGIN {
    split(c, t, " "); w = e - s;
    printf "| %d | %s | %.3f | %.0f | %.0f | %.1f | %.1f |\n", r, l, w, n / w, (t[1] + t[2]) * 1e9 / n, a, u
  }'
  echo "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }') $safe $unsafe" >> "$work/rounds"
done
# Median of each column over the rounds; ratio = peer latency / policysim wall time per request.
median() { cut -d' ' -f"$1" "$work/rounds" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
best=$(cut -d' ' -f1 "$work/rounds" | sort -g | head -1)
awk -v n="$lines" -v w="$(median 1)" -v b="$best" -v a="$(median 2)" -v u="$(median 3)" \
    -v r="$rounds" 'BEGIN {
  per = w * 1e6 / n; bper = b * 1e6 / n;  # us per request
  printf "\nMedian of %d rounds: %.3f s for %d lines = %.0f requests/s (%.0f ns per request end to end)\n", r, w, n, n / w, per * 1000;
  printf "Best run: %.3f s = %.0f requests/s\n", b, n / b;
  printf "Ratio to runSimulation (median %.1f us): %.0fx (best run %.0fx)\n", a, a / per, a / bper;
  printf "Ratio to runUnsafeSimulation (median %.1f us): %.0fx (best run %.0fx)\n", u, u / per, u / bper;
}'
echo "Cores: $(nproc); load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
