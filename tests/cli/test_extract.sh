#!/usr/bin/env bash
# `rnnscope-cli extract` end to end: a user extracts a dataset's activations and opens the file
# with h5py (and LSTMVis). The stored hidden states are checked against PyTorch running the same
# model (an independent reference); bad calls must fail with exit 1 and one line on stderr.
#
#   bash test_extract.sh <path to rnnscope-cli> <source dir>
set -euo pipefail
CLI=$1
SRC=$2
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! "$PY" -c "import h5py" 2>/dev/null; then
  echo "FAIL: python3-h5py is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi

. "$SRC/tests/cli/models.sh"
M=$(test_models "$SRC" "$TMP/models") || exit 1
"$PY" - "$TMP/data.tsv" <<'PYEOF'
import random, sys
random.seed(3)
with open(sys.argv[1], "w") as f:
    for i in range(150):
        text = "".join(random.choice("abcxyz ()[]{}01") for _ in range(random.randint(1, 40)))
        f.write((text.strip() or "a") + "\t" + random.choice("xyz") + "\n")
PYEOF

# 1. A whole dataset into one file, with LSTMVis's files beside it.
"$CLI" extract --model "$M/lstm_bi.pt" --data "$TMP/data.tsv" --out "$TMP/run.h5" \
  --lstmvis "$TMP/lstmvis" --batch 32 --threads 2 --memory-budget 1 \
  > "$TMP/out.txt" 2> "$TMP/err.txt" || { cat "$TMP/err.txt" >&2; fail "extract failed"; }
grep -q "150 samples" "$TMP/out.txt" || fail "no summary: $(cat "$TMP/out.txt")"
grep -q "bytes per token" "$TMP/out.txt" || fail "summary lacks bytes per token"
grep -q "100%" "$TMP/err.txt" || fail "no progress line on stderr: $(cat "$TMP/err.txt")"
grep -q "samples/s" "$TMP/err.txt" || fail "progress line lacks samples/s"
[ ! -e "$TMP/run.h5.saving" ] || fail "a partial file was left behind"

"$PY" - "$TMP/run.h5" "$M/lstm_bi.pt" "$TMP/data.tsv" <<'PYEOF'
import json, sys
import h5py, numpy as np, torch
f = h5py.File(sys.argv[1], "r")
assert f.attrs["format"] == "rnnscope-activations", dict(f.attrs)
assert f.attrs["samples"] == 150
assert f.attrs["model_path"].endswith("lstm_bi.pt")
offset = f["samples/offset"][:]
length = f["samples/length"][:]
ids = f["tokens/ids"][:]
texts = [line.split("\t")[0] for line in open(sys.argv[3]).read().splitlines()]
assert len(offset) == 151 and offset[0] == 0 and offset[-1] == len(ids)
assert (np.diff(offset) == length).all()
assert list(length) == [len(t) for t in texts], "one row per character"
vocab = [v.decode() if isinstance(v, bytes) else v for v in f["vocab/input"][:]]
assert "".join(vocab[i] for i in ids[offset[5]:offset[6]]) == texts[5]
tracks = f["tracks"]
assert len(tracks) == 25, list(tracks)
for name in tracks:
    t = tracks[name]
    assert t.shape[0] == len(ids), (name, t.shape)
    assert t.dtype == np.float32
    # Plain chunked floats by default: read back with pread() from every core.
    assert t.chunks is not None and t.compression is None, (name, t.chunks, t.compression)
assert tracks["rnn_l0_fwd_hidden"].attrs["kind"] == "hidden"
assert tracks["rnn_l1_rev_gate_forget"].attrs["direction"] == 1
assert tracks["rnn_l1_rev_gate_forget"].attrs["axis"] == "input"
p = f["predictions/confidence"][:]
assert p.shape == (150,) and (p > 0).all() and (p <= 1).all()

