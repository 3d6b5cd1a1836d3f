#!/usr/bin/env bash
# `rnnscope-cli errors` as a user calls it: the brackets demo's metrics, confusion matrix and
# wrong samples as JSON, consistent with each other and with the training script's accuracy; the
# dates demo's exact match; and the messages for a wrong call.
#   test_errors.sh PATH/TO/rnnscope-cli SOURCE_DIR
set -u
cli="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
demo="$src/resources/demo"
[ -f "$demo/brackets/brackets.pt" ] || { echo "FAIL: $demo/brackets/brackets.pt is missing (git checkout -- resources/demo)" >&2; exit 1; }

"$cli" errors --model "$demo/brackets/brackets.pt" --data "$demo/brackets/brackets.tsv" \
    --json --wrong 0 >"$tmp/out.json" 2>"$tmp/err.txt" || fail "errors exited $?: $(cat "$tmp/err.txt")"
grep -q "errors: 1500 / 1500 samples" "$tmp/err.txt" || fail "no progress on stderr"
/usr/bin/python3 - "$tmp/out.json" "$demo/brackets/metrics.json" "$demo/brackets/brackets.tsv" <<'PY' || fail "brackets JSON is inconsistent"
import json, sys
out, trained = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[3])]
c = out["classification"]
n = len(c["classes"])
total = sum(sum(r) for r in c["confusion"])
right = sum(c["confusion"][i][i] for i in range(n))
assert total == 1500 == out["samples"], total
assert abs(right / total - c["accuracy"]) < 1e-9
# examples/brackets.py measured this accuracy in PyTorch; LibTorch may flip a borderline sample.
assert abs(c["accuracy"] - trained["accuracy"]) <= 2 / 1500, (c["accuracy"], trained["accuracy"])
assert out["wrong_count"] == total - right == len(out["wrong"])
for k, cls in enumerate(c["per_class"]):
    col = sum(c["confusion"][i][k] for i in range(n))
    assert abs(cls["precision"] - c["confusion"][k][k] / col) < 1e-9
    assert cls["support"] == sum(c["confusion"][k])
losses = [w["loss"] for w in out["wrong"]]
assert losses == sorted(losses, reverse=True), "wrong samples not by loss"
for w in out["wrong"]:  # each listed sample is the dataset's, and really wrong
    text, label = rows[w["id"] - 1]
    assert w["text"] == text and w["label"] == label and w["prediction"] != label, w
PY

if [ -f "$demo/dates/dates.pt" ]; then
    "$cli" errors --model "$demo/dates/dates.pt" --data "$demo/dates/dates.tsv" --json \
        >"$tmp/dates.json" 2>/dev/null || fail "errors on dates exited $?"
    /usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["seq2seq"]
assert s["samples"] == 1500 and s["exact_match"] >= 0.99 and s["tokens_total"] == 15000, s
' "$tmp/dates.json" || fail "dates seq2seq metrics: $(head -c 600 "$tmp/dates.json")"
fi

"$cli" errors --model "$demo/brackets/brackets.pt" >/dev/null 2>"$tmp/usage.txt"
[ $? -eq 2 ] || fail "a missing --data is not a usage error"
grep -q -- "--data" "$tmp/usage.txt" || fail "the usage error does not name --data"
"$cli" errors --model "$tmp/nothing.pt" --data "$demo/brackets/brackets.tsv" >/dev/null 2>"$tmp/e.txt"
[ $? -eq 1 ] || fail "a missing model does not exit 1"
grep -q "nothing.pt" "$tmp/e.txt" || fail "the error does not name the model: $(cat "$tmp/e.txt")"
# A forecaster: MAE and RMSE as PyTorch computed them (the demo's metrics.json), and the worst
# forecasts listed in the text as in the JSON, each at the window's last step.
sun="$demo/sunspots"
"$cli" errors --model "$sun/sunspots.pt" --data "$sun/sunspots.jsonl" >"$tmp/sun.txt" ||
    fail "errors on the sunspots demo"
"$cli" errors --model "$sun/sunspots.pt" --data "$sun/sunspots.jsonl" --json >"$tmp/sun.json" ||
    fail "errors --json on the sunspots demo"
/usr/bin/python3 - "$tmp/sun.txt" "$tmp/sun.json" "$sun/metrics.json" <<'PY' || fail "sunspots errors: $(cat "$tmp/sun.txt")"
import json, re, sys
text, out, want = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
r = out["regression"]
assert abs(r["mae"] - want["mae"]) < 1e-4 and abs(r["rmse"] - want["rmse"]) < 1e-4, (r, want)
listed = re.findall(r"^worst #(\d+)  step (\d+)  MAE ([0-9.]+)$", text, re.M)
assert len(listed) == 10, text
for (sample, step, mae), w in zip(listed, r["worst_windows"]):
    assert int(sample) == w["id"] and int(step) == w["first_step"] == 48 and w["steps"] == 1, (sample, w)
    assert abs(float(mae) - w["mae"]) < 1e-3 * max(1, w["mae"])
PY
echo "errors ok"
