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
  echo "FAIL: the demo models are missing (git checkout -- resources/demo)" >&2; exit 1
fi
if [ -z "${DISPLAY:-}" ]; then
  echo "FAIL: no display (make test runs ctest under xvfb-run)" >&2; exit 1
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
# A figure that is not blank: a PNG of at least W x H pixels with at least N distinct colours,
# ink (not white) on at least P percent of it. Decoded with zlib and NumPy (no imaging library).
check_figure() {
  /usr/bin/python3 - "$@" <<'PYEOF' || fail "$1 is blank or not the expected figure"
import struct, sys, zlib
import numpy as np
path, w, h, colours, ink = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, header = 8, b"", None
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR": header = struct.unpack(">IIBBBBB", body)
    if kind == b"IDAT": idat += body
    pos += 12 + length
width, height, depth, colour_type = header[:4]
assert width >= w and height >= h, ("too small", width, height)
assert depth == 8 and colour_type in (2, 6), header
bpp = 3 if colour_type == 2 else 4
raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + width * bpp)
out = np.zeros((height, width * bpp), dtype=np.int32)
prior = np.zeros(width * bpp, dtype=np.int32)
for y in range(height):
    f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
    if f == 0: cur = line
    elif f == 2: cur = (line + prior) & 255
    else:
        cur = line.copy()
        for i in range(len(cur)):
            a = cur[i - bpp] if i >= bpp else 0
            b = prior[i]
            c = prior[i - bpp] if i >= bpp else 0
            if f == 1: cur[i] = (cur[i] + a) & 255
            elif f == 3: cur[i] = (cur[i] + ((a + b) >> 1)) & 255
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    out[y], prior = cur, cur
rgb = out.reshape(height, width, bpp)[:, :, :3]
packed = (rgb[:, :, 0] << 16) | (rgb[:, :, 1] << 8) | rgb[:, :, 2]
found = len(np.unique(packed[::2, ::2]))
share = 100.0 * np.count_nonzero(packed != 0xFFFFFF) / packed.size
assert found >= colours, ("colours", found)
assert share >= ink, ("ink %%", share)
# How much of it is in colour (not black, white or grey): printed for the colour-map check.
spread = rgb.max(axis=2) - rgb.min(axis=2)
print("%.3f" % (100.0 * np.count_nonzero(spread > 60) / spread[:, :, None].size))
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

# The attention matrix as CSV: source tokens across (quoted: the input has a comma and spaces),
# output tokens down, every row a distribution, as pandas or a spreadsheet would read it.
"$CLI" render --model "$DEMO/dates/dates.pt" --input "Nov 26, 2026" --view attention \
  --out "$TMP/attention.csv" > /dev/null || fail "attention CSV render failed"
/usr/bin/python3 - "$TMP/attention.csv" <<'PYEOF' || fail "attention.csv is not the matrix"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
header, body = rows[0], rows[1:]
assert header[0] == "output \\ source", header
assert "".join(header[1:]).lower() == "nov 26, 2026", header  # char tokens, "," and " " intact
assert len(body) >= 8 and body[-1][0] == "<eos>", [r[0] for r in body]
for r in body:
    assert len(r) == len(header) and abs(sum(map(float, r[1:])) - 1) < 1e-3, r
PYEOF

# A further attention layer (attention.last of the test model: it looks at the last source
# token) by name, and an unknown name listing the layers there are.
. "$SRC/tests/cli/models.sh"
M=$(test_models "$SRC" "$TMP/models") || exit 1
"$CLI" render --model "$M/seq2seq_two_layers.pt" --input "ab cd" --view attention \
  --attention-layer last --out "$TMP/last.csv" > /dev/null || fail "--attention-layer last failed"
/usr/bin/python3 - "$TMP/last.csv" <<'PYEOF' || fail "last.csv is not the attention.last layer"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
for r in rows[1:]:
  w = list(map(float, r[1:]))
  assert w.index(max(w)) == len(w) - 1, r  # the mean of its two heads favours the last token
PYEOF

