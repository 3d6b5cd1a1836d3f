#!/usr/bin/env bash
# `rnnscope-cli beam` as a user calls it, every number against PyTorch itself:
#   * width 1 writes what the model's own generate() writes (dates demo, 12 samples);
#   * every hypothesis's score equals log P(output | source) from the model's forward(),
#     teacher forced (independent of decode_step), to 1e-4;
#   * the hypotheses and the tree equal python/rnnscope/decoding.py's beam search;
#   * a forced prefix starts every hypothesis; sampling with top-k 1 is greedy, its counts add up;
#   * an attention edit is the weights the step used, and the output equals a PyTorch greedy
#     decode given the same weights;
#   * wrong calls (no step methods, a classifier, steps that disagree with generate(), a prefix
#     token outside the vocabulary, width 0 or 1000, an edit outside the source) exit non-zero
#     with one line that says what to change; a decoder that never ends is cut and marked.
#   test_beam.sh PATH/TO/rnnscope-cli SOURCE_DIR
set -u
cli="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
. "$src/tests/cli/models.sh"
M=$(test_models "$src" "$tmp/models") || exit 1
dates="$src/resources/demo/dates/dates.pt"
data="$src/resources/demo/dates/dates.tsv"
[ -f "$dates" ] || fail "$dates is missing (git checkout -- resources/demo)"

for n in 1 2 3 5 8 13 21 34 55 89 144 233; do
    "$cli" beam --model "$dates" --data "$data" --sample $n --width 1 --json >"$tmp/w1-$n.json" \
        2>"$tmp/err.txt" || fail "beam --width 1 --sample $n exited $?: $(cat "$tmp/err.txt")"
    "$cli" beam --model "$dates" --data "$data" --sample $n --width 5 --alpha 0.7 --json \
        >"$tmp/w5-$n.json" 2>"$tmp/err.txt" || fail "beam --sample $n: $(cat "$tmp/err.txt")"
done
"$cli" beam --model "$dates" --input "Nov. 3rd, 2024" --width 8 --json >"$tmp/w8.json" ||
    fail "beam --width 8 --input"
"$cli" beam --model "$dates" --input "Nov. 3rd, 2024" --width 6 --prefix "2042-" --json \
    >"$tmp/prefix.json" || fail "beam --prefix"
"$cli" beam --model "$dates" --input "Nov. 3rd, 2024" --samples 40 --top-k 1 --json \
    >"$tmp/topk1.json" || fail "beam --samples --top-k 1"
"$cli" beam --model "$dates" --input "Nov. 3rd, 2024" --samples 200 --temperature 1.5 --seed 7 \
    --json >"$tmp/samples.json" || fail "beam --samples"
"$cli" beam --model "$dates" --input "Nov. 3rd, 2024" --width 1 --attend 9:14 --attend 10:6-7 \
    --json >"$tmp/attend.json" 2>"$tmp/err.txt" || fail "beam --attend: $(cat "$tmp/err.txt")"
"$cli" beam --model "$dates" --input "Nov. 3rd, 2024" --width 1 --ignore 9:7 --json \
    >"$tmp/ignore.json" 2>"$tmp/err.txt" || fail "beam --ignore: $(cat "$tmp/err.txt")"

PYTHONPATH="$src/python" /usr/bin/python3 - "$tmp" "$dates" <<'PY' || fail "beam against PyTorch"
import json, sys
import torch
import rnnscope.decoding as dec

tmp, path = sys.argv[1], sys.argv[2]
model = torch.jit.load(path)
extra = {"rnnscope.json": ""}
torch.jit.load(path, _extra_files=extra)
meta = json.loads(extra["rnnscope.json"])
vocab, tvocab = meta["input"]["vocab"], meta["target_vocab"]
bos, eos = tvocab.index(meta["bos"]), tvocab.index(meta["eos"])

def source(out):
    ids = [vocab.index(t) if t in vocab else vocab.index(meta["input"]["unk"])
           for t in out["source_tokens"]]
    return torch.tensor([ids]), torch.tensor([len(ids)])

def ids(tokens):
    return [tvocab.index(t) for t in tokens]

def check_scores(out, name):
    s, l = source(out)
    for h in out["hypotheses"]:
        want = dec.teacher_forced_log_prob(model, s, l, bos, ids(h["tokens"]))
        assert abs(want - h["score"]) < 1e-4, (name, h["tokens"], want, h["score"])
        if h["ended"]:
            assert h["tokens"][-1] == meta["eos"], (name, h)

