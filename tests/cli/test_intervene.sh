#!/usr/bin/env bash
# `rnnscope-cli intervene`, `ablate` and `patch` as a user calls them: the JSON holds both runs and the
# interventions as written, the text form names the change, a dataset sample and "mean" work, and
# every wrong call (unknown track, unit out of range, NaN, steps past the end, mean without data,
# --input and --sample together) exits non-zero with one line that names the valid choices.
# The numbers themselves are checked against a hand unroll in PyTorch by core.intervention.
#   test_intervene.sh PATH/TO/rnnscope-cli SOURCE_DIR
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
data="$src/resources/demo/brackets/brackets.tsv"
[ -f "$model" ] || fail "$model is missing (git checkout -- resources/demo)"

"$cli" intervene --model "$model" --input '(([])[(]))' --set 'lstm_l0_fwd_cell[0-63]=0' \
    --set 'lstm_l0_fwd_hidden[3,7]=x2' --steps 2-4 --json >"$tmp/i.json" 2>"$tmp/err.txt" ||
    fail "intervene exited $?: $(cat "$tmp/err.txt")"
/usr/bin/python3 - "$tmp/i.json" <<'PY' || fail "intervene JSON: $(cat "$tmp/i.json")"
import json, sys
out = json.load(open(sys.argv[1]))
assert out["tokens"] == list("(([])[(]))"), out["tokens"]
for run in ("original", "intervened"):
    p = out[run]["prediction"]
    assert p["label"] in ("balanced", "unbalanced"), p
    assert abs(sum(p["probabilities"].values()) - 1) < 1e-5, p
    assert len(out[run]["logits"]) == 1 and len(out[run]["logits"][0]) == 2
specs = [i["spec"] for i in out["interventions"]]
assert specs == ["lstm_l0_fwd_cell[0-63]=0", "lstm_l0_fwd_hidden[3,7]=x2"], specs
first = out["interventions"][0]
assert (first["first_step"], first["last_step"]) == (2, 4), first
assert first["mode"] == "set" and first["state"] == "cell" and first["units"] == list(range(64))
assert out["interventions"][1]["mode"] == "scale" and out["interventions"][1]["factor"] == 2
change = max(abs(a - b) for a, b in zip(out["original"]["logits"][0],
                                        out["intervened"]["logits"][0]))
assert abs(change - out["max_logit_change"]) < 1e-5 and change > 0.01, out["max_logit_change"]
PY

# Text form; a sample of a dataset; mean values taken over it.
"$cli" intervene --model "$model" --data "$data" --sample 3 --set 'lstm_l0_fwd_cell[24]=mean' \
    >"$tmp/i.txt" 2>"$tmp/err.txt" || fail "intervene --sample exited $?: $(cat "$tmp/err.txt")"
grep -q "^intervention  lstm L0 fwd cell \[24\] = mean$" "$tmp/i.txt" || fail "$(cat "$tmp/i.txt")"
grep -q "^original " "$tmp/i.txt" && grep -q "^intervened " "$tmp/i.txt" &&
    grep -q "^largest logit change" "$tmp/i.txt" || fail "text output: $(cat "$tmp/i.txt")"

# Wrong calls: exit code and the one line that says what is valid.
expect() {  # expect CODE PATTERN ARGS...
    local code="$1" pattern="$2"
    shift 2
    "$cli" "$@" >"$tmp/out.txt" 2>"$tmp/err.txt"
    local got=$?
    [ "$got" = "$code" ] || fail "$* exited $got, expected $code: $(cat "$tmp/err.txt")"
    grep -q -- "$pattern" "$tmp/err.txt" || fail "$*: stderr lacks '$pattern': $(cat "$tmp/err.txt")"
}
run=(intervene --model "$model" --input '(([])')
expect 1 'it has: lstm_l0_fwd_hidden, lstm_l0_fwd_cell' "${run[@]}" --set 'gru_l0_fwd_cell[1]=0'
expect 1 'its units are 0 to 63' "${run[@]}" --set 'lstm_l0_fwd_cell[64]=0'
expect 1 'not a finite number' "${run[@]}" --set 'lstm_l0_fwd_cell[1]=nan'
expect 1 'the sample has 5 steps' "${run[@]}" --set 'lstm_l0_fwd_cell[1]=0' --steps 6-7
expect 1 'numbered from 1' "${run[@]}" --set 'lstm_l0_fwd_cell[1]=0' --steps 0-2
expect 1 '"mean" needs --data' "${run[@]}" --set 'lstm_l0_fwd_cell[1]=mean'
expect 1 'TRACK\[UNITS\]=VALUE' "${run[@]}" --set 'lstm_l0_fwd_cell=0'
expect 2 'either --input TEXT or --data D --sample N' intervene --model "$model" --set 'x[1]=0'
expect 2 '--set is required' intervene --model "$model" --input '()'
expect 1 'there is no sample 9999' intervene --model "$model" --data "$data" --sample 9999 \
    --set 'lstm_l0_fwd_cell[1]=0'

# ablate: a few units, ranked, JSON; wrong calls.
"$cli" ablate --model "$model" --data "$data" --track lstm_l0_fwd_cell --units 0,24,45 --json \
    >"$tmp/a.json" 2>"$tmp/err.txt" || fail "ablate exited $?: $(cat "$tmp/err.txt")"
/usr/bin/python3 - "$tmp/a.json" <<'PY' || fail "ablate JSON: $(cat "$tmp/a.json")"
import json, sys
out = json.load(open(sys.argv[1]))
assert out["baseline"]["samples"] == 1500 and out["baseline"]["accuracy"] > 0.95, out["baseline"]
units = out["units"]
assert sorted(u["unit"] for u in units) == [0, 24, 45], units
losses = [u["loss_change"] for u in units]
assert losses == sorted(losses, reverse=True), "ranked by loss increase"
assert units[0]["unit"] == 24 and units[0]["accuracy_change"] < -0.1, units[0]
for u in units:
    assert abs(u["loss"] - out["baseline"]["loss"] - u["loss_change"]) < 1e-9