"$CLI" render --model "$DEMO/brackets/brackets.pt" --data "$DEMO/brackets/brackets.tsv" \
  --view units --dpi 96 --size 900x500 --out "$TMP/units.png" > /dev/null || fail "units render failed"
check_png "$TMP/units.png" 850 300
"$CLI" render --model "$DEMO/brackets/brackets.pt" --input "(([]))" --view saturation \
  --out "$TMP/saturation.pdf" > /dev/null || fail "saturation render failed"
head -c 5 "$TMP/saturation.pdf" | grep -q "%PDF" || fail "saturation.pdf is not a PDF"
# With a dataset the pass over it runs headless too: a plot of every gate unit, not the
# "press Compute" placeholder a typed input alone gets.
"$CLI" render --model "$DEMO/brackets/brackets.pt" --input "(([]))" --view saturation \
  --size 800x600 --dpi 96 --out "$TMP/sat-alone.png" > /dev/null || fail "saturation render failed"
"$CLI" render --model "$DEMO/brackets/brackets.pt" --data "$DEMO/brackets/brackets.tsv" \
  --sample 2 --view saturation --size 800x600 --dpi 96 --out "$TMP/sat-data.png" > /dev/null \
  || fail "saturation render with a dataset failed"
[ "$(stat -c %s "$TMP/sat-data.png")" -gt $((2 * $(stat -c %s "$TMP/sat-alone.png"))) ] \
  || fail "saturation with a dataset drew no plot ($(stat -c %s "$TMP/sat-data.png") bytes)"

# --batch: one figure per sample, named from --out, each showing its own sample.
"$CLI" render --model "$DEMO/dates/dates.pt" --data "$DEMO/dates/dates.tsv" --batch 3,5-6 \
  --view attention --out "$TMP/batch-{sample}.svg" > "$TMP/batch.txt" 2>/dev/null \
  || fail "render --batch failed"
for n in 3 5 6; do  # numbered from 1, as the window and the figure's title count
  grep -q "Attention · sample $n " "$TMP/batch-$n.svg" || fail "batch-$n.svg is not sample $n"
done
[ "$(wc -l < "$TMP/batch.txt")" = 3 ] || fail "--batch: one line per file expected: $(cat "$TMP/batch.txt")"
printf '4\n2\n' > "$TMP/list.txt"
"$CLI" render --model "$DEMO/dates/dates.pt" --data "$DEMO/dates/dates.tsv" --batch "@$TMP/list.txt" \
  --view attention --out "$TMP/list.csv" > /dev/null 2>&1 || fail "render --batch @file failed"
[ -s "$TMP/list-4.csv" ] && [ -s "$TMP/list-2.csv" ] || fail "--batch @file: $(ls "$TMP")"

# Every view writes a real figure of the demo: not blank, more than a handful of colours (the
# brackets LSTM has no attention: that view is the dates demo's, above, and refused below).
for view in sample state-space units saturation features errors attribution; do
  "$CLI" render --model "$DEMO/brackets/brackets.pt" --data "$DEMO/brackets/brackets.tsv" \
    --sample 8 --view $view --dpi 48 --size 800x500 --out "$TMP/every-$view.png" > /dev/null \
    2> "$TMP/err.txt" || fail "--view $view failed: $(cat "$TMP/err.txt")"
  check_figure "$TMP/every-$view.png" 150 40 6 1
done

# The colour map of Preferences reaches headless figures: the state space's path and its
# colouring by step in viridis, then in greys (read from the window's settings).
for map in viridis greys; do
  mkdir -p "$TMP/config-$map/rnnscope"
  printf '[prefs]\ncolourMap=%s\n' $map > "$TMP/config-$map/rnnscope/rnnscope.conf"
  XDG_CONFIG_HOME="$TMP/config-$map" "$CLI" render --model "$DEMO/brackets/brackets.pt" \
    --data "$DEMO/brackets/brackets.tsv" --sample 8 --view state-space --dims 2 --dpi 48 \
    --size 800x500 --out "$TMP/map-$map.png" > /dev/null 2>&1 || fail "state-space in $map failed"
