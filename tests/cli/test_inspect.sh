#!/usr/bin/env bash
# `rnnscope-cli inspect` end to end: a user runs it on a model and reads the JSON. The hidden
# states it prints are checked against PyTorch running the same model (an independent reference),
# and bad calls must fail with the right exit code and a message on stderr.
#
#   bash test_inspect.sh <path to rnnscope-cli> <source dir>
set -euo pipefail
CLI=$1
SRC=$2
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

. "$SRC/tests/cli/models.sh"
M=$(test_models "$SRC" "$TMP/models") || exit 1
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. Bidirectional 2-layer LSTM classifier: shapes, gates, probabilities, and the last layer's
#    hidden states equal what the model's own nn.LSTM computes in PyTorch.
TEXT="hello (world)"
"$CLI" inspect --model "$M/lstm_bi.pt" --input "$TEXT" --json > "$TMP/lstm_bi.json"
"$PY" - "$TMP/lstm_bi.json" "$M/lstm_bi.pt" "$TEXT" <<'PYEOF'
import json, sys
import torch
d = json.load(open(sys.argv[1]))
text = sys.argv[3]
assert d["tokens"] == list(text), d["tokens"]
assert d["unknown_tokens"] == 0
p = d["prediction"]
assert p["label"] in ("x", "y", "z"), p
assert abs(sum(p["probabilities"].values()) - 1) < 1e-5, p
assert max(p["probabilities"], key=p["probabilities"].get) == p["label"]
assert len(d["attention"]) == 1 and len(d["attention"][0]) == len(text), "attention shape"
assert 0 <= d["max_abs_diff"] <= 1e-5, d["max_abs_diff"]
layers = d["layers"]
assert [(l["layer"], l["direction"]) for l in layers] == \
    [(0, "forward"), (0, "reverse"), (1, "forward"), (1, "reverse")], layers
for l in layers:
    assert l["module"] == "rnn" and l["kind"] == "LSTM"
    for name in ["hidden", "cell"] + ["gates." + g for g in ("input", "forget", "cell", "output")]:
        value = l["gates"][name[6:]] if name.startswith("gates.") else l[name]
        assert len(value) == len(text) and all(len(row) == 6 for row in value), name

m = torch.jit.load(sys.argv[2])
files = {"rnnscope.json": ""}
torch.jit.load(sys.argv[2], _extra_files=files)
vocab = json.loads(files["rnnscope.json"])["input"]["vocab"]
ids = torch.tensor([[vocab.index(c) for c in text]])
with torch.no_grad():
    out, (h_n, c_n) = m.rnn.forward__0(m.embed(ids))  # [1, T, 12]
ours = torch.cat([torch.tensor(layers[2]["hidden"]), torch.tensor(layers[3]["hidden"])], 1)
diff = (ours - out[0]).abs().max().item()
assert diff <= 1e-5, f"hidden states differ from PyTorch by {diff}"
cell = torch.tensor(layers[0]["cell"])[-1]
assert (cell - c_n[0, 0]).abs().max().item() <= 1e-5, "final cell state differs"
print("lstm_bi ok, max_abs_diff", d["max_abs_diff"], "vs PyTorch", diff)
PYEOF

# 2. Tagging with words: lowercase lookup, unknown words, projections, per-token labels.
"$CLI" inspect --model "$M/lstm_proj.pt" --input "The cat sat on a zebra" --json > "$TMP/proj.json"
"$PY" - "$TMP/proj.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tokens"] == ["The", "cat", "sat", "on", "a", "zebra"], d["tokens"]
assert d["unknown_tokens"] == 1
labels = d["prediction"]["labels"]
assert len(labels) == 6 and set(labels) <= {"DET", "NOUN", "VERB"}, labels
(layer,) = d["layers"]
assert len(layer["hidden"][0]) == 4 and len(layer["cell"][0]) == 10, "proj_size shapes"
assert 0 <= d["max_abs_diff"] <= 1e-5, d["max_abs_diff"]
assert "projected" in d["states"]
print("lstm_proj ok, max_abs_diff", d["max_abs_diff"])
PYEOF

# 3. Seq2seq with a target: teacher forced, attention T_out x T_in, both GRUs captured.
"$CLI" inspect --model "$M/seq2seq.pt" --input "12 may" --target "abc" --json > "$TMP/s2s.json"
"$PY" - "$TMP/s2s.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["output_tokens"] == ["a", "b", "c", "<eos>"], d["output_tokens"]
assert d["output_is_generated"] is False
att = d["attention"]
assert len(att) == 4 and all(len(r) == 6 for r in att), "attention must be T_out x T_in"
assert all(abs(sum(r) - 1) < 1e-5 for r in att)
assert "output_tokens" in d["prediction"]
mods = [(l["module"], l["direction"], len(l["hidden"])) for l in d["layers"]]
assert mods == [("encoder.rnn", "forward", 6), ("encoder.rnn", "reverse", 6),
                ("decoder.rnn", "forward", 4)], mods
