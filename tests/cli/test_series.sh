#!/usr/bin/env bash
# A long CSV series cut into windows from the command line, as a forecaster's user does it: the
# sunspot demo's whole monthly series (date column, no target column) cut with --window 48
# --stride 12 --horizon 1 is scored exactly as PyTorch scores the same NumPy-cut windows; a gap
# in the series is reported and its windows left out; wrong windowing options say what to use.
#   test_series.sh PATH/TO/rnnscope-cli SOURCE_DIR
set -u
cli="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
sun="$src/resources/demo/sunspots"
[ -f "$sun/sunspots.pt" ] || fail "$sun/sunspots.pt is missing (git checkout -- resources/demo)"

"$cli" errors --model "$sun/sunspots.pt" --data "$sun/sunspot_month.csv" --window 48 \
    --stride 12 --horizon 1 --json >"$tmp/out.json" 2>"$tmp/err.txt" ||
    fail "errors on the windowed CSV exited $?: $(cat "$tmp/err.txt")"
/usr/bin/python3 - "$tmp/out.json" "$sun/sunspots.pt" "$sun/sunspot_month.csv" <<'PY' || fail "windowed sunspots differ from PyTorch"
import csv, json, sys
import numpy as np
import torch
from numpy.lib.stride_tricks import sliding_window_view as windows
out = json.load(open(sys.argv[1]))
model = torch.jit.load(sys.argv[2])
values = np.array([float(r["sunspots"]) for r in csv.DictReader(open(sys.argv[3]))], np.float32)
x = windows(values[:-1], 48)[::12]  # every 12th start; the target one row ahead
y = windows(values[1:], 48)[::12]
with torch.no_grad():
    predicted = model(torch.from_numpy(x.copy()).unsqueeze(-1), torch.full((len(x),), 48))[:, :, 0]
errors = predicted.numpy().astype(np.float64) - y
r = out["regression"]
assert out["samples"] == len(x) == r["samples"], (out["samples"], len(x))
assert r["values"] == errors.size, (r["values"], errors.size)
assert abs(r["mae"] - np.abs(errors).mean()) < 1e-4, (r["mae"], np.abs(errors).mean())
assert abs(r["rmse"] - np.sqrt((errors ** 2).mean())) < 1e-4, (r["rmse"],)
PY

# A gap: two missing months leave out the windows over them, named on stderr.
head -n 200 "$sun/sunspot_month.csv" | sed -e '51s/,.*/,NA/' -e '120s/,.*/,/' >"$tmp/gaps.csv"
"$cli" errors --model "$sun/sunspots.pt" --data "$tmp/gaps.csv" --window 48 --stride 1 \
    --horizon 1 --json >"$tmp/gaps.json" 2>"$tmp/gaps.txt" || fail "errors with gaps: $(cat "$tmp/gaps.txt")"
grep -q "note: .* windows left out because they hold a missing value: lines 3–51 (1749-02 to 1753-02)" "$tmp/gaps.txt" ||
    fail "the left-out windows are not named: $(cat "$tmp/gaps.txt")"
grep -q "note: column 'sunspots' has 2 missing values, the first on line 51" "$tmp/gaps.txt" ||
    fail "the missing values are not counted: $(cat "$tmp/gaps.txt")"
/usr/bin/python3 - "$tmp/gaps.json" <<'PY' || fail "the gaps' windows are not left out"
import json, sys
# 199 rows, windows of 48 + 1 ahead: starts 0..150; rows 49 and 118 (0-based) are missing.
kept = [s for s in range(151) if not any(s <= r < s + 49 for r in (49, 118))]
out = json.load(open(sys.argv[1]))
assert out["samples"] == len(kept), (out["samples"], len(kept))
PY

expect() {  # expect CODE "what" ARGS...: the exit code, and a message on stderr
    local code="$1" what="$2"
    shift 2
    "$cli" "$@" >/dev/null 2>"$tmp/e.txt"
    local got=$?
    [ "$got" -eq "$code" ] || fail "$what: exit $got, expected $code: $(cat "$tmp/e.txt")"
    grep -q . "$tmp/e.txt" || fail "$what: no message"
}
expect 2 "--stride 0" errors --model "$sun/sunspots.pt" --data "$sun/sunspot_month.csv" --window 48 --stride 0
grep -q -- "--stride must be a positive number of rows, not '0'" "$tmp/e.txt" || fail "--stride 0: $(cat "$tmp/e.txt")"
expect 2 "--stride without --window" errors --model "$sun/sunspots.pt" --data "$sun/sunspot_month.csv" --stride 2
grep -q -- "--stride needs --window" "$tmp/e.txt" || fail "--stride alone: $(cat "$tmp/e.txt")"
expect 1 "a window longer than the series" errors --model "$sun/sunspots.pt" --data "$tmp/gaps.csv" --window 500
grep -q "a window of 500 rows is longer than every series in gaps.csv (the longest has 199 rows)" "$tmp/e.txt" ||
    fail "long window: $(cat "$tmp/e.txt")"
