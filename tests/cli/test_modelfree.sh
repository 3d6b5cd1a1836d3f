#!/usr/bin/env bash
# Model-free figures: states extracted elsewhere (an LSTMVis project, NumPy states with a token
# file) rendered without the model, and the views that need the model refused with one line.
#
#   bash test_modelfree.sh <path to rnnscope-cli> <source dir>
set -euo pipefail
CLI=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
DEMO="$SRC/resources/demo"
if [ ! -f "$DEMO/brackets/brackets.pt" ]; then
  echo "FAIL: the demo models are missing (git checkout -- resources/demo)" >&2; exit 1
fi
if [ -z "${DISPLAY:-}" ]; then
  echo "FAIL: no display (make test runs ctest under xvfb-run)" >&2; exit 1
fi

# A PNG with real content: at least W x H and more than a few colours.
check_png() {
  /usr/bin/python3 - "$1" "$2" "$3" <<'PYEOF' || fail "$1 is not the expected figure"
import struct, sys
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
assert width >= w and height >= h, (width, height)
assert len(data) > 20000, "too small to hold a figure: %d bytes" % len(data)
PYEOF
}

# 1. 150 samples of the brackets demo, exported for LSTMVis, then drawn without the model.
head -n 150 "$DEMO/brackets/brackets.tsv" > "$TMP/brackets.tsv"
"$CLI" extract --model "$DEMO/brackets/brackets.pt" --data "$TMP/brackets.tsv" --out "$TMP/run.h5" --lstmvis "$TMP/vis" > /dev/null || fail "extract failed"
"$CLI" render --activations "$TMP/vis" --sample 4 --view state-space --size 800x600 --dpi 96 \
  --out "$TMP/space.png" > "$TMP/out.txt" || fail "state-space from LSTMVis failed"
grep -q "space.png: state-space of" "$TMP/out.txt" || fail "no summary line"
check_png "$TMP/space.png" 700 450
"$CLI" render --activations "$TMP/vis/lstm.yml" --sample 4 --view units --size 800x600 --dpi 96 \
  --out "$TMP/units.png" > /dev/null || fail "units from LSTMVis failed"
check_png "$TMP/units.png" 700 450
# rnnscope's own store opens model-free too.
"$CLI" render --activations "$TMP/run.h5" --sample 1 --view units --size 800x600 --dpi 96 \
  --out "$TMP/store-units.png" > /dev/null || fail "units from a store failed"
check_png "$TMP/store-units.png" 700 450

# 2. NumPy states with a token file, the way a Keras user saves them.
/usr/bin/python3 - "$TMP" <<'PYEOF'
import sys, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(1)
lines = ["the cat sat on the mat", "a dog ran", "the dog sat on a cat"]
n = sum(len(l.split()) for l in lines)
np.save(d + "/h.npy", np.cumsum(rng.standard_normal((n, 16)), axis=0).astype(np.float32))
open(d + "/tokens.txt", "w").write("\n".join(lines) + "\n")
open(d + "/short.txt", "w").write("the cat\n")
PYEOF
# tokens.txt beside the states is found without --token-file.
"$CLI" render --activations "$TMP/h.npy" --sample 2 --view units --size 800x600 --dpi 96 \
  --out "$TMP/beside.png" > "$TMP/out.txt" || fail "tokens.txt beside h.npy not found"
grep -q "a dog ran\|adogran" "$TMP/out.txt" || fail "wrong sample: $(cat "$TMP/out.txt")"
"$CLI" render --activations "$TMP/h.npy" --token-file "$TMP/tokens.txt" --sample 3 --view units \
  --size 800x600 --dpi 96 --out "$TMP/npy-units.png" > "$TMP/out.txt" || fail "units from .npy failed"
grep -q "the dog sat on a cat\|thedogsatonacat" "$TMP/out.txt" || fail "wrong sample: $(cat "$TMP/out.txt")"
check_png "$TMP/npy-units.png" 700 450

# The Samples panel's figure works without the model: the sample's tokens, and what model-free
# mode has instead of a prediction.
"$CLI" render --activations "$TMP/h.npy" --sample 3 --view sample --size 800x400 --dpi 96 \
  --out "$TMP/sample.svg" > "$TMP/out.txt" || fail "sample view from .npy failed"
grep -q "Sample 3 of" "$TMP/sample.svg" || fail "sample.svg has no title"
grep -q "predictions need the model" "$TMP/sample.svg" || fail "sample.svg does not say why there is no prediction"

# 3. Bad calls: one line that says what is wrong, and a non-zero exit.
set +e
"$CLI" render --activations "$TMP/vis" --view attention --out "$TMP/a.png" 2> "$TMP/err.txt"
[ $? -eq 2 ] || fail "attention without a model should be a usage error"
grep -q "needs the model" "$TMP/err.txt" || fail "unclear message: $(head -2 "$TMP/err.txt")"
"$CLI" render --activations "$TMP/h.npy" --token-file "$TMP/short.txt" --view units \
  --out "$TMP/b.png" 2> "$TMP/err.txt"
[ $? -ne 0 ] || fail "mismatched tokens accepted"
grep -q "h.npy has 15 rows but short.txt has 2 tokens" "$TMP/err.txt" \
  || fail "unclear message: $(grep -v '^QStandardPaths' "$TMP/err.txt" | head -2)"
mkdir "$TMP/alone" && cp "$TMP/h.npy" "$TMP/alone/"
"$CLI" render --activations "$TMP/alone/h.npy" --view units --out "$TMP/c.png" 2> "$TMP/err.txt"
[ $? -ne 0 ] || fail "states without tokens accepted"
grep -q "holds states but no tokens" "$TMP/err.txt" \
  || fail "unclear message: $(grep -v '^QStandardPaths' "$TMP/err.txt" | head -2)"
set -e
echo "model-free renders ok"
