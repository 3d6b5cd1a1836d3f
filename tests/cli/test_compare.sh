#!/usr/bin/env bash
# `rnnscope-cli compare` and `checkpoints` end to end: the JSON's accuracies, agreement counts, McNemar p, CKA and
# SVCCA equal what tests/models/compare_models.py computed with PyTorch and NumPy; a model
# against its own units in another order gets the permutation back; and every misuse ends with
# one line that says what to do.
#
#   bash test_compare.sh <path to rnnscope-cli> <source dir>
set -euo pipefail
CLI=$1
SRC=$2
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
. "$SRC/tests/cli/models.sh"
M=$(test_models "$SRC" "$TMP/models") || exit 1

"$CLI" compare --model "$M/compare_a.pt" --model-b "$M/compare_gru.pt" --data "$M/compare.tsv" \
  --json > "$TMP/gru.json" 2> "$TMP/gru.err" || fail "compare exited $?: $(cat "$TMP/gru.err")"
"$CLI" compare --model "$M/compare_a.pt" --model-b "$M/compare_a_permuted.pt" \
  --data "$M/compare.tsv" --json > "$TMP/permuted.json"
"$PY" - "$TMP/gru.json" "$TMP/permuted.json" "$M/compare_reference.json" <<'PYEOF'
import json, sys
gru, permuted, ref = (json.load(open(p)) for p in sys.argv[1:4])
assert gru["samples"] == ref["samples"] and gru["tokens"] == ref["tokens"], gru
labels = [line.split("\t")[1].strip() for line in open(gru["data"])]
for name, key in [("compare_a.pt", "accuracy_a"), ("compare_gru.pt", "accuracy_b")]:
    right = sum(p == t for p, t in zip(ref["predictions"][name], labels))
    assert abs(gru[key] - right / len(labels)) < 1e-12, (key, gru[key], right)
agree = gru["agreement"]
assert agree["only_a_right"] == ref["mcnemar"]["only_a"], agree
assert agree["only_b_right"] == ref["mcnemar"]["only_b"], agree
assert abs(gru["mcnemar_p"] - ref["mcnemar"]["p"]) < 1e-12, gru["mcnemar_p"]
differ = sum(p != q for p, q in zip(ref["predictions"]["compare_a.pt"],
                                    ref["predictions"]["compare_gru.pt"]))
assert agree["disagree"] == differ, (agree, differ)
for result, other in [(gru, "compare_gru.pt"), (permuted, "compare_a_permuted.pt")]:
    expected = ref["pairs"][other]
    assert len(result["cka"]) == len(expected["cka"]), result["cka"]
    for entry in result["cka"]:
        key = entry["a"] + "/" + entry["b"]
        assert abs(entry["linear_cka"] - expected["cka"][key]) < 1e-6, (key, entry)
        assert abs(entry["svcca"] - expected["svcca"][key]) < 1e-6, (key, entry)
# Unit b of the permuted model is unit permutation[b] of compare_a.
perm = ref["permutation"]
assert [m["a"] for m in permuted["matched_units"]] == ["rnn_l0_fwd_hidden", "rnn_l0_fwd_cell"]
for m in permuted["matched_units"]:
    assert sorted((p["a"], p["b"]) for p in m["pairs"]) == sorted((perm[b], b) for b in range(8)), m
    assert m["unpaired_a"] == [] and m["unpaired_b"] == [], m
assert permuted["agreement"]["disagree"] == 0
PYEOF

# The text form names both models and the test.
"$CLI" compare --model "$M/compare_a.pt" --model-b "$M/compare_gru.pt" --data "$M/compare.tsv" \
  --top 2 > "$TMP/gru.txt" 2>/dev/null
grep -q "McNemar's exact test" "$TMP/gru.txt" || fail "no McNemar line: $(cat "$TMP/gru.txt")"
grep -q "linear CKA" "$TMP/gru.txt" || fail "no CKA table"
grep -q "more pairs" "$TMP/gru.txt" || fail "--top 2 did not say more pairs are left out"

