# Shared set-up of the CLI test scripts, sourced as `. "$(dirname "$0")/lib.sh"` by a script
# called as SCRIPT POLICYSIM_BINARY REPO_ROOT. Sets bin (made absolute, so scripts may cd),
# root, dir (a temporary directory removed on exit) and the helpers below.
bin=$1
root=$2
case $bin in
  /*) ;;
  *) bin=$(pwd)/$bin ;;
esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0
failed=0

check() {  # check NAME CONDITION...
  name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}

run() {  # run EXPECTED_STATUS NAME ARGS...: policysim ARGS, output in $dir/out and $dir/err
  expected=$1
  name=$2
  shift 2
  "$bin" "$@" > "$dir/out" 2> "$dir/err"
  status=$?
  check "$name (exit $status, expected $expected)" [ "$status" -eq "$expected" ]
}

has() {  # has FILE TEXT: fixed-string search
  grep -qF -- "$2" "$1"
}

finish() {  # prints the counts; the script's exit status is finish's
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
