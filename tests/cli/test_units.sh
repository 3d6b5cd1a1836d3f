#!/usr/bin/env bash
# `rnnscope-cli units` end to end: on the brackets demo the depth-counting cell must come first
# (the training script's metrics.json names it), the correlation must equal one
# computed independently in PyTorch from the same model, and bad calls fail with a message.
#
#   bash test_units.sh <path to rnnscope-cli> <source dir>
set -euo pipefail
CLI=$1
SRC=$2
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

M="$SRC/resources/demo/brackets/brackets.pt"
D="$SRC/resources/demo/brackets/brackets.tsv"
if [ ! -f "$M" ]; then
  echo "FAIL: $M is missing (git checkout -- resources/demo)" >&2
  exit 1
fi

"$CLI" units --model "$M" --data "$D" --signal depth --top 5 --json > "$TMP/depth.json"
"$PY" - "$TMP/depth.json" "$M" "$D" <<'PYEOF'
import json, sys
import torch
d = json.load(open(sys.argv[1]))
units = d["units"]
assert d["signal"] == "depth" and d["samples"] == 1500, d
assert len(units) == 5, units
assert all(abs(a["r"]) >= abs(b["r"]) for a, b in zip(units, units[1:])), "not ranked by |r|"
best = units[0]
# The training script's own measurement on this split (metrics.json beside the model).
metrics = json.load(open(sys.argv[2].replace("brackets.pt", "metrics.json")))
assert f'{best["kind"]} unit {best["unit"]}' == metrics["best_depth_unit"], (best, metrics)
assert abs(abs(best["r"]) - metrics["best_depth_unit_abs_pearson"]) < 1e-3, (best, metrics)
assert abs(best["r"]) > 0.7, best

# Independent check: PyTorch runs the same model, depth as examples/brackets.py defines it.
files = {"rnnscope.json": ""}
m = torch.jit.load(sys.argv[2], _extra_files=files)
vocab = json.loads(files["rnnscope.json"])["input"]["vocab"]
texts = [line.split("\t")[0] for line in open(sys.argv[3], encoding="utf-8") if line.strip()]
cells, depths = [], []
with torch.no_grad():
    for text in texts:
        ids = torch.tensor([[vocab.index(c) for c in text]])
        out = m.interpret(ids, torch.tensor([len(text)]))
        cells.append(out["states.lstm.cell"][0, :, best["unit"]])
        depth = 0
        for ch in text:
            depth += 1 if ch in "([{" else -1
            depths.append(depth)
x = torch.cat(cells).double()
y = torch.tensor(depths, dtype=torch.double)
x, y = x - x.mean(), y - y.mean()
r = float((x * y).sum() / (x.norm() * y.norm()))
assert abs(r - best["r"]) < 1e-3, f"rnnscope r {best['r']} vs PyTorch {r}"
print("depth unit ok:", best, "PyTorch r", r)
PYEOF

# --layer and --kind narrow the ranking; the plain output is one line per unit.
# (quote would be refused here: the brackets text has no quotes, so that signal is constant.)
"$CLI" units --model "$M" --data "$D" --signal position --layer 0 --kind gate.forget --top 3 \
  --max-samples 50 --json > "$TMP/quote.json"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); u=d["units"]; assert len(u)==3 and all(x["kind"]=="gate.forget" and x["layer"]==0 for x in u), u; assert d["samples"]==50' "$TMP/quote.json"
"$CLI" units --model "$M" --data "$D" --signal position --top 2 --max-samples 20 > "$TMP/plain.txt"
[ "$(wc -l < "$TMP/plain.txt")" = 3 ] || fail "plain output: $(cat "$TMP/plain.txt")"

# A per-token annotation of the dataset is a signal too: the brackets text as JSON Lines with
# the depth written beside each character ranks the same unit first, with the same r.
"$PY" - "$D" "$TMP/annotated.jsonl" <<'PYEOF'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for line in list(f)[:300]:
        text, label = line.rstrip("\n").split("\t")
        depth, d = [], 0
        for c in text:
            d += 1 if c in "([{" else -1 if c in ")]}" else 0
            depth.append(d)
        out.write(json.dumps({"text": text, "label": label, "annotations": {"depth": depth}}) + "\n")
PYEOF
"$CLI" units --model "$M" --data "$TMP/annotated.jsonl" --signal annotation:depth --top 1 --json \
  > "$TMP/annotated.json"
"$CLI" units --model "$M" --data "$TMP/annotated.jsonl" --signal depth --top 1 --json \
  > "$TMP/builtin.json"
"$PY" - "$TMP/annotated.json" "$TMP/builtin.json" <<'PYEOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["signal"] == "annotation:depth" and a["samples_left_out"] == 0, a
ua, ub = a["units"][0], b["units"][0]
assert (ua["kind"], ua["unit"]) == (ub["kind"], ub["unit"]), (ua, ub)
assert abs(ua["r"] - ub["r"]) < 1e-6, (ua, ub)
PYEOF

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
expect_exit 2 "--signal is required" units --model "$M" --data "$D"
expect_exit 2 "--data is required" units --model "$M" --signal depth
expect_exit 2 "--top must be" units --model "$M" --data "$D" --signal depth --top 0
expect_exit 1 "unknown signal 'nesting'" units --model "$M" --data "$D" --signal nesting
expect_exit 1 "has no per-token annotation 'pos'; it has: depth" units --model "$M" \
  --data "$TMP/annotated.jsonl" --signal annotation:pos
expect_exit 1 "not in the model's vocabulary" units --model "$M" --data "$D" --signal token:Q \
  --max-samples 20
expect_exit 1 "has the same value on all" units --model "$M" --data "$D" --signal quote \
  --max-samples 20
expect_exit 1 "no units match" units --model "$M" --data "$D" --signal depth --layer 3 \
  --max-samples 5

echo "test_units: all checks passed"