done
viridis=$(check_figure "$TMP/map-viridis.png" 150 100 6 1)
greys=$(check_figure "$TMP/map-greys.png" 150 100 6 1)
/usr/bin/python3 -c "import sys; v, g = map(float, sys.argv[1:]); assert v > 5 and g < 0.5 * v, (v, g)" \
  "$viridis" "$greys" || fail "the colour map preference did not reach render ($viridis% vs $greys% in colour)"

# The Samples panel: the sample's tokens with the model's prediction and the verdict.
"$CLI" render --model "$DEMO/brackets/brackets.pt" --data "$DEMO/brackets/brackets.tsv" \
  --sample 6 --view sample --dpi 96 --size 900x400 --out "$TMP/sample.png" > "$TMP/out.txt" \
  || fail "sample render failed"
grep -q "sample.png: sample of" "$TMP/out.txt" || fail "no summary line for sample"
check_figure "$TMP/sample.png" 850 100 8 2
"$CLI" render --model "$DEMO/brackets/brackets.pt" --data "$DEMO/brackets/brackets.tsv" \
  --sample 6 --view sample --out "$TMP/sample.svg" > /dev/null || fail "sample SVG failed"
grep -q "Sample 6 of brackets.tsv" "$TMP/sample.svg" || fail "sample.svg is not sample 6"
grep -q "Prediction" "$TMP/sample.svg" || fail "sample.svg has no prediction"
grep -q "label: " "$TMP/sample.svg" || fail "sample.svg has no reference label"

# The Error Browser's metrics over the whole dataset: the confusion matrix with per-class
# precision, recall and F1 (classification), exact match and token accuracy (seq2seq).
"$CLI" render --model "$DEMO/brackets/brackets.pt" --data "$DEMO/brackets/brackets.tsv" \
  --view errors --dpi 96 --out "$TMP/errors.png" > /dev/null || fail "errors render failed"
check_figure "$TMP/errors.png" 500 250 8 3
"$CLI" render --model "$DEMO/brackets/brackets.pt" --data "$DEMO/brackets/brackets.tsv" \
  --view errors --out "$TMP/errors.svg" > /dev/null || fail "errors SVG failed"
for word in "Confusion matrix" precision recall F1 support "1,500 samples\|1500 samples"; do
  grep -q "$word" "$TMP/errors.svg" || fail "errors.svg lacks '$word'"
done
grep -q "not predicted yet" "$TMP/errors.svg" && fail "errors.svg drawn before every prediction was in"
"$CLI" render --model "$DEMO/dates/dates.pt" --data "$DEMO/dates/dates.tsv" --view errors \
  --out "$TMP/errors-dates.svg" > "$TMP/out.txt" || fail "seq2seq errors render failed"
grep -q "errors of dates.tsv (1,500 samples)\|errors of dates.tsv ([0-9]* samples)" "$TMP/out.txt" ||
  fail "the errors render should name the dataset, not a sample: $(cat "$TMP/out.txt")"
grep -q "Exact match: " "$TMP/errors-dates.svg" || fail "errors-dates.svg has no exact match"
grep -q "Token accuracy: " "$TMP/errors-dates.svg" || fail "errors-dates.svg has no token accuracy"

# Attribution takes --size like every panel (it used to keep 640 pixels whatever was asked),
# down to the Error Browser's own minimum size.
for size in 1000x800 1400x900; do
  "$CLI" render --model "$DEMO/brackets/brackets.pt" --data "$DEMO/brackets/brackets.tsv" \
    --sample 3 --view attribution --dpi 96 --size $size --out "$TMP/attr-$size.png" > /dev/null \
    2>&1 || fail "attribution render at $size failed"