# The last layer's hidden states of a few samples equal what PyTorch's own nn.LSTM computes.
m = torch.jit.load(sys.argv[2])
worst = 0.0
for i in (0, 17, 149):
    x = torch.tensor(ids[offset[i]:offset[i + 1]]).unsqueeze(0)
    with torch.no_grad():
        out, _ = m.rnn.forward__0(m.embed(x))  # [1, T, 12]
    ours = np.concatenate([tracks["rnn_l1_fwd_hidden"][offset[i]:offset[i + 1]],
                           tracks["rnn_l1_rev_hidden"][offset[i]:offset[i + 1]]], 1)
    worst = max(worst, float(np.abs(ours - out[0].numpy()).max()))
assert worst <= 1e-5, f"stored hidden states differ from PyTorch by {worst}"
print("store ok, max diff to PyTorch", worst)
PYEOF

# 2. LSTMVis reads its files the way its data handler does (lstmdata/data_handler.py).
"$PY" - "$TMP/lstmvis" "$TMP/run.h5" <<'PYEOF'
import os, sys
import h5py, numpy as np, yaml
d = sys.argv[1]
config = yaml.safe_load(open(os.path.join(d, "lstm.yml")))
assert set(config) >= {"name", "description", "files", "word_sequence", "states"}, config
files = config["files"]
assert files == {"states": "states.h5", "word_ids": "words.h5", "dict": "train.dict"}, files
ws = config["word_sequence"]
assert ws == {"file": "word_ids", "path": "words", "dict_file": "dict"}, ws
h5 = {k: h5py.File(os.path.join(d, v), "r") for k, v in files.items() if v.endswith(".h5")}
id_to_word = {}
for line in open(os.path.join(d, files["dict"])):
    k, v = line.split()
    id_to_word[int(v)] = k
words = h5[ws["file"]][ws["path"]][:]
store = h5py.File(sys.argv[2], "r")
assert (words == store["tokens/ids"][:]).all()
assert all(int(w) in id_to_word for w in words)
types = config["states"]["types"]
assert config["states"]["file"] == "states"
assert [t["type"] for t in types[:2]] == ["output", "state"], types
assert {t["layer"] for t in types} == {1, 2}
for t in types:
    states = h5[config["states"]["file"]][t["path"]]
    assert states.shape == (len(words), 6), (t, states.shape)
    assert np.array_equal(states[:], store["tracks"][t["path"]][:]), t
print("lstmvis ok:", [t["path"] for t in types])
PYEOF

# 2b. --compress: the same states, deflated (smaller on disk, slower to read back).
"$CLI" extract --model "$M/lstm_bi.pt" --data "$TMP/data.tsv" --out "$TMP/small.h5" \
  --compress 1 --threads 2 > "$TMP/out.txt" 2> "$TMP/err.txt" || fail "--compress 1: $(cat "$TMP/err.txt")"
"$PY" - "$TMP/run.h5" "$TMP/small.h5" <<'PYEOF'
import sys
import h5py, numpy as np
plain, small = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
for name in plain["tracks"]:
    assert small["tracks"][name].compression == "gzip", name
    assert np.array_equal(plain["tracks"][name][:], small["tracks"][name][:]), name
print("compressed store ok")
PYEOF

# 2c. --shard K/N on three "machines", then merge: the same store as one run (docs/scaling.md).
for k in 1 2 3; do
  "$CLI" extract --model "$M/lstm_bi.pt" --data "$TMP/data.tsv" --out "$TMP/part$k.h5" \
    --shard "$k/3" --threads 2 > /dev/null 2> "$TMP/err.txt" || fail "--shard $k/3: $(cat "$TMP/err.txt")"
  grep -q "shard $k/3: samples" "$TMP/err.txt" || fail "--shard does not say its samples"
done
"$CLI" merge --out "$TMP/merged.h5" "$TMP/part3.h5" "$TMP/part1.h5" "$TMP/part2.h5" \
  > "$TMP/out.txt" 2> "$TMP/err.txt" || fail "merge: $(cat "$TMP/err.txt")"
