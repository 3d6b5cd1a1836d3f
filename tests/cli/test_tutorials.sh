#!/usr/bin/env bash
# Public PyTorch tutorials' models, trained and exported by examples/tutorials/ with
# rnnscope.export() (docs/your-model.md), opened as a user opens them: the export stays within
# the lines docs/your-model.md states, check_model passes, and the states rnnscope captures
# equal what the tutorial's own model computes in PyTorch (1e-5).
#
#   bash test_tutorials.sh <path to rnnscope-cli> <source dir>
set -euo pipefail
CLI=$1
SRC=$2
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Export lines: between the markers, as docs/your-model.md counts and prints them.
export_lines() {
  awk '/# --- rnnscope export ---/{on=1; next} /# --- end of rnnscope export ---/{on=0} on && NF' "$1" | wc -l
}
for tutorial in names_classifier pos_tagger; do
  file="$SRC/examples/tutorials/$tutorial.py"
  n=$(export_lines "$file")
  [ "$n" -ge 1 ] && [ "$n" -le 10 ] || fail "$tutorial.py: $n export lines (at most 10)"
  grep -q "| \`$tutorial.py\` .*| $n |" "$SRC/docs/your-model.md" \
    || fail "docs/your-model.md does not state $n export lines for $tutorial.py"
done

"$PY" "$SRC/examples/tutorials/names_classifier.py" "$TMP/names.pt" --quick > "$TMP/names.log" 2>&1 \
  || fail "names_classifier.py: $(tail -5 "$TMP/names.log")"
grep -q '^OK$' "$TMP/names.log" || fail "names_classifier.py: the checks did not pass"
"$PY" "$SRC/examples/tutorials/pos_tagger.py" "$TMP/pos.pt" > "$TMP/pos.log" 2>&1 \
  || fail "pos_tagger.py: $(tail -5 "$TMP/pos.log")"

"$CLI" inspect --model "$TMP/names.pt" --input "Schneider" --json > "$TMP/names.json"
"$CLI" inspect --model "$TMP/pos.pt" --input "Everybody ate the apple" --json > "$TMP/pos.json"
"$PY" - "$TMP" <<'PYEOF'
import json, sys
import torch
tmp = sys.argv[1]
torch.set_grad_enabled(False)

def close(ours, theirs, what):
    diff = float((torch.tensor(ours) - theirs).abs().max())
    assert diff <= 1e-5, f"{what}: {diff}"

# The name classifier: one-hot letters into the tutorial's nn.RNN, time major, batch of one.
d = json.load(open(f"{tmp}/names.json"))
m = torch.jit.load(f"{tmp}/names.pt")
files = {"rnnscope.json": ""}
torch.jit.load(f"{tmp}/names.pt", _extra_files=files)
vocab = json.loads(files["rnnscope.json"])["input"]["vocab"]
x = torch.zeros(len("Schneider"), 1, len(vocab))
for t, c in enumerate("Schneider"):
    x[t, 0, vocab.index(c)] = 1
out, h = m.model.rnn.forward__0(x, None)  # a scripted nn.RNN: its Tensor overload
layer = d["layers"][0]
assert layer["module"] == "model.rnn", layer["module"]
close(layer["hidden"], out[:, 0], "names hidden")
close(d["logits"], m.model(x), "names logits")

# The tagger: word ids into its embedding and nn.LSTM, one sentence without a batch dimension.
d = json.load(open(f"{tmp}/pos.json"))
m = torch.jit.load(f"{tmp}/pos.pt", _extra_files=files)
vocab = json.loads(files["rnnscope.json"])["input"]["vocab"]
ids = torch.tensor([vocab.index(w) for w in "Everybody ate the apple".split()])
out, _ = m.model.lstm.forward__0(m.model.word_embeddings(ids).view(len(ids), 1, -1), None)
layer = d["layers"][0]
close(layer["hidden"], out[:, 0], "tagger hidden")
close(d["logits"], m.model(ids), "tagger logits")
assert d["prediction"]["labels"] == ["NN", "V", "DET", "NN"], d["prediction"]
print("tutorial models ok")
PYEOF

# rnnscope.export() with what an outside user tried: a time-major forward(x, lengths), and the
# mistakes that must end in one ExportError line, not a traceback or a file the CLI refuses.
# (TorchScript reads the model classes' source, so the script is a file, not stdin.)
cat > "$TMP/export_test.py" <<'PYEOF'
import sys
sys.path.insert(0, sys.argv[1] + "/python")
import torch
from torch import nn
import rnnscope

vocab = ["<pad>", "<unk>"] + list("abcdefgh")

class TimeMajor(nn.Module):  # reads [T, B] ids and the lengths, packs
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(len(vocab), 4, padding_idx=0)
        self.rnn = nn.LSTM(4, 5)
        self.out = nn.Linear(5, 2)
    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(x), lengths, enforce_sorted=False)
        _, (h, _) = self.rnn(packed)
        return self.out(h[-1])

class Pair(nn.Module):  # returns (logits, hidden)
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(len(vocab), 4)
        self.rnn = nn.GRU(4, 5, batch_first=True)
        self.out = nn.Linear(5, 2)
    def forward(self, x):
        y, h = self.rnn(self.embedding(x))
        return self.out(y[:, -1]), h

torch.manual_seed(0)
training = TimeMajor().train()  # exported mid-training, as a checkpoint each epoch
rnnscope.export(training, sys.argv[2] + "/tm.pt", task="classification", vocab=vocab,
                labels=["no", "yes"], time_major=True)
# Saved in eval mode, given back in training mode: dropout stays on for the rest of training.
assert all(m.training for m in training.modules()), "export() left the model in eval mode"
assert not torch.jit.load(sys.argv[2] + "/tm.pt").training
for model, labels, expected in [(Pair(), ["no", "yes"], "only the logits"),
                                (TimeMajor(), ["a", "b", "c"], "names 3")]:
    try:
        rnnscope.export(model, sys.argv[2] + "/bad.pt", task="classification", vocab=vocab,
                        labels=labels, time_major=isinstance(model, TimeMajor))
        raise SystemExit(f"export() took {type(model).__name__} with {labels}")
    except rnnscope.ExportError as e:
        assert expected in str(e), str(e)
print("export ok")
PYEOF
"$PY" "$TMP/export_test.py" "$SRC" "$TMP" > "$TMP/export.log" 2>&1 || fail "export(): $(cat "$TMP/export.log")"
grep -q "export ok" "$TMP/export.log" || fail "export(): $(cat "$TMP/export.log")"
"$CLI" inspect --model "$TMP/tm.pt" --input "abc" --json > "$TMP/tm.json"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["layers"] and d["layers"][0]["module"] == "model.rnn" and d["max_abs_diff"] <= 1e-5, d' "$TMP/tm.json" \
  || fail "time-major export: states not captured"
echo "tutorials ok"

