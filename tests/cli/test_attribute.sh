#!/usr/bin/env bash
# `rnnscope-cli attribute` as a user calls it: integrated gradients on the brackets demo add up
# (the default, adaptive Gauss-Legendre, says which rule and steps it used), each rule at fixed
# steps agrees with plain PyTorch on the same model (bench/attribution/peer.py), occlusion agrees
# with running the model again with the token replaced by pad, a class can be chosen by name,
# one output position of the dates demo (seq2seq) is explained with --position, and wrong calls
# get a clear message.
#   test_attribute.sh PATH/TO/rnnscope-cli SOURCE_DIR
set -u
cli="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
model="$src/resources/demo/brackets/brackets.pt"
[ -f "$model" ] || { echo "FAIL: $model is missing (git checkout -- resources/demo)" >&2; exit 1; }
input='(([]{})]'

# The default: adaptive Gauss-Legendre from 50 steps; the JSON says what was computed.
"$cli" attribute --model "$model" --input "$input" --method ig --json >"$tmp/ig.json" \
    2>"$tmp/err.txt" || fail "attribute --method ig exited $?: $(cat "$tmp/err.txt")"
/usr/bin/python3 - "$tmp/ig.json" "$input" <<'PY' || fail "ig JSON: $(cat "$tmp/ig.json")"
import json, sys
out, text = json.load(open(sys.argv[1])), sys.argv[2]
assert out["method"] == "ig" and out["baseline"] == "pad", out
assert out["rule"] == "gausslegendre" and out["adaptive"] is True, out
assert out["steps_requested"] == 50 and out["max_steps"] == 800, out
assert out["steps"] in (50, 100, 200, 400, 800), out["steps"]
assert out["evaluations"] >= out["steps"] + 2, out
assert out["tokens"] == list(text), out["tokens"]
assert len(out["scores"]) == len(text)
assert out["target"] == out["predicted"], "the default target is the predicted class"
assert out["completeness_error"] < 0.01, out["completeness_error"]
change = out["output"] - out["baseline_output"]
assert abs(sum(out["scores"]) - change) <= 0.01 * abs(change)
PY

# Each rule at fixed steps against the same integral in plain PyTorch on the same model.
for rule in riemann_trapezoid gausslegendre; do
    "$cli" attribute --model "$model" --input "$input" --method ig --rule $rule --fixed-steps \
        --json >"$tmp/$rule.json" 2>"$tmp/err.txt" || fail "--rule $rule exited $?: $(cat "$tmp/err.txt")"
    /usr/bin/python3 "$src/bench/attribution/peer.py" "$model" "$input" 50 1 1 $rule \
        >"$tmp/peer.json" || fail "the PyTorch peer failed ($rule)"
    /usr/bin/python3 - "$tmp/$rule.json" "$tmp/peer.json" $rule <<'PY' || fail "$rule: $(cat "$tmp/$rule.json")"
import json, sys
out, peer, rule = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
assert out["rule"] == rule and out["steps"] == 50 and out["adaptive"] is False, out
assert "max_steps" not in out
assert out["evaluations"] == (51 if rule == "riemann_trapezoid" else 52), out["evaluations"]
for ours, theirs in zip(out["scores"], peer["scores"]):
    assert abs(ours - theirs) < 1e-3, (out["scores"], peer["scores"])
assert abs(out["completeness_error"] - peer["completeness_error"]) < 1e-3
PY
done
"$cli" attribute --model "$model" --input "$input" --rule simpson >/dev/null 2>"$tmp/e.txt"
[ $? -eq 2 ] || fail "--rule simpson is not a usage error"
grep -q "gausslegendre" "$tmp/e.txt" || fail "the usage error does not list the rules"

"$cli" attribute --model "$model" --input "$input" --method occlusion --target balanced --json \
    >"$tmp/occ.json" 2>"$tmp/err.txt" || fail "occlusion exited $?: $(cat "$tmp/err.txt")"
/usr/bin/python3 - "$tmp/occ.json" "$model" "$input" <<'PY' || fail "occlusion JSON: $(cat "$tmp/occ.json")"
import json, sys
import torch
out, model, text = json.load(open(sys.argv[1])), torch.jit.load(sys.argv[2]), sys.argv[3]
assert out["target"]["label"] == "balanced" and out["target"]["index"] == 0, out["target"]
assert "completeness_error" not in out
extra = {"rnnscope.json": ""}
torch.jit.load(sys.argv[2], _extra_files=extra)
vocab = json.loads(extra["rnnscope.json"])["input"]["vocab"]
ids = torch.tensor([[vocab.index(c) for c in text]])
lengths = torch.tensor([len(text)])
with torch.no_grad():
    full = float(model(ids, lengths)[0, 0])
    for t, score in enumerate(out["scores"]):
        occluded = ids.clone()
        occluded[0, t] = 0  # pad
        expected = full - float(model(occluded, lengths)[0, 0])
        assert abs(score - expected) < 1e-4, (t, score, expected)
