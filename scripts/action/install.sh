#!/usr/bin/env bash
# Step 1 of action.yml: puts an installed policysim on the job's PATH (through $GITHUB_PATH).
# POLICYSIM_VERSION set: downloads POLICYSIM_RELEASE_URL ({version} replaced), an archive of a
# `cmake --install` prefix, into POLICYSIM_PREFIX. Unset: builds POLICYSIM_SOURCE (the action's
# checkout) in Release and installs it there; POLICYSIM_BUILD_DIR reuses a configured build.
set -euo pipefail
prefix=${POLICYSIM_PREFIX:?POLICYSIM_PREFIX is required}
mkdir -p "$prefix"
if [ -n "${POLICYSIM_VERSION:-}" ]; then
  url=${POLICYSIM_RELEASE_URL:-}
  if [ -z "$url" ]; then
    # The action's own repository, from where the runner checked it out:
    # .../_actions/OWNER/REPO/REF (github.action_repository is empty inside composite actions).
    repo=$(printf '%s\n' "${POLICYSIM_SOURCE:-}" | sed -n 's|.*/_actions/\([^/]*/[^/]*\)/[^/]*/*$|\1|p')
    if [ -z "$repo" ]; then
      echo "policysim: set release-url: cannot tell the action's repository" >&2
      exit 1
    fi
    url="https://github.com/$repo/releases/download/{version}/policysim-{version}-linux-x86_64.tar.gz"
  fi
  url=${url//\{version\}/$POLICYSIM_VERSION}
  echo "policysim: installing $POLICYSIM_VERSION from $url"
  curl -fsSL --retry 3 -o "$prefix/policysim.tar.gz" "$url"
  tar -xzf "$prefix/policysim.tar.gz" -C "$prefix"
  rm -f "$prefix/policysim.tar.gz"
else
  source=${POLICYSIM_SOURCE:?POLICYSIM_SOURCE is required without a version}
  build=${POLICYSIM_BUILD_DIR:-$prefix/build}
  echo "policysim: building from $source"
  # The build's Debian packages only (scripts/setup.sh's package-argument mode).
  "$source/scripts/setup.sh" g++ cmake make rapidjson-dev libboost-dev libfmt-dev libcli11-dev \
    libyaml-dev zlib1g-dev libssl-dev
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$source" -B "$build" -DCMAKE_BUILD_TYPE=Release -DPOLICYSIM_BUILD_TESTS=OFF
  fi
  cmake --build "$build" --target policysim -j"$(nproc)"
  # Only the command line tool and its data: the libraries and headers are not needed here.
  install -D -m 755 "$build/policysim" "$prefix/bin/policysim"
  install -D -m 644 "$source/data/iam-data.json" "$prefix/share/policysim/iam-data.json"
  install -D -m 644 "$source/data/iam-data.LICENSE.txt" \
    "$prefix/share/policysim/iam-data.LICENSE.txt"
fi
"$prefix/bin/policysim" --version
echo "$prefix/bin" >> "${GITHUB_PATH:?GITHUB_PATH is set by the runner}"