# Other labels: states compared, predictions not, and said so.
"$CLI" compare --model "$M/compare_a.pt" --model-b "$M/compare_tags.pt" --data "$M/compare.tsv" \
  --json > "$TMP/tags.json" 2>/dev/null
"$PY" - "$TMP/tags.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["predictions_compared"] is False and "different labels" in d["predictions_note"], d
assert "agreement" not in d and len(d["cka"]) == 4, d
PYEOF

# Misuse: one line each, the right exit code.
expect_error() {  # CODE PATTERN ARGS...
  local code=$1 pattern=$2
  shift 2
  set +e
  "$CLI" compare "$@" > /dev/null 2> "$TMP/err"
  local rc=$?
  set -e
  [ "$rc" = "$code" ] || fail "compare $* exited $rc, not $code: $(cat "$TMP/err")"
  grep -q -- "$pattern" "$TMP/err" || fail "compare $*: '$pattern' not in: $(cat "$TMP/err")"
}
expect_error 2 "model-b" --model "$M/compare_a.pt" --data "$M/compare.tsv"
expect_error 1 "reads characters and model B words" --model "$M/compare_a.pt" \
  --model-b "$M/lstm_proj.pt" --data "$M/compare.tsv"
expect_error 1 "feature vectors" --model "$M/compare_a.pt" --model-b "$M/rnn_tanh.pt" \
  --data "$M/compare.tsv"
expect_error 1 "nope.pt" --model "$M/compare_a.pt" --model-b "$TMP/nope.pt" \
  --data "$M/compare.tsv"
: > "$TMP/empty.tsv"
expect_error 1 "empty" --model "$M/compare_a.pt" --model-b "$M/compare_gru.pt" \
  --data "$TMP/empty.tsv"
expect_error 2 "threshold" --model "$M/compare_a.pt" --model-b "$M/compare_gru.pt" \
  --data "$M/compare.tsv" --threshold 2
# A training run's checkpoints: in order, the broken one skipped and named, the rest as
# PyTorch and NumPy computed them.
"$CLI" checkpoints --models "$M/checkpoints" --data "$M/compare.tsv" --signal depth --json \
  > "$TMP/ckpt.json" 2> "$TMP/ckpt.err" || fail "checkpoints exited $?: $(cat "$TMP/ckpt.err")"
grep -q "skipped compare-step100.pt\|skipped .*compare-step100.pt" "$TMP/ckpt.err" \
  || fail "the broken checkpoint was not named on stderr: $(cat "$TMP/ckpt.err")"
"$PY" - "$TMP/ckpt.json" "$M/compare_reference.json" <<'PYEOF'
import json, sys
d, ref = (json.load(open(p)) for p in sys.argv[1:3])
names = [c["name"] for c in d["checkpoints"]]
assert names == ["compare-step5.pt", "compare-step40.pt", "compare-step100.pt",
                 "compare-step300.pt"], names
assert d["final"].endswith("compare-step300.pt") and d["signal"] == "depth", d
broken = d["checkpoints"][2]
assert broken["ok"] is False and "not a TorchScript model" in broken["error"], broken
good = [c for c in d["checkpoints"] if c["ok"]]
for got, want in zip(good, ref["checkpoints"]):
    assert got["number"] == want["step"], (got, want)
    assert abs(got["accuracy"] - want["accuracy"]) < 1e-12, (got, want)
    assert abs(got["loss"] - want["loss"]) < 1e-5, (got, want)
    for track, value in want["cka_to_final"].items():
        assert abs(got["cka_to_final"][track] - value) < 1e-6, (track, got, want)
    assert 0 < abs(got["best_unit_r"]) <= 1 and got["best_unit"], got
assert len(d["skipped"]) == 1, d["skipped"]
PYEOF
set +e
"$CLI" checkpoints --models "$TMP/nowhere" --data "$M/compare.tsv" > /dev/null 2> "$TMP/err"
rc=$?
set -e
[ "$rc" = 1 ] && grep -q "does not exist" "$TMP/err" || fail "checkpoints on a missing folder: $rc $(cat "$TMP/err")"
echo "compare: OK"