PY
expect 1 'it has: lstm_l0_fwd_hidden' ablate --model "$model" --data "$data" --track lstm_l3_fwd_cell
expect 2 '--mode must be zero or mean' ablate --model "$model" --data "$data" \
    --track lstm_l0_fwd_cell --mode half
expect 2 '--track is required' ablate --model "$model" --data "$data"
# ablate --by: unit 45 ablated, the strings grouped by their deepest nesting; the groups hold
# every sample and their total is the ranking's score of unit 45.
"$cli" ablate --model "$model" --data "$data" --track lstm_l0_fwd_cell --units 45 --json \
    >"$tmp/rank.json" 2>"$tmp/err.txt" || fail "ablate --units 45 exited $?: $(cat "$tmp/err.txt")"
"$cli" ablate --model "$model" --data "$data" --track lstm_l0_fwd_cell --units 45 --by depth \
    --json >"$tmp/by.json" 2>"$tmp/err.txt" || fail "ablate --by exited $?: $(cat "$tmp/err.txt")"
/usr/bin/python3 - "$tmp/rank.json" "$tmp/by.json" <<'PY' || fail "ablate --by JSON: $(cat "$tmp/by.json")"
import json, sys
rank, by = (json.load(open(p)) for p in sys.argv[1:3])
assert by["units"] == [45] and by["by"] == "depth", by
groups = by["groups"]
assert sum(g["original"]["samples"] for g in groups) == 1500, groups
assert [g["low"] for g in groups] == sorted(g["low"] for g in groups), groups
assert abs(by["ablated"]["accuracy"] - rank["units"][0]["accuracy"]) < 1e-12, (by, rank)
assert abs(by["original"]["accuracy"] - rank["baseline"]["accuracy"]) < 1e-12, (by, rank)
deep = [g for g in groups if 7 <= g["low"] <= 10]
assert all(g["ablated"]["accuracy"] < g["original"]["accuracy"] - 0.2 for g in deep), deep
PY
expect 2 '--by needs --units' ablate --model "$model" --data "$data" --track lstm_l0_fwd_cell \
    --by depth
expect 2 'unknown signal' ablate --model "$model" --data "$data" --track lstm_l0_fwd_cell \
    --units 45 --by depthh
# patch: the map of a clean and a corrupted input, aligned from the start or the end.
"$cli" patch --model "$model" --clean '(([]))[]' --corrupt '(([]])[]' --json >"$tmp/p.json" \
    2>"$tmp/err.txt" || fail "patch exited $?: $(cat "$tmp/err.txt")"
/usr/bin/python3 - "$tmp/p.json" <<'PY' || fail "patch JSON: $(cat "$tmp/p.json")"
import json, sys
out = json.load(open(sys.argv[1]))
assert out["align"] == "start" and out["measure"] == "p(balanced)", out
assert out["clean_step"] == list(range(1, 9)), out["clean_step"]
(row,) = out["rows"]
assert row["track"] == "lstm_l0_fwd" and len(row["restored"]) == 8, row
assert all(abs(v) < 1e-3 for v in row["restored"][:4]), row["restored"]
assert all(abs(v - 1) < 1e-3 for v in row["restored"][4:]), row["restored"]
PY
"$cli" patch --model "$model" --data "$data" --clean-sample 1 --corrupt-sample 2 --align end \
    >"$tmp/p.txt" 2>"$tmp/err.txt" || fail "patch --align end exited $?: $(cat "$tmp/err.txt")"
grep -q "aligned from the end" "$tmp/p.txt" || fail "patch text: $(cat "$tmp/p.txt")"
expect 2 'either --corrupt TEXT or --corrupt-sample N' patch --model "$model" --clean '()'
expect 2 '--align must be start or end' patch --model "$model" --clean '()' --corrupt '[]' \
    --align middle
expect 1 'there is no sample 5000' patch --model "$model" --data "$data" --clean-sample 1 \
    --corrupt-sample 5000
# examples/check_model.py says which recurrent modules interventions reach in each method.
/usr/bin/python3 "$src/examples/check_model.py" "$src/resources/demo/dates/dates.pt" >"$tmp/c.txt" \
    2>&1 || fail "check_model.py: $(cat "$tmp/c.txt")"
grep -q "^interventions in generate(): encoder.rnn (1 call), decoder.rnn (1 call)$" "$tmp/c.txt" ||
    fail "check_model.py: $(grep interventions "$tmp/c.txt")"
# render --edit: an edited copy of the sample runs beside it in the figure; what cannot run says
# why and writes nothing.
HOME="$tmp/home" "$cli" render --model "$model" --data "$data" --sample 3 --edit '(([]))' \
    --view sample --out "$tmp/edit.png" >"$tmp/out.txt" 2>"$tmp/err.txt" ||
    fail "render --edit exited $?: $(cat "$tmp/err.txt")"
[ -s "$tmp/edit.png" ] || fail "render --edit wrote no figure"
expect 1 '--edit: The edited input is empty' render --model "$model" --data "$data" --sample 1 \
    --edit '' --view sample --out "$tmp/e1.png"
expect 1 '--edit edits one sample' render --model "$model" --data "$data" --batch 1,2 \
    --edit '()' --view sample --out "$tmp/e2.png"
[ ! -e "$tmp/e1.png" ] && [ ! -e "$tmp/e2.png" ] || fail "a refused --edit wrote a figure"
echo "intervene, ablate, patch and render --edit: OK"
