# Helpers shared by the `policysim serve` test scripts (sourced, bash). Everything listens on
# loopback only; every loop is bounded.
#   $bin: the policysim binary; $dir: a temporary directory removed at exit.

passed=0
failed=0
SERVER_PID=
PORT=

check() {  # check NAME COMMAND...: counts a pass or prints the failure
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
  fi
}

finish() {  # prints the closing line and exits with the verdict
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# Starts `policysim serve --listen 127.0.0.1:0 ARGS...`, logging to $dir/server.log, and waits
# until it listens. Sets SERVER_PID and PORT.
start_server() {
  : > "$dir/server.log"
  "$bin" serve --listen 127.0.0.1:0 "$@" >> "$dir/server.log" 2>&1 &
  SERVER_PID=$!
  PORT=
  local i
  for i in $(seq 1 300); do
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\) .*/\1/p' "$dir/server.log")
    if [ -n "$PORT" ]; then
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2> /dev/null; then
      echo "server exited:"
      cat "$dir/server.log"
      return 1
    fi
    sleep 0.1
  done
  echo "server did not start:"
  cat "$dir/server.log"
  return 1
}

# Sends SIGTERM and waits (at most 30 s) for the exit; returns the exit status.
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2> /dev/null
  wait_server_exit
}

# Waits (at most 30 s, then SIGKILL) for the server to exit; returns its exit status.
wait_server_exit() {
  [ -n "$SERVER_PID" ] || return 0
  local i
  for i in $(seq 1 300); do
    if ! kill -0 "$SERVER_PID" 2> /dev/null; then
      wait "$SERVER_PID"
      local status=$?
      SERVER_PID=
      return $status
    fi
    sleep 0.1
  done
  kill -KILL "$SERVER_PID" 2> /dev/null
  SERVER_PID=
  return 99
}

# Waits (at most ~20 s) until the server log contains a line matching PATTERN (grep -E).
wait_for_log() {
  local i
  for i in $(seq 1 200); do
    grep -Eq "$1" "$dir/server.log" && return 0
    sleep 0.1
  done
  echo "log never matched: $1"
  cat "$dir/server.log"
  return 1
}

# The value of one Prometheus sample (exact name and labels) from /metrics.
metric() {
  curl -s "http://127.0.0.1:$PORT/metrics" | awk -v name="$1" '$1 == name { print $2 }'
}

# Installs Debian packages when missing (root, or sudo), like scripts/setup.sh.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}" >&2
  local sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq > /dev/null &&
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
}