done
check_figure "$TMP/attr-1000x800.png" 950 750 8 1
# A forecaster attributed through forward() with a unit set: the intervened run is explained
# beside the model's own (it used to say "the model has no logits_from_embeddings() method").
"$CLI" render --model "$DEMO/sunspots/sunspots.pt" --data "$DEMO/sunspots/sunspots.jsonl" \
  --sample 3 --view attribution --set "lstm_l1_fwd_hidden[0]=0" --out "$TMP/attr-set.svg" \
  > /dev/null 2>&1 || fail "forecaster attribution with --set failed"
grep -q "logits_from_embeddings" "$TMP/attr-set.svg" && fail "attr-set.svg: the intervened run was refused"
[ "$(grep -o 'predicted value [0-9.]*' "$TMP/attr-set.svg" | sort -u | wc -l)" -ge 2 ] ||
  fail "attr-set.svg does not show the intervened run's own value"
check_figure "$TMP/attr-1400x900.png" 1350 850 8 1
/usr/bin/python3 - "$TMP/attr-1000x800.png" "$TMP/attr-1400x900.png" <<'PYEOF' || fail "attribution ignores --size"
import struct, sys
small, large = (struct.unpack(">II", open(p, "rb").read()[16:24]) for p in sys.argv[1:])
assert small[0] <= 1000 and large[0] > 1300 and large[1] > small[1], (small, large)
PYEOF

# --session: the model, dataset and sample of a saved session.
printf '{"version": 1, "model": "%s", "dataset": "%s", "current_sample": 12}\n' \
  "$DEMO/brackets/brackets.pt" "$DEMO/brackets/brackets.tsv" > "$TMP/s.rnnscope"
"$CLI" render --session "$TMP/s.rnnscope" --view units --out "$TMP/session.png" > "$TMP/session.txt" \
  2>/dev/null || fail "render --session failed"
grep -qF "$(sed -n 13p "$DEMO/brackets/brackets.tsv" | cut -f1)" "$TMP/session.txt" \
  || fail "render --session did not show the session's sample: $(cat "$TMP/session.txt")"
# A session from a newer rnnscope renders what this one understands, with a warning.
printf '{"version": 9, "model": "%s", "dataset": "%s", "current_sample": 12, "later": {}}\n' \
  "$DEMO/brackets/brackets.pt" "$DEMO/brackets/brackets.tsv" > "$TMP/newer.rnnscope"
"$CLI" render --session "$TMP/newer.rnnscope" --view units --out "$TMP/newer.png" > /dev/null \
  2> "$TMP/err.txt" || fail "render of a newer session failed: $(cat "$TMP/err.txt")"
grep -q "warning: newer.rnnscope was written by a newer rnnscope (session version 9" "$TMP/err.txt" \
  || fail "no warning for a newer session: $(cat "$TMP/err.txt")"
[ -s "$TMP/newer.png" ] || fail "render of a newer session wrote nothing"
# The new views with --session and --batch too.
"$CLI" render --session "$TMP/s.rnnscope" --view sample --out "$TMP/session-sample.svg" > /dev/null \
  2>&1 || fail "render --session --view sample failed"
grep -q "Sample 13 of brackets.tsv" "$TMP/session-sample.svg" || fail "session sample is not sample 13"
"$CLI" render --session "$TMP/s.rnnscope" --view errors --dpi 96 --out "$TMP/session-errors.png" \
  > /dev/null 2>&1 || fail "render --session --view errors failed"
check_figure "$TMP/session-errors.png" 500 250 8 3
"$CLI" render --model "$DEMO/brackets/brackets.pt" --data "$DEMO/brackets/brackets.tsv" \
  --batch 2,4 --view sample --out "$TMP/bs-{sample}.svg" > /dev/null 2>&1 \
  || fail "render --batch --view sample failed"
grep -q "Sample 2 of" "$TMP/bs-2.svg" && grep -q "Sample 4 of" "$TMP/bs-4.svg" \
  || fail "--batch --view sample: each file its own sample"
"$CLI" render --model "$DEMO/dates/dates.pt" --data "$DEMO/dates/dates.tsv" \
  --batch 1-2 --view errors --dpi 96 --out "$TMP/be.png" > /dev/null 2>&1 \
  || fail "render --batch --view errors failed"
