#!/usr/bin/env bash
# Sets up, builds with -Werror and runs the whole test suite with ctest, then builds the tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer and runs them there too, then runs
# every libFuzzer target for a few seconds over the committed corpora (fuzz smoke).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPOLICYSIM_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs" | tee ctest.log)

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPOLICYSIM_WERROR=ON -DPOLICYSIM_SANITIZE=ON \
  >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs" | tee ctest.log)

# Fuzz smoke: each target ~5 s over fuzz/corpus after replaying fuzz/regressions; a finding or
# a build error fails the script. setup.sh installs clang and libFuzzer (libclang-rt-dev).
if command -v clang++ >/dev/null 2>&1; then
  echo "test.sh: fuzz smoke (fuzz/run.sh --smoke, build in build-fuzz)"
  FUZZ_BUILD_JOBS=$jobs fuzz/run.sh --smoke --build-dir build-fuzz
else
  echo "test.sh: clang++ not found, fuzz smoke skipped (scripts/setup.sh installs it)" >&2
fi

# The two ctest summaries again, last, so that they end the log.
echo "test.sh: Release -Werror: $(grep -h 'tests passed' build/ctest.log)"
echo "test.sh: ASan+UBSan:      $(grep -h 'tests passed' build-asan/ctest.log)"
