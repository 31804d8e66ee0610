#!/usr/bin/env bash
# Side by side, in one run on this machine: policysim (Google Benchmark in-process numbers and
# batch mode end to end) against @cloud-copilot/iam-simulate and @cedar-policy/cedar-wasm, on
# the same scenarios and the same requests (bench/peers/scenarios.mjs, which mirrors
# bench/bench_inputs.cc). Prints a Markdown table, writes it to bench/results/latest.md (raw
# numbers in bench/results/latest.json) and plots decisions/s against N to
# bench/results/scaling.svg with gnuplot. See bench/README.md.
#
# Usage: bench/compare.sh [--no-build] [--quick]
#   --no-build  use the policysim binaries already in $POLICYSIM_BUILD_DIR (default build-bench)
#               instead of building them (incremental CMake Release build, as bench/run.sh does)
#   --quick     shorter runs (100,000 batch lines, 1 s per peer measurement, no GB repetitions,
#               the peers on the shapes at N = 10 and 1,000 only, on the scaling scenario up to
#               N = 10,000) for trying the script out; numbers are noisier
# Environment: PEER_TIMEOUT_S (hard cap per peer process, default 60), PEER_BUDGET_S (soft
# budget after which a peer stops measuring, default 50), BENCH_SECONDS, WARMUP_MS,
# BATCH_LINES (default 1000000), SCALING_SIZES (default "10 100 1000 10000 100000"),
# SHAPE_SIZES (policysim batch over the shapes of issue 17, default and at most "10 1000 100000",
# the sizes scenarios.mjs writes),
# PEER_SHAPE_SIZES (the peers on those shapes, default SHAPE_SIZES; "10 1000" with --quick),
# SHAPE_PEER_TIMEOUT_S (hard cap per peer process on one shape and N, default 150),
# PEER_SCALING_SIZES (the peers on the scaling scenario, default SCALING_SIZES; without
# 100000 with --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

build=1
quick=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --quick) quick=1 ;;
    *) echo "usage: bench/compare.sh [--no-build] [--quick]" >&2; exit 2 ;;
  esac
done