expect 1 "a time column that is not there" errors --model "$sun/sunspots.pt" --data "$tmp/gaps.csv" --time-column month
grep -q "no column named 'month' for the time; the columns are date, sunspots" "$tmp/e.txt" ||
    fail "--time-column month: $(cat "$tmp/e.txt")"
# examples/check_model.py runs a forecaster on the first rows of its own series (the date column
# left out, as rnnscope leaves it out), and says which columns do not fit.
/usr/bin/python3 "$src/examples/check_model.py" "$sun/sunspots.pt" --data "$sun/sunspot_month.csv" \
    >"$tmp/check.txt" 2>&1 || fail "check_model.py --data sunspot_month.csv: $(cat "$tmp/check.txt")"
grep -q "batch: \[3, 9, 1\] float32" "$tmp/check.txt" || fail "check_model.py batch: $(cat "$tmp/check.txt")"
printf 'date,a,b\n2020-01,1,2\n2020-02,3,4\n' >"$tmp/two.csv"
/usr/bin/python3 "$src/examples/check_model.py" "$sun/sunspots.pt" --data "$tmp/two.csv" \
    >"$tmp/check.txt" 2>&1 && fail "check_model.py took 2 features for a 1-feature model"
grep -q "two.csv has 2 feature columns (a, b), but the model reads 1 features per step" "$tmp/check.txt" ||
    fail "check_model.py on two features: $(cat "$tmp/check.txt")"

# A CSV with a column the model does not read says which columns are not features.
"$cli" errors --model "$sun/sunspots.pt" --data "$tmp/two.csv" --window 1 --horizon 1 >/dev/null 2>"$tmp/e.txt" &&
    fail "errors ran a 1-feature model on two features"
grep -q "the input has 2 features per step; the model reads 1 (sunspots). In a CSV the time column" "$tmp/e.txt" ||
    fail "two features: $(cat "$tmp/e.txt")"

# Feature columns are read by the model's names (temp, pressure), in whatever order the file has
# them: the weather CSV with its columns swapped scores exactly as the original; a column the
# model does not read is refused by name, by the CLI and by check_model.py alike.
. "$src/tests/cli/models.sh"
M=$(test_models "$src" "$tmp/models") || exit 1
weather="$src/tests/data/datasets/weather.csv"
/usr/bin/python3 - "$weather" "$tmp/swapped.csv" "$tmp/extra.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for path, columns in ((sys.argv[2], ["sequence", "pressure", "temp", "target"]),
                      (sys.argv[3], ["sequence", "temp", "humidity", "pressure", "target"])):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, columns)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "50") for c in columns})
PY
"$cli" errors --model "$M/gru_series.pt" --data "$weather" --json >"$tmp/a.json" 2>/dev/null ||
    fail "errors on weather.csv"
"$cli" errors --model "$M/gru_series.pt" --data "$tmp/swapped.csv" --json >"$tmp/b.json" 2>"$tmp/e.txt" ||
    fail "errors on the swapped columns: $(cat "$tmp/e.txt")"
/usr/bin/python3 -c 'import json, sys; a, b = (json.load(open(p))["regression"]["mae"] for p in sys.argv[1:]); sys.exit(a != b)' \
    "$tmp/a.json" "$tmp/b.json" || fail "swapped columns scored differently: $(grep -h '"mae"' "$tmp/a.json" "$tmp/b.json")"
expect 1 "a column the model does not read" errors --model "$M/gru_series.pt" --data "$tmp/extra.csv"
grep -q "column 'humidity' is not a feature the model reads (temp, pressure); remove it, or name it target_humidity" "$tmp/e.txt" ||
    fail "extra column: $(cat "$tmp/e.txt")"
/usr/bin/python3 "$src/examples/check_model.py" "$M/gru_series.pt" --data "$tmp/extra.csv" >"$tmp/check.txt" 2>&1 &&
    fail "check_model.py took a column the model does not read"
