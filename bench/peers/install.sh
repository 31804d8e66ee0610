#!/usr/bin/env bash
# Installs the peer engines (package.json: @cloud-copilot/iam-simulate, @cedar-policy/cedar-wasm)
# into bench/peers/node_modules with npm, at the versions pinned in package-lock.json.
# Idempotent: does nothing when node_modules already matches the lock file.
# Installs Node.js and npm from Debian with apt when they are missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  ../../scripts/setup.sh nodejs npm
fi

# npm writes node_modules/.package-lock.json on every install; when it is newer than
# package-lock.json and package.json, the tree was installed from the current lock file.
stamp=node_modules/.package-lock.json
if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ] && [ "$stamp" -nt package.json ] \
   && npm ls --depth=0 >/dev/null 2>&1; then
  exit 0
fi
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