PY

"$cli" attribute --model "$model" --input "$input" --method grad >"$tmp/grad.txt" 2>&1 \
    || fail "grad without --json exited $?"
[ "$(grep -c '^ *[0-9]\+  ' "$tmp/grad.txt")" -eq ${#input} ] || fail "grad table: $(cat "$tmp/grad.txt")"

# Wrong calls: a usage error exits 2, a model or input that cannot be attributed exits 1.
"$cli" attribute --model "$model" --input "$input" --method shap >/dev/null 2>"$tmp/e.txt"
[ $? -eq 2 ] || fail "--method shap is not a usage error"
grep -q "grad, ig or occlusion" "$tmp/e.txt" || fail "the usage error does not list the methods"
"$cli" attribute --model "$model" >/dev/null 2>"$tmp/e.txt"
[ $? -eq 2 ] || fail "a missing --input is not a usage error"
"$cli" attribute --model "$model" --input "$input" --target 7 >/dev/null 2>"$tmp/e.txt"
[ $? -eq 1 ] || fail "--target 7 on a 2-class model does not exit 1"
grep -q "not one of the model's 2 classes" "$tmp/e.txt" || fail "class 7: $(cat "$tmp/e.txt")"
"$cli" attribute --model "$model" --input "$input" --target nonsense >/dev/null 2>"$tmp/e.txt"
[ $? -eq 1 ] || fail "--target nonsense does not exit 1"
grep -q "balanced, unbalanced" "$tmp/e.txt" || fail "the error does not list the classes"
"$cli" attribute --model "$model" --input "" >/dev/null 2>"$tmp/e.txt"
[ $? -eq 1 ] || fail "an empty input does not exit 1"
grep -q "empty" "$tmp/e.txt" || fail "the empty input's message: $(cat "$tmp/e.txt")"
"$cli" attribute --model "$model" --input "$input" --position 2 >/dev/null 2>"$tmp/e.txt"
[ $? -eq 1 ] || fail "--position 2 on a classifier does not exit 1"
grep -q "one output per sequence" "$tmp/e.txt" || fail "position on a classifier: $(cat "$tmp/e.txt")"
"$cli" attribute --model "$model" --input "$input" --position 0 >/dev/null 2>"$tmp/e.txt"
[ $? -eq 2 ] || fail "--position 0 is not a usage error"

# Seq2seq: one output position of the dates demo, its own token against the reference's.
dates="$src/resources/demo/dates/dates.pt"
if [ -f "$dates" ]; then
    "$cli" attribute --model "$dates" --input "Nov 26, 2026" --reference "2026-11-26" \
        --position 10 --json >"$tmp/dates.json" 2>"$tmp/err.txt" \
        || fail "dates --position 10 exited $?: $(cat "$tmp/err.txt")"
    /usr/bin/python3 - "$tmp/dates.json" <<'PY' || fail "dates JSON: $(cat "$tmp/dates.json")"
import json, sys
out = json.load(open(sys.argv[1]))
assert out["position"] == 10 and out["output_token"] == "6", out
assert "".join(out["output_tokens"]) == "2026-11-26<eos>", out["output_tokens"]
assert out["target"]["label"] == "6" and out["reference"]["label"] == "6", out
assert out["completeness_error"] < 0.01, out["completeness_error"]
change = out["output"] - out["baseline_output"]
assert abs(sum(out["scores"]) - change) <= 0.01 * abs(change)
assert len(out["scores"]) == len("Nov 26, 2026")
PY
    # Occlusion at output 4 against the model run again in PyTorch, teacher forced on its output.
    "$cli" attribute --model "$dates" --input "Nov 26, 2026" --method occlusion --position 4 \
        --json >"$tmp/docc.json" 2>"$tmp/err.txt" || fail "dates occlusion exited $?: $(cat "$tmp/err.txt")"
    /usr/bin/python3 - "$tmp/docc.json" "$dates" <<'PY' || fail "dates occlusion: $(cat "$tmp/docc.json")"
import json, sys
import torch
out, path = json.load(open(sys.argv[1])), sys.argv[2]
extra = {"rnnscope.json": ""}
model = torch.jit.load(path, _extra_files=extra)
meta = json.loads(extra["rnnscope.json"])
vocab, target = meta["input"]["vocab"], meta["target_vocab"]
text = "Nov 26, 2026"
src = torch.tensor([[vocab.index(c) for c in text]])
tgt = torch.tensor([[target.index(meta["bos"])] + [target.index(t) for t in out["output_tokens"]]])
lengths, tgt_lengths = torch.tensor([len(text)]), torch.tensor([tgt.size(1)])
c = out["target"]["index"]
assert out["position"] == 4 and out["output_token"] == "6", out
with torch.no_grad():
    full = float(model(src, lengths, tgt, tgt_lengths)[0, 3, c])
    assert abs(out["output"] - full) < 1e-4, (out["output"], full)
    for t, score in enumerate(out["scores"]):
        occluded = src.clone()
        occluded[0, t] = 0  # pad
        expected = full - float(model(occluded, lengths, tgt, tgt_lengths)[0, 3, c])
        assert abs(score - expected) < 1e-4, (t, score, expected)
PY
    "$cli" attribute --model "$dates" --input "Nov 26, 2026" --position 40 >/dev/null 2>"$tmp/e.txt"
    [ $? -eq 1 ] || fail "--position 40 past the output does not exit 1"
    grep -q "output position 40 is not one of the sample's 11" "$tmp/e.txt" || fail "position 40: $(cat "$tmp/e.txt")"
fi
# A tutorial-style model: a log_softmax head (its outputs are log-probabilities, and are named so)
# and an embedding without padding_idx (a pad baseline that is not zeros gets a note).
. "$src/tests/cli/models.sh"
models=$(test_models "$src" "$tmp/models") || exit 1
"$cli" attribute --model "$models/lstm_tutorial.pt" --input "ab(c" --method ig --json \
    >"$tmp/t.json" 2>"$tmp/err.txt" || fail "tutorial model exited $?: $(cat "$tmp/err.txt")"
grep -q '"output_name": "log-probability"' "$tmp/t.json" || fail "log-probability: $(cat "$tmp/t.json")"
grep -q "not zeros (the embedding has no padding_idx)" "$tmp/err.txt" || fail "pad note: $(cat "$tmp/err.txt")"
grep -q '"output_name": "logit"' "$tmp/ig.json" || fail "the demo's outputs are logits: $(cat "$tmp/ig.json")"
"$cli" attribute --model "$models/lstm_tutorial.pt" --input "ab(c" --method ig --baseline zeros \
    >/dev/null 2>"$tmp/err.txt" || fail "--baseline zeros exited $?"
! grep -q "padding_idx" "$tmp/err.txt" || fail "a zeros baseline needs no note: $(cat "$tmp/err.txt")"
# A forecaster (task regression, input features): its features are the points, forward() is what
# is explained, by default its forecast at the last step. Against PyTorch's own gradient.
sun="$src/resources/demo/sunspots/sunspots.pt"
for method in grad ig; do
    "$cli" attribute --model "$sun" --input "146.3;106.0;102.2;90" --method $method --json \
        >"$tmp/sun-$method.json" 2>"$tmp/err.txt" || fail "forecaster $method: $(cat "$tmp/err.txt")"
done
/usr/bin/python3 - "$tmp/sun-grad.json" "$tmp/sun-ig.json" "$sun" <<'PY' || fail "forecaster: $(cat "$tmp/sun-grad.json")"
import json, sys
import torch
grad, ig = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
model = torch.jit.load(sys.argv[3])
x = torch.tensor([[[146.3], [106.0], [102.2], [90.0]]], requires_grad=True)
out = model(x, torch.tensor([4]))[0, -1, 0]
out.backward()
assert grad["position"] == 4 and grad["target"]["label"] == "sunspots next month", grad
assert grad["output_name"] == "predicted value", grad["output_name"]
assert abs(grad["output"] - float(out)) < 1e-3, (grad["output"], float(out))
want = (x.grad * x).detach()[0, :, 0].tolist()  # gradient x input, per step
for got, w in zip(grad["scores"], want):
    assert abs(got - w) < 1e-3 * max(1.0, abs(w)), (grad["scores"], want)
assert ig["completeness_error"] < 0.01 and ig["baseline"] == "zeros", ig
# The output strip is the forecast at each step, not the input values.
with torch.no_grad():
    steps = model(x, torch.tensor([4]))[0, :, 0].tolist()
assert len(grad["output_tokens"]) == 4, grad["output_tokens"]
for got, w in zip(grad["output_tokens"], steps):
    assert abs(float(got) - w) < 1e-3 * max(1.0, abs(w)), (grad["output_tokens"], steps)
assert abs(float(grad["output_token"]) - steps[-1]) < 1e-3 * max(1.0, abs(steps[-1])), grad
PY
"$cli" attribute --model "$sun" --input "146.3;106.0" --method ig | head -1 | grep -q 'of “sunspots next month” at step 2 (predicted value' ||
    fail "forecaster text: $("$cli" attribute --model "$sun" --input "146.3;106.0" --method ig | head -1)"
echo "PASS"
