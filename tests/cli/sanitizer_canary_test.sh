#!/bin/sh
# Sanitizer builds only: proves that a memory error is a failure, never a deny. The binary is
# told (POLICYSIM_INJECT_FAULT, cli/fault_injection.cc) to read freed memory; AddressSanitizer
# must stop it with exit status 99 (ASAN_OPTIONS set by tests/CMakeLists.txt and
# scripts/test.sh), and each CLI check of the suite must fail on that binary rather than read
# the 99 as a decision.
#
# Usage: tests/cli/sanitizer_canary_test.sh POLICYSIM_BINARY REPO_ROOT CONFORMANCE_TESTS_BINARY
. "$(dirname "$0")/lib.sh"
conformance=$3
request=policies/requests/force_mfa--long-term-keys-list-buckets.json
cd "$root" || exit 2

run 1 "uninjected binary decides (explicit deny)" check policies/force_mfa.json --context "$request"

POLICYSIM_INJECT_FAULT=use-after-free
export POLICYSIM_INJECT_FAULT
run 99 "injected use-after-free exits 99" check policies/force_mfa.json --context "$request"
check "AddressSanitizer names the error" has "$dir/err" "heap-use-after-free"

sh tests/examples_test.sh "$bin" "$root" >"$dir/examples.log" 2>&1
check "shipped examples fail on the injected binary" [ $? -ne 0 ]
sh tests/bad_inputs/run.sh "$bin" "$root" >"$dir/bad_inputs.log" 2>&1
check "bad_inputs fails on the injected binary" [ $? -ne 0 ]
"$conformance" --gtest_filter='*CliDecidesAsAws*' >"$dir/conformance.log" 2>&1
check "CLI conformance fails on the injected binary" [ $? -ne 0 ]
finish
