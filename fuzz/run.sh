#!/bin/sh
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) into
# build-fuzz/ and runs each for a set time, printing the executions count per target.
#
# Usage:
#   fuzz/run.sh [SECONDS] [TARGET ...]   run each target SECONDS seconds (default 60);
#                                        fuzz/run.sh 600 is the 10-minute run per target
#   fuzz/run.sh --smoke                  CI: each target ~5 s over the committed corpus only
#   options: --no-build (reuse build-fuzz), --build-dir DIR (default build-fuzz)
#   environment: FUZZ_BUILD_JOBS=N (build parallelism, default 1: the machine is shared),
#   FUZZ_EXTRA_FLAGS="..." (extra compiler flags, e.g. -DBOOST_DISABLE_ASSERTS to fuzz past a
#   known finding; changing them rebuilds everything)
#
# The committed seeds (fuzz/corpus/TARGET) are never modified: new inputs go to
# BUILD_DIR/corpus/TARGET (kept between runs, except in --smoke). Crashes, sanitizer reports,
# timeouts and out-of-memory inputs are saved as BUILD_DIR/artifacts/TARGET/{crash,timeout,
# oom,leak}-*; turn them into regression inputs under fuzz/regressions/TARGET/ (run.sh replays
# that directory first) or into tests/bad_inputs cases. Exit status: 0 no finding, 1 a target
# found something, 2 usage or build error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
targets_all="fuzz_policy_json fuzz_request_json fuzz_arn fuzz_policy_variable
fuzz_condition_operator fuzz_date fuzz_ip fuzz_wildcard fuzz_differential"

seconds=60
smoke=0
build=1
build_dir=$root/build-fuzz
targets=
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) smoke=1; seconds=5 ;;
    --no-build) build=0 ;;
    --build-dir) shift; build_dir=$1 ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    [0-9]*) seconds=$1 ;;
    fuzz_*) targets="$targets $1" ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$targets" ] || targets=$targets_all
case $build_dir in /*) ;; *) build_dir=$(pwd)/$build_dir ;; esac

if [ "$build" -eq 1 ]; then
  if ! command -v clang++ >/dev/null 2>&1; then
    echo "run.sh: clang++ not found (Debian: apt-get install clang libclang-rt-dev)" >&2
    exit 2
  fi
  CC=clang CXX=clang++ cmake -S "$here" -B "$build_dir" \
    -DPOLICYSIM_FUZZ_EXTRA_FLAGS="${FUZZ_EXTRA_FLAGS:-}" >/dev/null || exit 2
  # -j1 by default: the machine is shared. FUZZ_BUILD_JOBS=N to go faster.
  # shellcheck disable=SC2086
  cmake --build "$build_dir" -j"${FUZZ_BUILD_JOBS:-1}" --target $targets >/dev/null || {
    echo "run.sh: build failed (rerun: cmake --build $build_dir -j1)" >&2
    exit 2
  }
fi

# Sanitizer reports abort the run so libFuzzer saves the input.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

status=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
printf '%-26s %8s %12s %10s  %s\n' target seconds executions exec/s result
for target in $targets; do
  bin=$build_dir/$target
  if [ ! -x "$bin" ]; then
    echo "run.sh: $bin is not built" >&2
    status=2
    continue
  fi
  seeds=$here/corpus/$target
  artifacts=$build_dir/artifacts/$target
  mkdir -p "$artifacts"
  if [ "$smoke" -eq 1 ]; then
    work=$logs/corpus-$target
  else
    work=$build_dir/corpus/$target
  fi
  mkdir -p "$work"
  if [ "$smoke" -eq 1 ]; then
    log=$logs/$target.log
  else
    mkdir -p "$build_dir/logs"
    log=$build_dir/logs/$target.log   # kept: the full libFuzzer output of the last run
  fi
  result=ok
  # Known findings first: every regression input must pass.
  if [ -d "$here/regressions/$target" ] && [ -n "$(ls -A "$here/regressions/$target")" ]; then
    if ! "$bin" "$here/regressions/$target"/* >"$log" 2>&1; then
      result="FAILED on fuzz/regressions/$target"
      status=1
      printf '%-26s %8s %12s %10s  %s\n' "$target" - - - "$result"
      tail -n 40 "$log" | sed 's/^/    /'
      continue
    fi
  fi
  # -timeout: one input taking longer than 25 s is a finding (a hang or super-linear case).
  "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$work" "$seeds" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  if [ "$rc" -ne 0 ]; then
    result="FINDING (exit $rc): $(grep -o "$artifacts/[^ ]*" "$log" | tail -n 1)"
    status=1
  fi
  printf '%-26s %8s %12s %10s  %s\n' "$target" "$seconds" "${execs:-?}" "${rate:-?}" "$result"
  if [ "$rc" -ne 0 ]; then
    grep -E 'ERROR|FUZZ_CHECK|SUMMARY|runtime error|#[0-9]+ 0x' "$log" | head -n 30 | sed 's/^/    /'
  fi
done
# One last line that says it all (CI logs).
count=$(echo $targets | wc -w)
case $status in
  0) echo "run.sh: $count targets, no finding" ;;
  1) echo "run.sh: FAILED: a target found something (artifacts under $build_dir/artifacts)" ;;
  *) echo "run.sh: FAILED: a target is missing (build error)" ;;
esac
exit $status
