#!/usr/bin/env bash
# Step 2 of action.yml: runs the installed policysim lint (found on PATH) over POLICYSIM_PATHS,
# writing SARIF to POLICYSIM_SARIF, then again as text for the job log. Sets the step outputs
# exit-code and sarif-file; exits 0 for 0 (clean) and 1 (blocking findings: a later step fails
# the job after the SARIF upload), and with the status for a usage or input error (2).
set -uo pipefail
sarif=${POLICYSIM_SARIF:-policysim.sarif}
args=()
[ -n "${POLICYSIM_FAIL_ON:-}" ] && args+=(--fail-on "$POLICYSIM_FAIL_ON")
[ -n "${POLICYSIM_CONFIG:-}" ] && args+=(--config "$POLICYSIM_CONFIG")
[ -n "${POLICYSIM_BASELINE:-}" ] && args+=(--baseline "$POLICYSIM_BASELINE")
read -r -a paths <<< "${POLICYSIM_PATHS:-.}"
policysim lint "${args[@]}" --format sarif -o "$sarif" "${paths[@]}"
status=$?
policysim lint "${args[@]}" --color never "${paths[@]}"
output=${GITHUB_OUTPUT:?GITHUB_OUTPUT is set by the runner}
echo "exit-code=$status" >> "$output"
if [ "$status" -gt 1 ]; then
  exit "$status"
fi
echo "sarif-file=$sarif" >> "$output"
exit 0