build_dir=${POLICYSIM_BUILD_DIR:-build-bench}
peer_timeout=${PEER_TIMEOUT_S:-60}
export PEER_BUDGET_S=${PEER_BUDGET_S:-50}
batch_lines=${BATCH_LINES:-1000000}
sizes=${SCALING_SIZES:-"10 100 1000 10000 100000"}
peer_scaling_sizes=${PEER_SCALING_SIZES:-$sizes}
shape_sizes=${SHAPE_SIZES:-"10 1000 100000"}
peer_shape_sizes=${PEER_SHAPE_SIZES:-$shape_sizes}
shape_peer_timeout=${SHAPE_PEER_TIMEOUT_S:-150}
gb_flags=(--benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
if [ "$quick" -eq 1 ]; then
  batch_lines=${BATCH_LINES:-100000}
  export BENCH_SECONDS=${BENCH_SECONDS:-1} WARMUP_MS=${WARMUP_MS:-500}
  gb_flags=(--benchmark_min_time=0.2)
  # The peers take seconds per decision and Cedar tens of seconds to preparse at N = 100,000:
  # --quick leaves that N to the full run.
  peer_scaling_sizes=${PEER_SCALING_SIZES:-$(for n in $sizes; do if [ "$n" -lt 100000 ]; then echo -n "$n "; fi; done)}
  peer_shape_sizes=${PEER_SHAPE_SIZES:-"10 1000"}
fi

as_root() {
  if [ "$(id -u)" -ne 0 ]; then sudo "$@"; else "$@"; fi
}

# --- 1. tools: policysim, the peers, gnuplot ---
if [ "$build" -eq 1 ]; then
  scripts/setup.sh
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DPOLICYSIM_BUILD_TESTS=OFF \
    -DPOLICYSIM_BUILD_BENCH=ON >/dev/null
  cmake --build "$build_dir" -j"$(nproc)" --target policysim_bench policysim
fi
for f in "$build_dir/policysim" "$build_dir/bench/policysim_bench"; do
  [ -x "$f" ] || { echo "compare: $f is missing (run without --no-build)" >&2; exit 2; }
done
bench/peers/install.sh
if ! command -v gnuplot >/dev/null; then
  echo "compare: installing gnuplot-nox" >&2
  export DEBIAN_FRONTEND=noninteractive
  { as_root apt-get update -qq && as_root apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null; } \
    || echo "compare: could not install gnuplot; the plot will be skipped" >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Snapshot the binaries so that a rebuild during the run cannot change what is measured.
cp "$build_dir/policysim" "$work/policysim"
cp "$build_dir/bench/policysim_bench" "$work/policysim_bench"
raw="$work/raw"
mkdir -p "$raw" bench/results
inputs="$work/inputs"

{
  echo "{\"date\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
  echo "\"cpu\":\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')\","
  echo "\"cores\":$(nproc),"
  echo "\"loadStart\":\"$(cut -d' ' -f1-3 /proc/loadavg)\","
  echo "\"node\":\"$(node --version)\","
  echo "\"commit\":\"$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- engine grammar cli 2>/dev/null || echo ' + uncommitted changes')\","
  echo "\"binary\":\"$build_dir/policysim built $(date -u -r "$build_dir/policysim" +%Y-%m-%dT%H:%M:%SZ)\","
  # Stale: built before the newest commit that changed what goes into the binaries.
  sources_changed=$(git log -1 --format=%ct -- engine grammar cli bench/*.cc bench/*.h \
    CMakeLists.txt cmake 2>/dev/null || echo 0)
  echo "\"binaryOlderThanHead\":$([ "$(date -r "$build_dir/policysim" +%s)" -lt "${sources_changed:-0}" ] && echo true || echo false),"
  echo "\"niceness\":$(nice),"
  echo "\"batchLines\":$batch_lines,"
  echo "\"peerTimeoutS\":$peer_timeout,"
  echo "\"shapePeerTimeoutS\":$shape_peer_timeout,"
  echo "\"shapeSizes\":[$(echo $shape_sizes | tr ' ' ',')],"
  echo "\"peerShapeSizes\":[$(echo $peer_shape_sizes | tr ' ' ',')],"
  echo "\"peerScalingSizes\":[$(echo $peer_scaling_sizes | tr ' ' ',')],"
  echo "\"quick\":$([ "$quick" -eq 1 ] && echo true || echo false),"
  echo "\"peerBudgetS\":$PEER_BUDGET_S}"
} > "$raw/env.json"

echo "compare: generating scenario inputs" >&2
node bench/peers/scenarios.mjs write "$inputs" --batch-lines "$batch_lines"

# --- 2. policysim: Google Benchmark (in-process) ---
echo "compare: policysim Google Benchmark" >&2
"$work/policysim_bench" \
  --benchmark_filter='^BM_Evaluate_ForceMfa$|^BM_Evaluate_ForceMfaPrepared$|^BM_Evaluate_ForceMfaWithJson$|^BM_Evaluate_Scaling|^BM_Compile_|^BM_RequestJson_Parse$|^BM_Shape_' \
  "${gb_flags[@]}" --benchmark_format=json --benchmark_out="$raw/gbench.json" \
  --benchmark_out_format=json >/dev/null

# --- 3. policysim: batch mode end to end ---
# As a user runs it: a large file is decided on every core (CPU time > wall time).
# bench/batch_e2e.sh repeats this run alternately with iam-simulate (issue 17 item 3).
# run_batch POLICY REQUESTS -> "WALL_SECONDS CPU_SECONDS" for one process (CPU = user +
# system), output discarded; exit 2 is an error.
run_batch() {
  local start end status cpu TIMEFORMAT='%3U %3S'
  start=$(date +%s.%N)
  set +e
  cpu=$( { time "$work/policysim" check "$1" --requests "$2" --format jsonl >/dev/null 2>&1; } 2>&1 )
  status=$?
  set -e
  end=$(date +%s.%N)
  if [ "$status" -ge 2 ]; then
    echo "compare: policysim check $1 --requests $2 failed (exit $status)" >&2
    exit 1
  fi
  awk -v s="$start" -v e="$end" -v c="$cpu" 'BEGIN { split(c, t, " "); printf "%.6f %.3f\n", e - s, t[1] + t[2] }'
}
# setup_time POLICY -> best of 3 runs with no requests (process start + read + parse + compile)
setup_time() {
  local best="" t
  : > "$work/empty.jsonl"
  for _ in 1 2 3; do
    t=$(run_batch "$1" "$work/empty.jsonl" | cut -d' ' -f1)
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
  done
  echo "$best"
}
# decisions POLICY REQUESTS -> JSON array of the decisions policysim writes
decisions() {
  set +e
  "$work/policysim" check "$1" --requests "$2" --format jsonl --quiet > "$work/decisions.jsonl"
  set -e
  node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").split("\n").filter(Boolean);
           console.log(JSON.stringify(l.map(x=>JSON.parse(x).decision ?? "error")))' "$work/decisions.jsonl"
}

echo "compare: policysim batch, force_mfa, $batch_lines lines" >&2
policy="$root/policies/force_mfa.json"
read -r secs cpu < <(run_batch "$policy" "$inputs/batch-force_mfa.jsonl")
[ -n "$cpu" ] || exit 1
echo "{\"engine\":\"policysim-batch\",\"scenario\":\"force_mfa\",\"lines\":$batch_lines,\"bytes\":$(wc -c < "$inputs/batch-force_mfa.jsonl"),\"seconds\":$secs,\"cpuSeconds\":$cpu,\"setupSeconds\":$(setup_time "$policy"),\"decisions\":$(decisions "$policy" "$inputs/force_mfa.jsonl")}" >> "$raw/policysim.jsonl"
rm -f "$inputs/batch-force_mfa.jsonl"
echo "{\"engine\":\"policysim\",\"scenario\":\"agreement\",\"decisions\":$(decisions "$policy" "$inputs/agreement.jsonl")}" >> "$raw/policysim.jsonl"

for n in $sizes; do
  policy="$inputs/scaling-$n.json"
  setup=$(setup_time "$policy")
  for which in last none; do
    echo "compare: policysim batch, scaling N=$n ($which), $batch_lines lines" >&2
    node bench/peers/scenarios.mjs repeat "$work/batch.jsonl" "$inputs/scaling-$n-$which.jsonl" "$batch_lines"
    read -r secs cpu < <(run_batch "$policy" "$work/batch.jsonl")
    [ -n "$cpu" ] || exit 1
    echo "{\"engine\":\"policysim-batch\",\"scenario\":\"scaling\",\"n\":$n,\"request\":\"$which\",\"lines\":$batch_lines,\"bytes\":$(wc -c < "$work/batch.jsonl"),\"seconds\":$secs,\"cpuSeconds\":$cpu,\"setupSeconds\":$setup,\"decisions\":$(decisions "$policy" "$inputs/scaling-$n-$which.jsonl")}" >> "$raw/policysim.jsonl"
    rm -f "$work/batch.jsonl"
  done
done

# --- 4. the peers, one process per engine x scenario, each capped at $peer_timeout s ---
# peer NAME ARGS... : runs node bench/peers/NAME ARGS, appends its JSON (or a timeout/error
# record) to raw/peers.jsonl; returns 1 on timeout so larger N can be skipped.
peer() {
  local script=$1 status
  shift
  echo "compare: $script $*" >&2
  set +e
  timeout "$peer_timeout" node "bench/peers/$script" "$@" > "$work/peer.json" 2> "$work/peer.err"
  status=$?
  set -e
  if [ "$status" -eq 0 ]; then
    cat "$work/peer.json" >> "$raw/peers.jsonl"
    return 0
  fi
  # A shape process emits one line per request: keep those it finished before failing.
  cat "$work/peer.json" >> "$raw/peers.jsonl"
  local reason="error"
  [ "$status" -eq 124 ] && reason="timeout"
  [ "$reason" = error ] && sed 's/^/  /' "$work/peer.err" | tail -5 >&2
  node -e 'const [script, reason, ...args] = process.argv.slice(1);
    const engine = script.startsWith("cedar") ? "cedar-wasm" : "iam-simulate";
    const r = { engine, failed: reason, args };
    if (args[0] === "scaling") Object.assign(r, { scenario: "scaling", n: Number(args[1]), request: args[2] });
    else if (args[0] === "shape") Object.assign(r, { scenario: "shape", shape: args[1], n: Number(args[2]) });
    else r.scenario = args[0] === "force-mfa" ? "force_mfa" : args[0];
    const i = args.indexOf("--api"); if (i >= 0) r.api = args[i + 1];
    console.log(JSON.stringify(r));' "$script" "$reason" "$@" >> "$raw/peers.jsonl"
  [ "$reason" = timeout ] && return 1
  return 0
}

peer iam_simulate_bench.mjs agreement --api safe || true
peer iam_simulate_bench.mjs agreement --api unsafe || true
peer cedar_bench.mjs agreement || true
peer iam_simulate_bench.mjs force-mfa --api safe || true
peer iam_simulate_bench.mjs force-mfa --api unsafe || true
peer cedar_bench.mjs force-mfa --api stateful || true
peer cedar_bench.mjs force-mfa --api stateless || true
for script in iam_simulate_bench.mjs cedar_bench.mjs; do
  engine=iam-simulate
  [ "$script" = cedar_bench.mjs ] && engine=cedar-wasm
  for which in last none; do
    skip=0
    for n in $sizes; do
      if ! [[ " $peer_scaling_sizes " == *" $n "* ]]; then
        echo "{\"engine\":\"$engine\",\"scenario\":\"scaling\",\"n\":$n,\"request\":\"$which\",\"failed\":\"not run\"}" \
          >> "$raw/peers.jsonl"
        continue
      fi
      if [ "$skip" -eq 1 ]; then
        echo "{\"engine\":\"$engine\",\"scenario\":\"scaling\",\"n\":$n,\"request\":\"$which\",\"failed\":\"skipped\"}" \
          >> "$raw/peers.jsonl"
        continue
      fi
      peer "$script" scaling "$n" "$which" || skip=1
    done
  done
done

# --- 4b. the shapes of issue 17 (scenarios.mjs SHAPES, bench_inputs.h Shape) ---
# policysim batch: the one request repeated, per shape, N and request; the peers: one process
# per engine x shape x N deciding both requests (setup done once), slow calls sampled
# (harness.mjs measureOrSample), a timeout skipping the larger N of that engine and shape.
shapes="literal prefix resources tags mixed"
for shape in $shapes; do
  for n in $shape_sizes; do
    policy="$inputs/shape-$shape-$n.json"
    setup=$(setup_time "$policy")
    for which in last none; do
      echo "compare: policysim batch, shape $shape N=$n ($which), $batch_lines lines" >&2
      node bench/peers/scenarios.mjs repeat "$work/batch.jsonl" "$inputs/shape-$shape-$n-$which.jsonl" "$batch_lines"
      read -r secs cpu < <(run_batch "$policy" "$work/batch.jsonl")
      [ -n "$cpu" ] || exit 1
      echo "{\"engine\":\"policysim-batch\",\"scenario\":\"shape\",\"shape\":\"$shape\",\"n\":$n,\"request\":\"$which\",\"lines\":$batch_lines,\"bytes\":$(wc -c < "$work/batch.jsonl"),\"seconds\":$secs,\"cpuSeconds\":$cpu,\"setupSeconds\":$setup,\"decisions\":$(decisions "$policy" "$inputs/shape-$shape-$n-$which.jsonl")}" >> "$raw/policysim.jsonl"
      rm -f "$work/batch.jsonl"
    done
  done
done
for script in iam_simulate_bench.mjs cedar_bench.mjs; do
  engine=iam-simulate
  [ "$script" = cedar_bench.mjs ] && engine=cedar-wasm
  for shape in $shapes; do
    skip=0
    for n in $shape_sizes; do
      if ! [[ " $peer_shape_sizes " == *" $n "* ]]; then
        echo "{\"engine\":\"$engine\",\"scenario\":\"shape\",\"shape\":\"$shape\",\"n\":$n,\"failed\":\"not run\"}" >> "$raw/peers.jsonl"
      elif [ "$skip" -eq 1 ]; then
        echo "{\"engine\":\"$engine\",\"scenario\":\"shape\",\"shape\":\"$shape\",\"n\":$n,\"failed\":\"skipped\"}" >> "$raw/peers.jsonl"
      else
        peer_timeout=$shape_peer_timeout PEER_BUDGET_S=$((shape_peer_timeout - 10)) \
          peer "$script" shape "$shape" "$n" || skip=1
      fi
    done
  done
done

# --- 5. report and plot ---
sed -i "s/}\$/,\"loadEnd\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}/" "$raw/env.json"
cp "$inputs/manifest.json" "$raw/manifest.json"
node bench/peers/report.mjs "$raw" bench/results
if command -v gnuplot >/dev/null; then
  gnuplot -e "datafile='bench/results/scaling.dat'; outfile='bench/results/scaling.svg'" bench/plot.gnuplot
  echo "compare: plot written to bench/results/scaling.svg" >&2
fi
echo "compare: table written to bench/results/latest.md" >&2