grep -q "column 'humidity' is not a feature the model reads (temp, pressure)" "$tmp/check.txt" ||
    fail "check_model.py on an extra column: $(cat "$tmp/check.txt")"
/usr/bin/python3 "$src/examples/check_model.py" "$M/gru_series.pt" --data "$tmp/swapped.csv" >"$tmp/check.txt" 2>&1 ||
    fail "check_model.py on swapped columns: $(cat "$tmp/check.txt")"

# The forecast figure needs the series itself, not pre-cut windows.
expect 2 "render --view forecast without --data" render --model "$sun/sunspots.pt" --view forecast --out "$tmp/f.png"
grep -q -- "--view forecast needs --data: a CSV time series" "$tmp/e.txt" || fail "forecast without data: $(cat "$tmp/e.txt")"
if [ -n "${DISPLAY:-}" ]; then
    expect 1 "render --view forecast of JSON Lines windows" render --model "$sun/sunspots.pt" \
        --data "$sun/sunspots.jsonl" --view forecast --out "$tmp/f.png"
    grep -q "holds windows without the series they came from" "$tmp/e.txt" ||
        fail "forecast of windows: $(cat "$tmp/e.txt")"
    [ ! -e "$tmp/f.png" ] || fail "a forecast figure of nothing was written"
    HOME="$tmp/home" "$cli" render --model "$sun/sunspots.pt" --data "$tmp/gaps.csv" --window 48 \
        --stride 1 --horizon 1 --view forecast --out "$tmp/f.svg" >"$tmp/r.txt" 2>&1 ||
        fail "render --view forecast: $(cat "$tmp/r.txt")"
    grep -q "<svg" "$tmp/f.svg" || fail "the forecast SVG is not an SVG"
    grep -q "forecast of gaps.csv" "$tmp/r.txt" || fail "render says: $(cat "$tmp/r.txt")"
fi
# Attribution of a forecast: each feature at each step (the heatmap's numbers) adds up to the
# step's score, and the scores to the forecast's change from the zeros baseline (under 1%).
"$cli" attribute --model "$sun/sunspots.pt" --input "146.3;106.0;102.2;90.1;80.5" --method ig \
    --json >"$tmp/attr.json" 2>"$tmp/e.txt" || fail "attribute a forecast: $(cat "$tmp/e.txt")"
/usr/bin/python3 - "$tmp/attr.json" <<'PY' || fail "the forecast's feature scores do not add up"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["features"] == ["sunspots"], a["features"]
assert a["position"] == 5, a["position"]  # the scored step: the last
rows = a["feature_scores"]
assert len(rows) == 5 and all(len(r) == 1 for r in rows), rows
for r, s in zip(rows, a["scores"]):
    assert abs(sum(r) - s) < 1e-9, (r, s)
change = a["output"] - a["baseline_output"]
assert abs(sum(a["scores"]) - change) <= 0.01 * abs(change), (sum(a["scores"]), change)
PY
expect 2 "--target for another view" render --model "$sun/sunspots.pt" --view sample --target 0 --out "$tmp/x.png"
grep -q -- "--target is only for --view attribution" "$tmp/e.txt" || fail "--target elsewhere: $(cat "$tmp/e.txt")"
expect 2 "--method tsne for attribution" render --model "$sun/sunspots.pt" --view attribution --method tsne \
    --input "1;2;3" --out "$tmp/x.png"
grep -q -- "--method for --view attribution must be grad, ig or occlusion, not \"tsne\"" "$tmp/e.txt" ||
    fail "--method tsne: $(cat "$tmp/e.txt")"
if [ -n "${DISPLAY:-}" ]; then
    expect 1 "render --target that is no output" render --model "$sun/sunspots.pt" --view attribution \
        --input "1;2;3" --target rain --out "$tmp/x.png"
    grep -q -- "--target \"rain\" is neither one of the model's outputs (sunspots next month)" "$tmp/e.txt" ||
        fail "--target rain: $(cat "$tmp/e.txt")"
    # A chosen step: the forecast made at step 2 reads nothing after it.
    HOME="$tmp/home" "$cli" render --model "$sun/sunspots.pt" --input "146.3;106.0;102.2" \
        --view attribution --method occlusion --position 2 --out "$tmp/a.svg" >"$tmp/r.txt" 2>&1 ||
        fail "render --position 2: $(cat "$tmp/r.txt")"
    grep -q "the output at step 2" "$tmp/a.svg" || fail "render --position 2 explains another step"
fi
echo "series ok"
