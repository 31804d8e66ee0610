#!/usr/bin/env bash
# Sets up, builds with -Werror and runs the whole test suite with ctest, then builds the tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer and runs them there too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPOLICYSIM_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPOLICYSIM_WERROR=ON -DPOLICYSIM_SANITIZE=ON \
  >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs")