grep -q "3 shards, 150 samples" "$TMP/out.txt" || fail "merge summary: $(cat "$TMP/out.txt")"
"$PY" - "$TMP/run.h5" "$TMP/merged.h5" <<'PYEOF'
import sys
import h5py, numpy as np
whole, merged = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
for name in whole["tracks"]:
    assert merged["tracks"][name].is_virtual, name
    assert np.array_equal(whole["tracks"][name][:], merged["tracks"][name][:]), name
for path in ["tokens/ids", "samples/offset", "samples/length", "predictions/label"]:
    assert np.array_equal(whole[path][:], merged[path][:]), path
print("merged shards ok")
PYEOF
set +e
"$CLI" merge --out "$TMP/gap.h5" "$TMP/part1.h5" "$TMP/part3.h5" > /dev/null 2> "$TMP/err.txt"
code=$?
set -e
[ "$code" = 1 ] || fail "merge with a missing shard exited $code"
grep -q "samples 51-100 are in none of the shards" "$TMP/err.txt" || fail "gap: $(cat "$TMP/err.txt")"
[ ! -e "$TMP/gap.h5" ] || fail "a failed merge left gap.h5"

# 3. Errors: exit 1, one line naming the problem, no file left behind.
expect_error() {
  local pattern=$1; shift
  set +e
  "$CLI" extract "$@" > "$TMP/out.txt" 2> "$TMP/err.txt"
  local code=$?
  set -e
  [ "$code" = 1 ] || fail "exit code $code, expected 1, for: $* ($(cat "$TMP/err.txt"))"
  [ "$(wc -l < "$TMP/err.txt")" = 1 ] || fail "expected one line on stderr for $*: $(cat "$TMP/err.txt")"
  grep -q -- "$pattern" "$TMP/err.txt" || fail "stderr lacks '$pattern': $(cat "$TMP/err.txt")"
}
expect_error "--model is required" --data "$TMP/data.tsv" --out "$TMP/x.h5"
expect_error "--out is required" --model "$M/lstm_bi.pt" --data "$TMP/data.tsv"
expect_error "--batch must be a positive" --model "$M/lstm_bi.pt" --data "$TMP/data.tsv" \
  --out "$TMP/x.h5" --batch 0
expect_error "--compress must be a level" --model "$M/lstm_bi.pt" --data "$TMP/data.tsv" \
  --out "$TMP/x.h5" --compress 12
expect_error "--shard must be K/N" --model "$M/lstm_bi.pt" --data "$TMP/data.tsv" \
  --out "$TMP/x.h5" --shard 4/3
expect_error "garbage.pt" --model "$M/garbage.pt" --data "$TMP/data.tsv" --out "$TMP/x.h5"
expect_error "nowhere.tsv" --model "$M/lstm_bi.pt" --data "$TMP/nowhere.tsv" --out "$TMP/x.h5"
expect_error "does not exist" --model "$M/lstm_bi.pt" --data "$TMP/data.tsv" \
  --out "$TMP/no/such/folder/x.h5"
# A feature model's series store fine, but LSTMVis needs words.
printf 'sequence,a,b,c,target\nA,1,2,3,0\nA,0.5,-1,2,1\nB,0,0,1,0\nB,1,1,1,1\nB,2,2,2,0\n' > "$TMP/series.csv"
"$CLI" extract --model "$M/rnn_tanh.pt" --data "$TMP/series.csv" --out "$TMP/series.h5" \
  > "$TMP/out.txt" 2> "$TMP/err.txt" || fail "feature model: $(cat "$TMP/err.txt")"
grep -q "2 samples, 5 tokens" "$TMP/out.txt" || fail "feature model summary: $(cat "$TMP/out.txt")"
expect_error "feature vectors" --model "$M/rnn_tanh.pt" --data "$TMP/series.csv" \
  --out "$TMP/series.h5" --lstmvis "$TMP/series-vis"
[ ! -e "$TMP/x.h5" ] || fail "a failed run left x.h5"
ls "$TMP" | grep -q '\.saving$' && fail "a failed run left a .saving file"
echo "extract CLI ok"
