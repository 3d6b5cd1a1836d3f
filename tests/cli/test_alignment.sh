#!/usr/bin/env bash
# `rnnscope-cli alignment` as a user calls it: the score of a seq2seq model's attention against
# true source spans, checked against the same argmax computed in PyTorch on the model's own
# interpret(), plus the messages for every way the call can be wrong.
#   test_alignment.sh PATH/TO/rnnscope-cli SOURCE_DIR
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
models=$(test_models "$src" "$tmp/models") || exit 1
printf 'ab cd ef\tabcd\t0:1 1:2 3:4 4:5\nhij (gab)\tjgab\t2:3 5:6 6:7 7:8\nc d e f g h\tcdefgh\t0:1 2:3 4:5 6:7 8:9 10:11\n' >"$tmp/pairs.tsv"

# 1. The JSON result: 14 target characters with spans in 3 samples, progress on stderr only.
"$cli" alignment --model "$models/seq2seq.pt" --data "$tmp/pairs.tsv" --json --batch-size 2 \
    >"$tmp/out.json" 2>"$tmp/err.txt" || fail "alignment exited $?: $(cat "$tmp/err.txt")"
grep -q "alignment: 3 / 3 samples" "$tmp/err.txt" || fail "no progress on stderr: $(cat "$tmp/err.txt")"

# 2. The same score computed in PyTorch from interpret()'s attention, one sample at a time.
/usr/bin/python3 - "$models/seq2seq.pt" "$tmp/pairs.tsv" "$tmp/out.json" <<'PY' || fail "the score differs from PyTorch's"
import json, sys, torch
model_path, data_path, out_path = sys.argv[1:]
extra = {"rnnscope.json": ""}
model = torch.jit.load(model_path, _extra_files=extra)
meta = json.loads(extra["rnnscope.json"])
src_vocab, tgt_vocab = meta["input"]["vocab"], meta["target_vocab"]
aligned = total = 0
for line in open(data_path):
    source, target, spans = line.rstrip("\n").split("\t")
    src = torch.tensor([[src_vocab.index(c) for c in source]])
    tgt = torch.tensor([[tgt_vocab.index(meta["bos"])] + [tgt_vocab.index(c) for c in target]
                        + [tgt_vocab.index(meta["eos"])]])
    attention = model.interpret(src, torch.tensor([src.size(1)]), tgt,
                                torch.tensor([tgt.size(1)]))["attention"]  # [1, T_out, T_in]
    for t, span in enumerate(spans.split()):
        s, e = map(int, span.split(":"))
        aligned += s <= int(attention[0, t].argmax()) < e
        total += 1
out = json.load(open(out_path))
print(f"rnnscope {out['aligned_tokens']}/{out['output_tokens']}, PyTorch {aligned}/{total}")
assert out["output_tokens"] == total == 14, out
assert out["aligned_tokens"] == aligned, out
assert out["samples"] == 3 and out["skipped_samples"] == 0, out
assert abs(out["alignment"] - aligned / total) < 1e-9, out
PY

# 3. Plain text for a terminal.
"$cli" alignment --model "$models/seq2seq.pt" --data "$tmp/pairs.tsv" >"$tmp/out.txt" 2>/dev/null ||
    fail "plain alignment exited $?"
grep -q "^alignment 0\.[0-9]*  (.* of 14 output tokens" "$tmp/out.txt" || fail "plain output: $(cat "$tmp/out.txt")"

# 4. Mistakes get a message that says what to do, and the usual exit codes.
"$cli" alignment --model "$models/seq2seq.pt" >/dev/null 2>"$tmp/err.txt"
[ $? -eq 2 ] || fail "missing --data should exit 2"
grep -q -- "--data is required" "$tmp/err.txt" || fail "missing --data: $(cat "$tmp/err.txt")"
printf 'ab cd\tabcd\nef\tef\n' >"$tmp/nospans.tsv"
"$cli" alignment --model "$models/seq2seq.pt" --data "$tmp/nospans.tsv" >/dev/null 2>"$tmp/err.txt"
[ $? -eq 1 ] || fail "a dataset without spans should exit 1"
grep -q "no true source spans" "$tmp/err.txt" || fail "no spans: $(cat "$tmp/err.txt")"
"$cli" alignment --model "$models/lstm_bi.pt" --data "$tmp/pairs.tsv" >/dev/null 2>"$tmp/err.txt"
[ $? -eq 1 ] || fail "a classifier should exit 1"
grep -q "seq2seq" "$tmp/err.txt" || fail "classifier: $(cat "$tmp/err.txt")"

# 5. A further attention layer by name: attention.last of the two-layer model looks at the last
# source token, which is in the span of only the last target character of "c d e f g h".
"$cli" alignment --model "$models/seq2seq_two_layers.pt" --data "$tmp/pairs.tsv" --json \
    --attention-layer last >"$tmp/last.json" 2>"$tmp/err.txt" || fail "--attention-layer last: $(cat "$tmp/err.txt")"
/usr/bin/python3 -c "import json,sys; o=json.load(open(sys.argv[1])); assert (o['aligned_tokens'], o['output_tokens'], o['attention_layer']) == (1, 14, 'last'), o" "$tmp/last.json" ||
    fail "attention.last should align 1 of 14: $(cat "$tmp/last.json")"
"$cli" alignment --model "$models/seq2seq_two_layers.pt" --data "$tmp/pairs.tsv" \
    --attention-layer nope >/dev/null 2>"$tmp/err.txt"
[ $? -eq 1 ] || fail "an unknown layer should exit 1"
grep -q 'no attention layer "nope" (it has: attention, last)' "$tmp/err.txt" || fail "unknown layer: $(cat "$tmp/err.txt")"

# 6. A word-level model: a spans file with one span per target word (not per character) is
# read the model's way by alignment, units and extract alike.
printf 'the cat sat\ta b c\t0:3 4:7 8:11\na dog ran on\td e\t2:5 6:9\n' >"$tmp/words.tsv"
"$cli" alignment --model "$models/seq2seq_words.pt" --data "$tmp/words.tsv" --json \
    >"$tmp/words.json" 2>"$tmp/err.txt" || fail "word-level alignment exited $?: $(cat "$tmp/err.txt")"
/usr/bin/python3 -c "import json,sys; o=json.load(open(sys.argv[1])); assert (o['output_tokens'], o['samples'], o['skipped_samples']) == (5, 2, 0), o" "$tmp/words.json" ||
    fail "word-level alignment: $(cat "$tmp/words.json")"
"$cli" units --model "$models/seq2seq_words.pt" --data "$tmp/words.tsv" --signal position \
    >/dev/null 2>"$tmp/err.txt" || fail "word-level units exited $?: $(cat "$tmp/err.txt")"
"$cli" extract --model "$models/seq2seq_words.pt" --data "$tmp/words.tsv" --out "$tmp/words.h5" \
    >/dev/null 2>"$tmp/err.txt" || fail "word-level extract exited $?: $(cat "$tmp/err.txt")"

# 7. The trained dates demo looks where the spans say (examples/dates.py).
demo="$src/resources/demo/dates"
"$cli" alignment --model "$demo/dates.pt" --data "$demo/dates.tsv" --json --limit 300 \
    >"$tmp/dates.json" 2>/dev/null || fail "dates demo exited $?"
/usr/bin/python3 -c "import json,sys; a=json.load(open(sys.argv[1]))['alignment']; print('dates alignment', a); assert a > 0.5" "$tmp/dates.json" ||
    fail "the trained dates model should align far better than chance"
echo "ok"
