#!/bin/sh
# Renders the HTML page of `policysim mfa-audit --format html` in headless Chromium and checks
# the screenshot: the PNG exists, is not trivially small, holds many colours (not a blank or
# single-colour page) and shows the verdict banner in its colour (green when MFA is enforced,
# red when not), which proves the inline CSS was applied.
#
# Usage: tests/cli/mfa_audit_html_check.sh [--install] [--out DIR] [POLICYSIM_BINARY [REPO_ROOT]]
#   --install   install Debian's `chromium` package with apt when it is missing (sudo when not
#               root); without it a missing chromium skips the check (exit 77)
#   --out DIR   keep the pages and screenshots in DIR (default: a temporary directory, removed)
#   POLICYSIM_BINARY defaults to build/policysim, REPO_ROOT to the repository of this script.
# Exit status: 0 checks passed, 1 a check failed, 2 usage error, 77 skipped (no chromium).
# Not registered with ctest (it may install a browser and takes a few seconds per page);
# docs/mfa-audit.md describes it.
install=0
out=
while [ $# -gt 0 ]; do
  case $1 in
    --install) install=1; shift ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${1:-$root/build/policysim}
case $bin in
  /*) ;;
  *) bin=$(pwd)/$bin ;;
esac
if [ ! -x "$bin" ]; then
  echo "no policysim binary at $bin (build first, or pass its path)" >&2
  exit 2
fi
cd "$root" || exit 2

browser=
for name in chromium chromium-browser; do
  if command -v $name > /dev/null 2>&1; then browser=$name; break; fi
done
if [ -z "$browser" ] && [ $install -eq 1 ]; then
  sudo=
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  echo "installing chromium (apt)..."
  $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends chromium > /dev/null
  command -v chromium > /dev/null 2>&1 && browser=chromium
fi
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (run with --install, or: apt-get install chromium)"
  exit 77
fi

if [ -n "$out" ]; then
  mkdir -p "$out" || exit 2
  dir=$(cd "$out" && pwd)
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
passed=0
failed=0
check() {  # check NAME CONDITION...
  name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}

# PNG facts without extra packages: size, distinct colours, and whether a colour is present.
# Prints "WIDTHxHEIGHT COLOURS HAS_COLOUR" for the RGB(A) 8-bit PNGs Chromium writes.
inspect() {  # inspect PNG R G B
  python3 - "$@" << 'EOF'
import struct, sys, zlib
path, want = sys.argv[1], tuple(int(v) for v in sys.argv[2:5])
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    chunk = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
    elif kind == b"IDAT":
        idat += chunk
    pos += 12 + length
assert depth == 8 and colour in (2, 6), "unexpected PNG format"
bpp = 3 if colour == 2 else 4
raw, stride = zlib.decompress(idat), width * bpp
prev, colours, i = bytearray(stride), set(), 0
for _ in range(height):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        colours.add(bytes(line[x:x + 3]))
    prev = line
print("%dx%d %d %d" % (width, height, len(colours), bytes(want) in colours))
EOF
}

render() {  # render NAME EXPECTED_EXIT BANNER_R BANNER_G BANNER_B POLICYSIM_ARGS...
  page_name=$1
  expected=$2
  r=$3
  g=$4
  b=$5
  shift 5
  page="$dir/$page_name.html"
  png="$dir/$page_name.png"
  "$bin" mfa-audit "$@" --now 2026-11-22T10:00:00Z --format html --output "$page" -q
  status=$?
  check "$page_name: policysim exit $status, expected $expected" [ "$status" -eq "$expected" ]
  rm -f "$png"
  profile=$(mktemp -d)
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --screenshot="$png" --window-size=1200,900 "file://$page" > "$dir/$page_name.log" 2>&1
  rm -rf "$profile"
  check "$page_name: screenshot written" [ -s "$png" ]
  [ -s "$png" ] || return
  size=$(wc -c < "$png")
  check "$page_name: screenshot larger than 10 kB ($size bytes)" [ "$size" -gt 10000 ]
  if command -v python3 > /dev/null 2>&1; then
    set -- $(inspect "$png" "$r" "$g" "$b")
    check "$page_name: 1200x900 ($1)" [ "$1" = 1200x900 ]
    check "$page_name: not a single colour ($2 colours)" [ "$2" -gt 50 ]
    check "$page_name: verdict banner rendered in rgb($r,$g,$b)" [ "$3" = 1 ]
  fi
  echo "$page_name: $png"
}

# Banner backgrounds from analysis/mfa_audit_report_html.cc: .ok #e3f5e8, .bad #fde8e8.
render enforced 0 227 245 232 policies/force_mfa.json
sed 's/"BoolIfExists"/"Bool"/' policies/force_mfa.json > "$dir/force_mfa_bool.json"
render not-enforced 1 253 232 232 "$dir/force_mfa_bool.json" policies/ec2_require_mfa.json

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
