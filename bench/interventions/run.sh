#!/usr/bin/env bash
# The ablation sweep against its PyTorch peer (bench/interventions/peer.py) on the brackets demo:
# every one of the 64 cell units zeroed over the 1,500 samples, both on the same cores, and the
# activation-patching map and a single intervention for scale. Prints the ratio.
#   bash bench/interventions/run.sh <build dir>
set -euo pipefail
BUILD=${1:?usage: bash bench/interventions/run.sh <build dir>}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
CLI="$BUILD/app/rnnscope-cli"
model="$SRC/resources/demo/brackets/brackets.pt"
data="$SRC/resources/demo/brackets/brackets.tsv"
ours=$("$CLI" ablate --model "$model" --data "$data" --track lstm_l0_fwd_cell --json 2>/dev/null)
ours_s=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$ours")
ours_acc=$(/usr/bin/python3 -c 'import json,sys; u=json.loads(sys.argv[1])["units"][0]; print(u["unit"], round(u["accuracy"], 4))' "$ours")
peer=$(/usr/bin/python3 "$SRC/bench/interventions/peer.py" "$model" "$data")
peer_s=$(echo "$peer" | awk '{print $2}')
echo "ablation sweep, brackets demo, 64 cell units x 1,500 samples:"
echo "  rnnscope-cli ablate  ${ours_s} s   (largest loss: unit/accuracy $ours_acc)"
echo "  PyTorch hand loop    ${peer_s} s   ($peer)"
/usr/bin/python3 -c 'import sys; print(f"  rnnscope {float(sys.argv[2]) / float(sys.argv[1]):.2f}x faster")' "$ours_s" "$peer_s"
start=$(date +%s.%N)
"$CLI" patch --model "$SRC/resources/demo/dates/dates.pt" --clean "the 3rd of March, 2011" \
    --corrupt "the 8th of March, 2011" --json >/dev/null 2>&1
end=$(date +%s.%N)
/usr/bin/python3 -c 'import sys; print(f"patching map, dates demo, 22 steps x 3 rows: {float(sys.argv[2]) - float(sys.argv[1]):.2f} s (model load included)")' "$start" "$end"
# One intervention on typed input in the window: every panel redrawn (goal < 100 ms), and the
# model's re-run alone beside a PyTorch hand loop computing the same (no states kept, no drawing).
if [ -x "$BUILD/bench/bench_intervene" ]; then
  display=()
  [ -n "${DISPLAY:-}" ] || display=(xvfb-run -a -s "-screen 0 1600x1000x24")
  "${display[@]}" "$BUILD/bench/bench_intervene" "$SRC/resources/demo" 2>/dev/null
  peer=$(/usr/bin/python3 "$SRC/bench/interventions/rerun_peer.py" "$model" '(()(()))[{}]' 24 45)
  echo "  PyTorch hand loop, brackets, same input and units: $(echo "$peer" | awk '{print $2}') ms ($peer)"
fi