# The dates demo gets every output right: no histogram, so the figure is its lines of metrics.
check_figure "$TMP/be-1.png" 400 110 8 2
check_figure "$TMP/be-2.png" 400 110 8 2

expect_exit() {
  local code=$1 message=$2; shift 2
  set +e
  "$CLI" "$@" > "$TMP/stdout" 2> "$TMP/stderr"
  local got=$?
  set -e
  [ "$got" = "$code" ] || fail "$* exited $got, expected $code: $(cat "$TMP/stderr")"
  grep -qF -- "$message" "$TMP/stderr" || fail "$* said: $(cat "$TMP/stderr"), expected: $message"
}
expect_exit 2 "--view must be one of sample, attention, state-space, units, saturation, features, errors, attribution" \
  render --model "$DEMO/dates/dates.pt" --input x --view pie --out "$TMP/x.png"
expect_exit 2 "--out must end in .png, .svg or .pdf" \
  render --model "$DEMO/dates/dates.pt" --input x --view attention --out "$TMP/x.bmp"
expect_exit 2 "--view state-space needs --data" \
  render --model "$DEMO/dates/dates.pt" --input x --view state-space --out "$TMP/x.png"
expect_exit 1 "sample 99999: the dataset has samples 1 to 1500" \
  render --model "$DEMO/dates/dates.pt" --data "$DEMO/dates/dates.tsv" --sample 99999 \
  --view attention --out "$TMP/x.png"
expect_exit 1 "--attention-layer nope: the model's attention layers are attention" \
  render --model "$DEMO/dates/dates.pt" --input x --view attention --attention-layer nope \
  --out "$TMP/x.png"
# A word-level model's sample is named with its words apart.
"$CLI" render --model "$M/seq2seq_words.pt" --input "the cat sat" --view sample \
  --out "$TMP/words.png" > "$TMP/words.txt" 2> /dev/null || fail "render of a word-level model failed"
grep -q "sample of the cat sat" "$TMP/words.txt" || fail "words run together: $(cat "$TMP/words.txt")"
# A model without attention: the reason, and no figure of it.
expect_exit 1 "This model has no attention to show" \
  render --model "$DEMO/brackets/brackets.pt" --input "(()" --view attention --out "$TMP/none.png"
[ ! -e "$TMP/none.png" ] || fail "render --view attention wrote a figure for a model without attention"
expect_exit 2 "--out .csv is only for --view attention" \
  render --model "$DEMO/dates/dates.pt" --input x --view units --out "$TMP/x.csv"
[ ! -e "$TMP/x.csv" ] || fail "a CSV for a view without a matrix"
expect_exit 2 "give one of --model M.pt, --session S.rnnscope, --activations PATH" \
  render --session "$TMP/s.rnnscope" --model "$DEMO/dates/dates.pt" --view units --out "$TMP/x.png"
expect_exit 2 "--batch: '5-2' is not a sample number" render --model "$DEMO/dates/dates.pt" \
  --data "$DEMO/dates/dates.tsv" --batch 1,5-2 --view attention --out "$TMP/x.png"
# Samples are numbered from 1, as in the window: 0 says so instead of showing the first.
expect_exit 2 "--sample 0: samples are numbered from 1" render --model "$DEMO/dates/dates.pt" \
  --data "$DEMO/dates/dates.tsv" --sample 0 --view attention --out "$TMP/x.png"
expect_exit 2 "samples are numbered from 1" render --model "$DEMO/dates/dates.pt" \
  --data "$DEMO/dates/dates.tsv" --batch 0-3 --view attention --out "$TMP/x.png"
expect_exit 2 "--view errors needs --data" render --model "$DEMO/dates/dates.pt" --input x \
  --view errors --out "$TMP/x.png"
DISPLAY= expect_exit 1 "needs a display to draw on" \
  render --model "$DEMO/dates/dates.pt" --input x --view attention --out "$TMP/x.png"
[ ! -e "$TMP/x.png" ] || fail "a failed render wrote a figure"
echo "test_render: all checks passed"
