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
check "only the listed headers installed (no compiled/json internals)" \
  test ! -e "$dir/prefix/include/policysim/engine/request_facts.h" -a \
  ! -e "$dir/prefix/include/policysim/lint/checker.h"
# Every installed header compiles on its own against the installed tree alone: the list is
# complete (nothing it includes is missing) and each header is self-contained.
for header in $(cd "$dir/prefix/include/policysim" && find . -name '*.h' | sort); do
  case $header in
    */c/*) printf '#include "%s"\n' "${header#./}" > "$dir/one.c"
           check "header $header alone (C)" cc -std=c11 -fsyntax-only \
             -I"$dir/prefix/include/policysim" "$dir/one.c" ;;
    *) printf '#include "%s"\n' "${header#./}" > "$dir/one.cc"
       check "header $header alone" c++ -std=c++20 -fsyntax-only \
         -I"$dir/prefix/include/policysim" "$dir/one.cc" ;;
  esac
done
# The shared C library, with its versioned soname, loads from the installed prefix alone (what a
# cgo/Rust/ctypes embedder does); the ctypes test runs against the installed file.
check "shared C library installed with its soname" \
  sh -c 'objdump -p "$1/prefix/lib/libpolicysim_c.so.0" | grep -q "SONAME *libpolicysim_c.so.0"' _ "$dir"
if [ -z "$flags" ]; then  # (a sanitizer build's library needs its runtime preloaded)
  check "installed shared C library works through ctypes" \
    python3 "$root/tests/c_api/ctypes_test.py" "$dir/prefix/lib/libpolicysim_c.so.0" "$root/policies"
fi
# The installed program finds its service data under the prefix, relative to itself, never in
# the source tree: copy the prefix elsewhere (as if installed there and the build and source
# trees were gone), run lint and mfa-audit from an empty directory, then take the installed
# data away and see it fail.
cp -R "$dir/prefix" "$dir/moved"
mkdir "$dir/empty"
cp "$root/policies/force_mfa.json" "$dir/empty/policy.json"
run_installed() {  # run_installed COMMAND ARGS...: the moved program, from an empty directory
  (cd "$dir/empty" && env -u POLICYSIM_IAM_DATA "$dir/moved/bin/policysim" "$@")
}
check "installed data under share/policysim" test -f "$dir/moved/share/policysim/iam-data.json"
check "installed lint runs on installed data" run_installed lint policy.json
run_installed mfa-audit policy.json >"$dir/audit.out" 2>&1
check "installed mfa-audit runs on installed data (exit $?)" test $? -ne 2
rm "$dir/moved/share/policysim/iam-data.json"
run_installed lint policy.json >"$dir/lint.out" 2>&1
status=$?
check "without the installed data, lint fails (exit $status) and says why" \
  sh -c '[ "$1" -eq 2 ] && grep -q "no IAM data file" "$2"' _ "$status" "$dir/lint.out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
