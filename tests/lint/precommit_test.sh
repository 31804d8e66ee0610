#!/bin/sh
# The pre-commit hook of .pre-commit-hooks.yaml, run by Debian's pre-commit on a real git
# repository against an installed policysim (cmake --install into a temporary prefix, on PATH):
# a commit with a bad policy is refused, a good one goes through. Offline: the hook repository
# is a local git repository, and language: system needs no environment.
# Usage: precommit_test.sh BUILD_DIR REPO_ROOT
build=$1
root=$(cd "$2" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0
failed=0
check() {  # check NAME CONDITION...
  name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
if ! command -v pre-commit > /dev/null || ! command -v git > /dev/null; then
  echo "FAIL: pre-commit and git are needed (scripts/setup.sh installs them)"
  echo "0 passed, 1 failed"
  exit 1
fi

cmake --install "$build" --prefix "$dir/prefix" > "$dir/install.log" 2>&1
check "cmake --install" [ -x "$dir/prefix/bin/policysim" ]
# Only the installed binary: no build or source tree on PATH.
PATH="$dir/prefix/bin:/usr/local/bin:/usr/bin:/bin"
export PATH
# A private home and pre-commit cache; a fixed identity for the commits.
HOME="$dir/home"
PRE_COMMIT_HOME="$dir/cache"
GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com
GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com
export HOME PRE_COMMIT_HOME GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global safe.directory '*'

# The hook repository: this repository's .pre-commit-hooks.yaml, committed.
hooks="$dir/hooks"
mkdir -p "$hooks"
cp "$root/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q && git -C "$hooks" add -A && git -C "$hooks" commit -qm hooks
rev=$(git -C "$hooks" rev-parse HEAD)

# A project using it.
project="$dir/project"
mkdir -p "$project/policies"
cd "$project" || exit 1
git init -q
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: policysim-lint
YAML
git add .pre-commit-config.yaml && git commit -qm "pre-commit config"
pre-commit install > "$dir/install-hook.log" 2>&1
check "pre-commit install" [ -x .git/hooks/pre-commit ]

cat > policies/admin.json <<'JSON'
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
JSON
git add policies/admin.json
git commit -m "bad policy" > "$dir/bad.log" 2>&1
check "a commit with a bad policy is refused" [ $? -ne 0 ]
check "the hook ran and reported the finding" grep -q "PS303" "$dir/bad.log"
check "nothing was committed" [ "$(git rev-list --count HEAD)" -eq 1 ]

cat > policies/admin.json <<'JSON'
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
JSON
printf 'name: ci\non: push\n' > ci.yaml  # a YAML file that is no template: skipped
git add policies/admin.json ci.yaml
git commit -m "good policy" > "$dir/good.log" 2>&1
check "a commit with a good policy goes through" [ $? -eq 0 ]
check "the hook passed" grep -q "policysim lint.*Passed" "$dir/good.log"
check "committed" [ "$(git rev-list --count HEAD)" -eq 2 ]

if [ "$failed" -ne 0 ]; then
  for log in install bad good; do echo "--- $log.log"; cat "$dir/$log.log" 2>/dev/null; done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
