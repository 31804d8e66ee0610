#!/usr/bin/env bash
# Sets up, builds policysim (Release) and runs `policysim check` on the shipped force-MFA
# policy for an IAM user calling with long-term access keys (no MFA keys in the request).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Tests are not turned off here: build/ is shared with scripts/test.sh, and a cached OFF would
# leave that script with nothing to run. Only the policysim target is built.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target policysim -j"$(nproc)"
set +e
build/policysim check policies/force_mfa.json \
  --context policies/requests/force_mfa--long-term-keys-list-buckets.json
status=$?
set -e
echo "(exit status $status: 0 allowed, 1 denied, 2 input error)"