for n in [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233]:
    one = json.load(open(f"{tmp}/w1-{n}.json"))
    s, l = source(one)
    generated = [int(i) for i in model.generate(s, l, 64)[0]]
    best = one["hypotheses"][0]
    assert ids(best["tokens"]) == generated, (n, best["tokens"], generated)
    assert len(one["hypotheses"]) == 1
    five = json.load(open(f"{tmp}/w5-{n}.json"))
    check_scores(five, f"sample {n}")
    hyps, tree = dec.beam_search(model, s, l, bos, eos, width=5, alpha=0.7)
    assert [ids(h["tokens"]) for h in five["hypotheses"]] == [h["tokens"] for h in hyps], n
    for a, b in zip(five["hypotheses"], hyps):
        assert abs(a["normalised_score"] - b["normalised_score"]) < 1e-9, (a, b)
    assert len(five["tree"]) == len(tree), (n, len(five["tree"]), len(tree))
    for a, b in zip(five["tree"], tree):
        assert (a["parent"], tvocab.index(a["token"]), a["step"]) == (b["parent"], b["token"], b["step"])
        assert abs(a["log_prob"] - b["log_prob"]) < 1e-9
    ref = five["reference"]
    # The reference is the dataset's target; the demo gets it right, so it ranks among the beam.
    assert ref["rank"] is not None and ref["left_at_step"] is None, ref
    want = dec.teacher_forced_log_prob(model, s, l, bos, ids(ref["tokens"]))
    assert abs(want - ref["score"]) < 1e-4, (ref, want)

eight = json.load(open(f"{tmp}/w8.json"))
check_scores(eight, "width 8")
assert len(eight["hypotheses"]) == 8 and eight["hypotheses"][0]["text"] == "2024-11-03", eight["hypotheses"][0]
scores = [h["normalised_score"] for h in eight["hypotheses"]]
assert scores == sorted(scores, reverse=True), scores

prefix = json.load(open(f"{tmp}/prefix.json"))
check_scores(prefix, "prefix")
for h in prefix["hypotheses"]:
    assert h["tokens"][:5] == list("2042-"), h["tokens"]
assert all(n.get("forced") for n in prefix["tree"] if 1 <= n["step"] <= 5)

topk1 = json.load(open(f"{tmp}/topk1.json"))
assert len(topk1["hypotheses"]) == 1 and topk1["hypotheses"][0]["count"] == 40, topk1["hypotheses"]
assert topk1["hypotheses"][0]["text"] == "2024-11-03"
samples = json.load(open(f"{tmp}/samples.json"))
check_scores(samples, "samples")
assert sum(h["count"] for h in samples["hypotheses"]) == 200
assert len(samples["hypotheses"]) > 1, "temperature 1.5 drew one output 200 times"
root = samples["tree"][0]
assert sum(n["count"] for n in samples["tree"] if n["parent"] == 0) == 200

s, l = source(eight)
T = l.item()
for name, edits in (("attend", {9: [13], 10: [5, 6]}), ("ignore", None)):
    out = json.load(open(f"{tmp}/{name}.json"))
    best = out["hypotheses"][0]
    if edits:
        weights = {step: torch.tensor([1.0 / len(p) if i in p else 0.0 for i in range(T)])
                   for step, p in edits.items()}
    else:
        own = dec.greedy_by_steps(model, s, l, bos, eos, 64)[1][8]
        w = torch.tensor(own)
        w[6] = 0
        weights = {9: w / w.sum()}
    tokens, rows = dec.greedy_by_steps(model, s, l, bos, eos, 64, attend=weights)
    assert ids(best["tokens"]) == tokens, (name, best["tokens"], tokens)
    for step, w in weights.items():
        got = best["attention"][step - 1]
        assert max(abs(a - b) for a, b in zip(got, w.tolist())) < 1e-6, (name, step, got)
    assert all(n.get("edited") for n in out["tree"] if n["step"] in weights)
print("ok")
PY

# Over the dataset: batched sentences (an odd batch size) give each sample's reference the rank
# the plain PyTorch search gives it alone, at every width.
"$cli" beam --model "$dates" --data "$data" --over-dataset --width 3 --max-samples 24 --batch 7 \
    --json >"$tmp/over.json" 2>"$tmp/err.txt" || fail "beam --over-dataset: $(cat "$tmp/err.txt")"
PYTHONPATH="$src/python" /usr/bin/python3 - "$tmp/over.json" "$dates" "$data" <<'PY' ||
import json, sys
import torch
import rnnscope.decoding as dec
out = json.load(open(sys.argv[1]))
extra = {"rnnscope.json": ""}
model = torch.jit.load(sys.argv[2], _extra_files=extra)
meta = json.loads(extra["rnnscope.json"])
vocab, tvocab = meta["input"]["vocab"], meta["target_vocab"]
bos, eos = tvocab.index(meta["bos"]), tvocab.index(meta["eos"])
lines = open(sys.argv[3]).read().splitlines()
assert out["samples"] == 24 and len(out["per_sample"]) == 24 and out["max_width"] == 3, out["samples"]
for k in range(3):
    ranks = [p["ranks"][k] for p in out["per_sample"]]
    assert abs(out["widths"][k]["reference_in_beam"] - sum(r is not None for r in ranks) / 24) < 1e-12
    assert abs(out["widths"][k]["exact_match"] - sum(r == 1 for r in ranks) / 24) < 1e-12