assert set(d["layers"][2]["gates"]) == {"reset", "update", "new"}
assert 0 <= d["max_abs_diff"] <= 1e-5, d["max_abs_diff"]
print("seq2seq ok, max_abs_diff", d["max_abs_diff"])
PYEOF

# 4. Other cell types, and a model whose interpret() leaves out the GRU's input (captured from
#    what the GRU received).
for spec in "rnn_relu.pt|[x]|RNN_RELU" "gru_lm.pt|abc|GRU" "rnn_tanh.pt|1 2 3; 4 5 6|RNN_TANH" \
            "two_rnn.pt|abc|LSTM,GRU"; do
  IFS='|' read -r file input kind <<< "$spec"
  "$CLI" inspect --model "$M/$file" --input "$input" --json > "$TMP/out.json"
  "$PY" - "$TMP/out.json" "$kind" "$file" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["layers"] and all(l["kind"] in sys.argv[2].split(",") for l in d["layers"]), d["layers"]
assert 0 <= d["max_abs_diff"] <= 1e-5, d["max_abs_diff"]
if sys.argv[3] == "two_rnn.pt":
    assert {l["module"] for l in d["layers"]} == {"lstm", "gru"}, d["layers"]
    assert not d.get("not_captured") and not d["notes"], (d.get("not_captured"), d["notes"])
print(sys.argv[3], "ok, max_abs_diff", d["max_abs_diff"])
PYEOF
done

# 5. Without interpret(): states captured from what forward() itself computes, scripted or traced.
for model in forward_only standard_gru_traced; do
  "$CLI" inspect --model "$M/$model.pt" --input "abc" --json > "$TMP/fwd.json"
  "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["layers"] and all(l["module"] == "gru" for l in d["layers"]), d; assert not d["notes"], d["notes"]; assert d["max_abs_diff"] <= 1e-5' "$TMP/fwd.json" || fail "$model.pt: no states captured without interpret()"
done

# examples/check_model.py on the same standard models: what it captures, and plain messages (no
# Python traceback) for a traced model that breaks on other batch sizes and a vocabulary that
# does not fit the embedding.
"$PY" "$SRC/examples/check_model.py" "$M/standard_gru_traced.pt" > "$TMP/check.txt" 2>&1 \
  || fail "check_model.py standard_gru_traced.pt: $(cat "$TMP/check.txt")"
grep -q "no interpret(): rnnscope records what forward() gives gru" "$TMP/check.txt" \
  || fail "check_model.py does not say how a model without interpret() is captured"
for case in "standard_lstm_traced|torch.jit.script instead" "vocab_mismatch|no nn.Embedding"; do
  set +e
  "$PY" "$SRC/examples/check_model.py" "$M/${case%%|*}.pt" > "$TMP/check.txt" 2>&1
  code=$?
  set -e
  [ "$code" = 1 ] || fail "check_model.py ${case%%|*}.pt exited $code"
  grep -q "${case#*|}" "$TMP/check.txt" || fail "check_model.py ${case%%|*}.pt: $(cat "$TMP/check.txt")"
  ! grep -q Traceback "$TMP/check.txt" || fail "check_model.py ${case%%|*}.pt printed a traceback"
done

# 6. Errors: usage errors exit 2, unusable files or inputs exit 1, always with a message.
expect_exit() {
  local code=$1 pattern=$2; shift 2
  set +e
  "$CLI" "$@" > "$TMP/stdout" 2> "$TMP/stderr"
  local got=$?
  set -e
  [ "$got" = "$code" ] || fail "'$*' exited $got, expected $code: $(cat "$TMP/stderr")"
  grep -q -- "$pattern" "$TMP/stderr" || fail "'$*': stderr lacks '$pattern': $(cat "$TMP/stderr")"
  [ ! -s "$TMP/stdout" ] || fail "'$*' printed to stdout on error"
}
expect_exit 2 "--model is required" inspect --input abc --json
expect_exit 2 "--input is required" inspect --model "$M/lstm_bi.pt" --json
expect_exit 2 "Unknown option" inspect --model "$M/lstm_bi.pt" --input abc --bogus
expect_exit 1 "garbage.pt: is not a zip archive" inspect --model "$M/garbage.pt" --input abc --json
expect_exit 1 "truncated.pt: is damaged or truncated" inspect --model "$M/truncated.pt" --input a
expect_exit 1 "no_meta.pt: has no rnnscope.json" inspect --model "$M/no_meta.pt" --input abc
expect_exit 1 "missing.pt: no such file" inspect --model "$M/missing.pt" --input abc
expect_exit 1 "the input is empty" inspect --model "$M/lstm_bi.pt" --input "" --json
expect_exit 1 "at most 8 input tokens" inspect --model "$M/max_len.pt" --input "123456789"

echo "test_inspect: all checks passed"
