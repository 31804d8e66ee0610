#!/bin/sh
# Runs every example in policies/examples.tsv through policysim and checks the decision and the
# exit status (0 allowed, 1 denied).
#
# Usage: tests/examples_test.sh POLICYSIM_BINARY REPO_ROOT
#
# examples.tsv: a header line, then one example per line with four TAB-separated fields:
#   policy-files   identity policy files, space-separated, relative to the repo root
#   extra-args     further check options (e.g. --resource-policy FILE), or "-" for none
#   request-file   request (context) file, relative to the repo root
#   expected       allowed | explicitDeny | implicitDeny
# Each example's JSON output is also compared byte for byte with tests/golden/examples/NAME.out
# (NAME: the request file's base name and a checksum of the line), a guard for refactors;
# POLICYSIM_UPDATE_GOLDEN=1 rewrites those files after a deliberate change (review the diff).
# Prints one line per failing example and a final "N passed, M failed" line; exits 1 if any
# example failed, 2 on a usage error.

if [ "$#" -ne 2 ]; then
  echo "usage: $0 POLICYSIM_BINARY REPO_ROOT" >&2
  exit 2
fi

bin=$1
root=$2
case $bin in
  /*) ;;
  *) bin=$(pwd)/$bin ;;
esac
if [ ! -x "$bin" ]; then
  echo "$0: not an executable: $bin" >&2
  exit 2
fi
if ! cd "$root"; then
  echo "$0: cannot enter repo root: $root" >&2
  exit 2
fi
table=policies/examples.tsv
if [ ! -r "$table" ]; then
  echo "$0: cannot read $root/$table" >&2
  exit 2
fi

tab=$(printf '\t')
passed=0
failed=0
lineno=0
# Policy lists and extra arguments are split on spaces below; never expand globs.
set -f

while IFS=$tab read -r policies extra request expected rest || [ -n "$policies" ]; do
  lineno=$((lineno + 1))
  if [ "$lineno" -eq 1 ]; then
    continue   # header
  fi
  case $policies in
    '' | '#'*) continue ;;
  esac
  if [ -z "$expected" ] || [ -n "$rest" ]; then
    echo "FAIL line $lineno: malformed line (need exactly 4 TAB-separated fields)"
    failed=$((failed + 1))
    continue
  fi
  case $expected in
    allowed) expected_rc=0 ;;
    explicitDeny | implicitDeny) expected_rc=1 ;;
    *)
      echo "FAIL line $lineno: unknown expected decision '$expected'"
      failed=$((failed + 1))
      continue
      ;;
  esac
  if [ "$extra" = "-" ]; then
    extra=
  fi

  # Unquoted $policies / $extra: split on spaces into separate arguments (globbing is off).
  # stdin comes from /dev/null so the binary cannot consume the rest of the table.
  IFS=' '
  output=$("$bin" check $policies $extra --context "$request" --format json </dev/null 2>/dev/null)
  rc=$?
  IFS=$tab

  decision=$(printf '%s\n' "$output" |
    sed -n 's/.*"decision"[[:space:]]*:[[:space:]]*"\([A-Za-z]*\)".*/\1/p' | head -n 1)

  golden=tests/golden/examples/$(basename "$request" .json)-$(printf '%s' "$policies|$extra" |
    cksum | cut -d' ' -f1).out
  if [ "${POLICYSIM_UPDATE_GOLDEN:-}" = 1 ]; then
    mkdir -p tests/golden/examples
    printf '%s\n' "$output" >"$golden"
  fi
  if [ ! -r "$golden" ]; then
    echo "FAIL line $lineno: no golden output $golden (POLICYSIM_UPDATE_GOLDEN=1 writes it)"
    failed=$((failed + 1))
  elif [ "$(printf '%s\n' "$output" | cksum)" != "$(cksum <"$golden")" ]; then
    echo "FAIL line $lineno: output of check --format json differs from $golden"
    failed=$((failed + 1))
  elif [ "$decision" = "$expected" ] && [ "$rc" -eq "$expected_rc" ]; then
    passed=$((passed + 1))
  else
    echo "FAIL line $lineno: $request [$policies${extra:+ $extra}]: expected $expected (exit $expected_rc), got ${decision:-<none>} (exit $rc)"
    failed=$((failed + 1))
  fi
done <"$table"

echo "$passed passed, $failed failed"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
exit 0
