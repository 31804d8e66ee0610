#!/usr/bin/env bash
# Installs the Debian packages policysim needs to build and test, only when some are missing.
# With arguments, installs those packages instead (e.g. bench/peers/install.sh: nodejs npm).
set -euo pipefail

# Build: compiler, CMake, libraries. Tests: nginx and curl (serve integration tests); clang
# and its runtime libraries (libFuzzer, sanitizers) for the fuzz smoke run; GNU time for the
# memory limits of tests/bad_inputs; Python for the ctypes test of the shared C library and the
# token tests of serve; OpenSSL for serve --jwks (libssl-dev) and its tests (openssl); git and
# pre-commit for the test of the lint pre-commit hook (tests/lint/precommit_test.sh); PyYAML
# for the local run of the GitHub Action's steps (tests/lint/run_action.py).
packages=(g++ cmake make rapidjson-dev libsimdjson-dev libboost-dev libgtest-dev libgmock-dev libbenchmark-dev
          libfmt-dev libcli11-dev libyaml-dev zlib1g-dev libssl-dev openssl nginx curl clang
          libclang-rt-dev time python3 python3-yaml git pre-commit)
if [ $# -gt 0 ]; then
  packages=("$@")
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
