#!/usr/bin/env bash
# `rnnscope-cli render`: a panel's figure without the window, as a script or a paper's Makefile
# would ask for it. Each view writes a real picture of the asked size; bad calls fail with the
# documented exit code and one clear line.
#
#   bash test_render.sh <path to rnnscope-cli> <source dir>
set -euo pipefail
CLI=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
DEMO="$SRC/resources/demo"
if [ ! -f "$DEMO/brackets/brackets.pt" ] || [ ! -f "$DEMO/dates/dates.pt" ]; then
  echo "SKIP: demo models missing"; exit 0
fi
if [ -z "${DISPLAY:-}" ]; then
  echo "SKIP: no display (make test runs ctest under xvfb-run)"; exit 0
fi

# A PNG of at least W x H pixels with more than a handful of colours (not a blank panel).
check_png() {
  /usr/bin/python3 - "$1" "$2" "$3" <<'PYEOF' || fail "$1 is not the expected figure"
import struct, sys, zlib
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
assert width >= w and height >= h, (width, height)
PYEOF
}

"$CLI" render --model "$DEMO/brackets/brackets.pt" --data "$DEMO/brackets/brackets.tsv" \
  --sample 5 --view state-space --method pca --dims 3 --dpi 192 --size 800x600 \
  --out "$TMP/space.png" > "$TMP/out.txt" || fail "state-space render failed"
grep -q "space.png: state-space of" "$TMP/out.txt" || fail "no summary line"
check_png "$TMP/space.png" 1500 1000

"$CLI" render --model "$DEMO/dates/dates.pt" --input "Nov 26, 2026" --view attention \
  --out "$TMP/attention.svg" > /dev/null || fail "attention render failed"
grep -q "<svg" "$TMP/attention.svg" || fail "attention.svg is not SVG"
grep -q "Attention" "$TMP/attention.svg" || fail "attention.svg has no title"

"$CLI" render --model "$DEMO/brackets/brackets.pt" --data "$DEMO/brackets/brackets.tsv" \
  --view units --dpi 96 --size 900x500 --out "$TMP/units.png" > /dev/null || fail "units render failed"
check_png "$TMP/units.png" 850 300
"$CLI" render --model "$DEMO/brackets/brackets.pt" --input "(([]))" --view saturation \
  --out "$TMP/saturation.pdf" > /dev/null || fail "saturation render failed"
head -c 5 "$TMP/saturation.pdf" | grep -q "%PDF" || fail "saturation.pdf is not a PDF"

expect_exit() {
  local code=$1 message=$2; shift 2
  set +e
  "$CLI" "$@" > "$TMP/stdout" 2> "$TMP/stderr"
  local got=$?
  set -e
  [ "$got" = "$code" ] || fail "$* exited $got, expected $code: $(cat "$TMP/stderr")"
  grep -qF -- "$message" "$TMP/stderr" || fail "$* said: $(cat "$TMP/stderr"), expected: $message"
}
expect_exit 2 "--view must be one of state-space, attention, units, saturation" \
  render --model "$DEMO/dates/dates.pt" --input x --view pie --out "$TMP/x.png"
expect_exit 2 "--out must end in .png, .svg or .pdf" \
  render --model "$DEMO/dates/dates.pt" --input x --view attention --out "$TMP/x.bmp"
expect_exit 2 "--view state-space needs --data" \
  render --model "$DEMO/dates/dates.pt" --input x --view state-space --out "$TMP/x.png"
expect_exit 1 "--sample 99999: the dataset has samples 0 to 1499" \
  render --model "$DEMO/dates/dates.pt" --data "$DEMO/dates/dates.tsv" --sample 99999 \
  --view attention --out "$TMP/x.png"
DISPLAY= expect_exit 1 "needs a display to draw on" \
  render --model "$DEMO/dates/dates.pt" --input x --view attention --out "$TMP/x.png"
[ ! -e "$TMP/x.png" ] || fail "a failed render wrote a figure"
echo "test_render: all checks passed"
