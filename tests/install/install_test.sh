#!/usr/bin/env bash
# cmake --install into a temporary prefix, then configure, build and run examples/consumer
# (C++ and C) against the installed policysim package, as another project would.
# Usage: install_test.sh BUILD_DIR REPO_ROOT [EXTRA_COMPILE_AND_LINK_FLAGS]
set -uo pipefail
build=$1
root=$2
flags=${3:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0
failed=0
check() {  # check NAME COMMAND...
  local name=$1
  shift
  if "$@" > "$dir/out" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
    tail -30 "$dir/out"
  fi
}

check "cmake --install" cmake --install "$build" --prefix "$dir/prefix"
check "config installed" test -f "$dir/prefix/lib/cmake/policysim/policysimConfig.cmake"
check "public header installed" test -f "$dir/prefix/include/policysim/engine/policysim.h"
check "C header installed" test -f "$dir/prefix/include/policysim/engine/c/policysim.h"
check "internal headers not installed" test ! -e "$dir/prefix/include/policysim/engine/internal"
check "configure consumer" cmake -S "$root/examples/consumer" -B "$dir/consumer" \
  -DCMAKE_PREFIX_PATH="$dir/prefix" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags"
check "build consumer" cmake --build "$dir/consumer" -j1
check "C++ consumer decides force_mfa.json" "$dir/consumer/consumer" "$root/policies/force_mfa.json"
grep -q "without MFA: explicitDeny" "$dir/out" || { failed=$((failed + 1)); echo "FAIL: output"; cat "$dir/out"; }
check "C consumer decides force_mfa.json" "$dir/consumer/consumer_c" "$root/policies/force_mfa.json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
