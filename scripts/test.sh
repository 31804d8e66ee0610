#!/usr/bin/env bash
# Sets up, builds with -Werror and runs the whole test suite with ctest, then builds the tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer and runs them there too, then runs
# every libFuzzer target for a few seconds over the committed corpora (fuzz smoke).
#
# A stage that runs fewer tests than its floor fails (a green run must have run the suite), a
# sanitizer report exits 99 (never 1, the code of a deny), and the fuzz smoke is skipped only
# when asked for with POLICYSIM_SKIP_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

# Floors: the suite has ~690 Release tests (one per GoogleTest case) and ~25 sanitizer tests
# (one per test binary or script). Raise them as the suite grows.
readonly min_release_tests=1000
readonly min_sanitizer_tests=36

# run_stage BUILD_DIR FLOOR: ctest in BUILD_DIR; fails on a failed test, on "No tests were
# found" and when fewer than FLOOR tests ran.
run_stage() {
  local dir=$1 floor=$2 ran
  (cd "$dir" && ctest --output-on-failure --no-tests=error -j"$jobs" | tee ctest.log)
  ran=$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9][0-9]*\).*/\1/p' "$dir/ctest.log")
  if [ -z "$ran" ] || [ "$ran" -lt "$floor" ]; then
    echo "test.sh: $dir ran ${ran:-no} tests, expected at least $floor" >&2
    exit 1
  fi
}

# POLICYSIM_BUILD_TESTS=ON explicitly: build/ may have been configured by run-example.sh.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPOLICYSIM_WERROR=ON -DPOLICYSIM_BUILD_TESTS=ON \
  >/dev/null
cmake --build build -j"$jobs"
run_stage build "$min_release_tests"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPOLICYSIM_WERROR=ON -DPOLICYSIM_SANITIZE=ON \
  -DPOLICYSIM_BUILD_TESTS=ON >/dev/null
cmake --build build-asan -j"$jobs"
# tests/CMakeLists.txt sets the same options on every sanitizer test; exported here too for the
# processes the scripts start.
export ASAN_OPTIONS=exitcode=99:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:exitcode=99:print_stacktrace=1
run_stage build-asan "$min_sanitizer_tests"

# Fuzz smoke: each target ~5 s over fuzz/corpus after replaying fuzz/regressions; a finding or
# a build error fails the script. setup.sh installs clang and libFuzzer (libclang-rt-dev).
if [ "${POLICYSIM_SKIP_FUZZ:-0}" = 1 ]; then
  echo "test.sh: fuzz smoke SKIPPED (POLICYSIM_SKIP_FUZZ=1)" >&2
  fuzz_summary="skipped on request (POLICYSIM_SKIP_FUZZ=1)"
elif command -v clang++ >/dev/null 2>&1; then
  echo "test.sh: fuzz smoke (fuzz/run.sh --smoke, build in build-fuzz)"
  FUZZ_BUILD_JOBS=$jobs fuzz/run.sh --smoke --build-dir build-fuzz
  fuzz_summary="passed"
else
  echo "test.sh: clang++ not found, so the fuzz smoke cannot run (scripts/setup.sh installs" \
    "it; POLICYSIM_SKIP_FUZZ=1 skips it deliberately)" >&2
  exit 1
fi

# The two ctest summaries again, last, so that they end the log.
echo "test.sh: Release -Werror: $(grep -h 'tests passed' build/ctest.log)"
echo "test.sh: ASan+UBSan:      $(grep -h 'tests passed' build-asan/ctest.log)"
echo "test.sh: fuzz smoke:      $fuzz_summary"