widest = [p["ranks"][2] for p in out["per_sample"]]
assert out["reference_ranks"]["at_rank"] == [widest.count(r) for r in (1, 2, 3)], out["reference_ranks"]
assert out["reference_ranks"]["not_in_beam"] == widest.count(None)
for p in out["per_sample"]:
    source, target = lines[p["sample"] - 1].split("\t")[:2]
    src = torch.tensor([[vocab.index(c) if c in vocab else 1 for c in source]])
    reference = [tvocab.index(c) for c in target] + [eos]
    for k in (1, 2, 3):
        hyps, _ = dec.beam_search(model, src, torch.tensor([src.size(1)]), bos, eos, width=k)
        found = [h["tokens"] for h in hyps]
        want = found.index(reference) + 1 if reference in found else None
        assert p["ranks"][k - 1] == want, (p, k, want)
print("ok")
PY
    fail "beam --over-dataset against PyTorch: $(cat "$tmp/over.json" | head -c 600)"

# Text form: the ranking, the tree's size, the reference.
"$cli" beam --model "$dates" --data "$data" --sample 3 --width 3 >"$tmp/b.txt" ||
    fail "beam text"
grep -q '^  1  1977-03-18 ' "$tmp/b.txt" && grep -q '^tree       [0-9]* nodes' "$tmp/b.txt" &&
    grep -q '^reference  1977-03-18  log-prob .*ranked 1' "$tmp/b.txt" || fail "$(cat "$tmp/b.txt")"

# A decoder that never writes eos: cut at the maximum length, and said so.
"$cli" beam --model "$M/seq2seq_steps.pt" --input abc --width 3 --max-length 6 --json \
    >"$tmp/cut.json" || fail "beam on the untrained test model"
/usr/bin/python3 -c "
import json, sys
out = json.load(open('$tmp/cut.json'))
assert out['stopped_at_max_length'] and not any(h['ended'] for h in out['hypotheses']), out
assert all(len(h['tokens']) == 6 for h in out['hypotheses'])
" || fail "cut hypotheses: $(cat "$tmp/cut.json")"
"$cli" beam --model "$M/seq2seq_steps.pt" --input abc --max-length 6 | grep -q 'cut at the maximum length' ||
    fail "the text form does not mark a cut hypothesis"

expect() {  # expect CODE PATTERN ARGS...
    local code="$1" pattern="$2"
    shift 2
    "$cli" "$@" >"$tmp/out.txt" 2>"$tmp/err.txt"
    local got=$?
    [ "$got" = "$code" ] || fail "$* exited $got, expected $code: $(cat "$tmp/err.txt")"
    grep -q -- "$pattern" "$tmp/err.txt" || fail "$*: stderr lacks '$pattern': $(cat "$tmp/err.txt")"
}
expect 1 'has no decode_start() or decode_step() method; to explore its decoding, export' \
    beam --model "$M/seq2seq.pt" --input abc
expect 1 'only a seq2seq model has a decoder to explore; this one is a classification model' \
    beam --model "$src/resources/demo/brackets/brackets.pt" --input '(()'
expect 1 'does not write what generate() writes on the test input .*stepping writes \[' beam --model "$M/seq2seq_steps_wrong.pt" --input abc
expect 1 'the prefix has a token the model.s target vocabulary lacks: "x"' \
    beam --model "$dates" --input "1 May 2020" --prefix "20x"
expect 2 '--width must be 1 to 32, not 0' beam --model "$dates" --input "1 May 2020" --width 0
expect 2 '--width must be 1 to 32, not 1000' beam --model "$dates" --input "1 May 2020" --width 1000
expect 1 'the source has 10 tokens' beam --model "$dates" --input "1 May 2020" --attend 3:11
expect 1 'write STEP:SOURCES' beam --model "$dates" --input "1 May 2020" --attend 3
expect 1 'leave room to decode on' beam --model "$dates" --input "1 May 2020" --prefix 2020 --max-length 4
expect 2 'go with --samples N' beam --model "$dates" --input "1 May 2020" --temperature 2
expect 2 'either --input TEXT or --data D --sample N' beam --model "$dates"
expect 2 '--over-dataset needs --data D' beam --model "$dates" --over-dataset
expect 2 '--prefix is for one sentence, not --over-dataset' beam --model "$dates" --data "$data" \
    --over-dataset --prefix 19
# examples/check_model.py checks the same: stepping against generate().
/usr/bin/python3 "$src/examples/check_model.py" "$dates" >"$tmp/check.txt" 2>&1 ||
    fail "check_model.py dates.pt: $(cat "$tmp/check.txt")"
grep -q "greedy stepping writes what generate() writes" "$tmp/check.txt" || fail "$(cat "$tmp/check.txt")"
/usr/bin/python3 "$src/examples/check_model.py" "$M/seq2seq_steps_wrong.pt" >"$tmp/check.txt" 2>&1 &&
    fail "check_model.py passed seq2seq_steps_wrong.pt"
grep -q "FAIL: greedy decoding with decode_step() writes .* generate() .*one step of generate()'s loop" \
    "$tmp/check.txt" || fail "$(cat "$tmp/check.txt")"
echo "ok: beam"
