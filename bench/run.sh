#!/usr/bin/env bash
# Runs policysim's benchmarks: Google Benchmark suites (evaluate, scaling, compile, request
# JSON) and the end-to-end batch mode over 1,000,000 force_mfa requests.
# Usage: bench/run.sh [extra Google Benchmark flags, e.g. --benchmark_filter=Scaling]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DPOLICYSIM_BUILD_TESTS=OFF \
  -DPOLICYSIM_BUILD_BENCH=ON >/dev/null
cmake --build build-bench -j"$(nproc)" --target policysim_bench policysim
echo "compiler: $(c++ --version | head -1); flags: -O3 (CMake Release)"
build-bench/bench/policysim_bench "$@"

# End to end: JSON Lines in, one decision per line out (request parsing included).
requests=$(mktemp)
trap 'rm -f "$requests"' EXIT
lines=(
'{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:ListAllMyBuckets","resource":"*","context":{"aws:username":"alice","aws:CurrentTime":"2026-11-22T10:00:00Z"}}'
'{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:CreateAccessKey","resource":"arn:aws:iam::111122223333:user/alice","context":{"aws:username":"alice","aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":300}}'
'{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:EnableMFADevice","resource":"arn:aws:iam::111122223333:user/alice","context":{"aws:username":"alice","aws:MultiFactorAuthPresent":false}}'
'{"principal":"arn:aws:iam::111122223333:user/alice","action":"ec2:DescribeInstances","resource":"*","context":{"aws:username":"alice","aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":60}}'
)
for _ in $(seq 1 250000); do printf '%s\n' "${lines[@]}"; done > "$requests"
count=$(wc -l < "$requests")
bytes=$(wc -c < "$requests")
start=$(date +%s.%N)
build-bench/policysim check policies/force_mfa.json --requests "$requests" --format jsonl \
  > /dev/null || true
end=$(date +%s.%N)
awk -v n="$count" -v b="$bytes" -v s="$start" -v e="$end" 'BEGIN {
  t = e - s; printf "batch end-to-end: %d requests (%.0f bytes avg) in %.3f s = %.0f requests/s, %.2f us/request\n",
  n, b / n, t, n / t, t * 1e6 / n }'
