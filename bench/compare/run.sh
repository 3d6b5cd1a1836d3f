#!/usr/bin/env bash
# Comparing two models (issue #25): `rnnscope-cli compare` on the brackets LSTM against the
# brackets GRU over the 1,500 held-out strings, beside the same comparison scripted in PyTorch and
# NumPy (peer.py), in the same run. Prints both wall times, their ratio, and whether the two
# agree on the accuracies and on CKA and SVCCA of each pair of states.
#
#   bash bench/compare/run.sh <build dir> [REPEAT]
set -euo pipefail
BUILD=${1:?usage: bash bench/compare/run.sh <build dir> [REPEAT]}
REPEAT=${2:-3}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
CLI="$BUILD/app/rnnscope-cli"
B="$SRC/resources/demo/brackets"
THREADS=$(nproc)
[ -x "$CLI" ] || { echo "bench/compare/run.sh: $CLI is not built" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
best_ours=1e9
best_peer=1e9
for _ in $(seq "$REPEAT"); do
  start=$(date +%s.%N)
  "$CLI" compare --model "$B/brackets.pt" --model-b "$B/brackets_gru.pt" --data "$B/brackets.tsv" \
    --json > "$TMP/ours.json" 2>/dev/null
  end=$(date +%s.%N)
  best_ours=$(awk -v s="$start" -v e="$end" -v b="$best_ours" 'BEGIN {t = e - s; print (t < b ? t : b)}')
  /usr/bin/python3 "$SRC/bench/compare/peer.py" "$B/brackets.pt" "$B/brackets_gru.pt" \
    "$B/brackets.tsv" "$THREADS" > "$TMP/peer.json"
  peer=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$TMP/peer.json")
  best_peer=$(awk -v a="$peer" -v b="$best_peer" 'BEGIN {print (a < b ? a : b)}')
done
/usr/bin/python3 - "$TMP/ours.json" "$TMP/peer.json" "$best_ours" "$best_peer" <<'PYEOF'
import json, sys
ours, peer = (json.load(open(p)) for p in sys.argv[1:3])
t_ours, t_peer = float(sys.argv[3]), float(sys.argv[4])
print(f"brackets LSTM against GRU, {ours['samples']} samples, {ours['tokens']} tokens (best of runs)")
print(f"  rnnscope-cli compare   {t_ours:6.2f} s  (process start, both models, predictions, CKA,")
print(f"                                    SVCCA, unit matching)")
print(f"  PyTorch + NumPy peer   {t_peer:6.2f} s  (both models, predictions, CKA, SVCCA)")
print(f"  peer / rnnscope        {t_peer / t_ours:6.2f}x")
cka = {e["a"]: e for e in ours["cka"]}
worst = max(abs(cka["lstm_l0_fwd_" + a.split("_")[1]]["linear_cka"] - v)
            for a, v in peer["cka"].items())
worst_svcca = max(abs(cka["lstm_l0_fwd_" + a.split("_")[1]]["svcca"] - v)
                  for a, v in peer["svcca"].items())
print(f"  agreement: accuracies {ours['accuracy_a'] == peer['accuracy_a'] and ours['accuracy_b'] == peer['accuracy_b']}, "
      f"only-A/only-B {ours['agreement']['only_a_right'] == peer['only_a_right'] and ours['agreement']['only_b_right'] == peer['only_b_right']}, "
      f"largest CKA difference {worst:.1e}, SVCCA {worst_svcca:.1e}")
PYEOF
