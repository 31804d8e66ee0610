#!/bin/sh
# The GitHub Action (action.yml) run locally: its steps, as tests/lint/run_action.py runs them
# like a runner, with PATH holding no policysim until the install step adds one. Installs by
# building (reusing BUILD_DIR) and from a release archive (a file:// URL), then lints a bad and
# a clean repository: SARIF written, exit-code output, the job failing only on blocking findings.
# Usage: action_test.sh BUILD_DIR REPO_ROOT
build=$(cd "$1" && pwd)
root=$(cd "$2" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
RUNNER_TEMP_PARENT="$dir/tmp"
export RUNNER_TEMP_PARENT
mkdir -p "$RUNNER_TEMP_PARENT"
passed=0
failed=0
check() {  # check NAME CONDITION...
  name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
runner="$root/tests/lint/run_action.py"
PATH=/usr/local/bin:/usr/bin:/bin
export PATH
check "no policysim on PATH before the action" sh -c '! command -v policysim'

bad="$dir/bad"
mkdir -p "$bad/policies"
printf '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}\n' \
  > "$bad/policies/admin.json"
good="$dir/good"
mkdir -p "$good/policies"
printf '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}\n' \
  > "$good/policies/read.json"

# 1. Built from the action's source (the configured build reused), a repository with a bad policy.
POLICYSIM_BUILD_DIR="$build" python3 "$runner" "$root" "$bad" > "$dir/out1" 2>&1
status=$?
check "build: the job fails on a blocking finding" [ "$status" -eq 1 ]
check "build: install step ran" grep -q "STEP Install policysim: ran, exit 0" "$dir/out1"
check "build: lint step ran" grep -q "STEP Lint: ran, exit 0" "$dir/out1"
check "build: exit-code output 1" grep -q "OUTPUT lint.exit-code=1" "$dir/out1"
check "build: SARIF upload step gets the file" \
  grep -q "uses github/codeql-action/upload-sarif@v3 with sarif_file=policysim.sarif" "$dir/out1"
check "build: the failing step ran last" grep -q "STEP Fail on blocking findings: ran, exit 1" "$dir/out1"
check "build: SARIF written" grep -q '"version": "2.1.0"' "$bad/policysim.sarif"
check "build: SARIF has the finding" grep -q '"ruleId": "PS303"' "$bad/policysim.sarif"
check "build: text report in the log" grep -q "admin.json:1:[0-9]*: security PS303" "$dir/out1"
installed=$(sed -n 's/^policysim: building from //p' "$dir/out1")
check "build: built from the action's source" [ "$installed" = "$root" ]

# A release archive: what `cmake --install` lays out, here the prefix the build step made.
prefix=$(ls -d "$RUNNER_TEMP_PARENT"/runner-temp-*/policysim 2>/dev/null | head -1)
check "build: installed into runner.temp" [ -x "$prefix/bin/policysim" ]
mkdir -p "$dir/release"
tar -czf "$dir/release/policysim-v9.9.9-linux-x86_64.tar.gz" -C "$prefix" bin share
rm -rf "$(dirname "$prefix")"

# 2. From a release, a clean repository.
python3 "$runner" "$root" "$good" version=v9.9.9 \
  "release-url=file://$dir/release/policysim-{version}-linux-x86_64.tar.gz" \
  sarif-file=results.sarif > "$dir/out2" 2>&1
status=$?
check "release: the job passes on a clean repository" [ "$status" -eq 0 ]
check "release: installed the version asked for" grep -q "policysim: installing v9.9.9 from file://" "$dir/out2"
check "release: exit-code output 0" grep -q "OUTPUT lint.exit-code=0" "$dir/out2"
check "release: the failing step is skipped" grep -q "STEP Fail on blocking findings: skipped" "$dir/out2"
check "release: SARIF written where asked" grep -q '"results": \[\]' "$good/results.sarif"

# 3. Inputs reach the command: fail-on none lets the bad repository pass; no upload.
python3 "$runner" "$root" "$bad" version=v9.9.9 \
  "release-url=file://$dir/release/policysim-{version}-linux-x86_64.tar.gz" \
  fail-on=none upload-sarif=false > "$dir/out3" 2>&1
check "inputs: fail-on none passes" [ $? -eq 0 ]
check "inputs: upload-sarif false skips the upload" \
  grep -q "STEP Upload SARIF to code scanning: skipped" "$dir/out3"

# An input error (a path that does not exist): the lint step itself fails with 2; no upload.
python3 "$runner" "$root" "$good" version=v9.9.9 \
  "release-url=file://$dir/release/policysim-{version}-linux-x86_64.tar.gz" \
  paths=no-such-dir > "$dir/out6" 2>&1
check "input error: the job fails" [ $? -eq 1 ]
check "input error: the lint step exits 2" grep -q "STEP Lint: ran, exit 2" "$dir/out6"
check "input error: no SARIF upload" grep -q "STEP Upload SARIF to code scanning: skipped" "$dir/out6"

# 4. A missing release fails the install step, and nothing runs after it.
python3 "$runner" "$root" "$good" version=v0.0.0 \
  "release-url=file://$dir/release/policysim-{version}-linux-x86_64.tar.gz" > "$dir/out4" 2>&1
check "missing release: the job fails" [ $? -eq 1 ]
check "missing release: lint skipped" grep -q "STEP Lint: skipped" "$dir/out4"

# 5. A version without release-url outside a runner's _actions checkout: a clear error.
python3 "$runner" "$root" "$good" version=v0.0.0 > "$dir/out5" 2>&1
check "no release-url: the job fails" [ $? -eq 1 ]
check "no release-url: says what to set" grep -q "set release-url" "$dir/out5"

if [ "$failed" -ne 0 ]; then
  for n in 1 2 3 4 5 6; do echo "--- run $n"; cat "$dir/out$n" 2>/dev/null; done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
