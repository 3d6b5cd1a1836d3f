#!/usr/bin/env bash
# A long series (issue #24): a 1,000,000-row CSV of minutes with one sensor value, cut into
# windows of 48 rows at every row (stride 1), each step's target the next row, scored by the
# sunspot forecaster. `rnnscope-cli errors` (reading, windowing, running and scoring) beside the
# same pipeline in NumPy + PyTorch (peer.py), in the same run: both wall times, their ratio, peak
# memory, and whether the two agree on MAE and RMSE.
#
#   bash bench/series/run.sh <build dir> [ROWS]
set -euo pipefail
BUILD=${1:?usage: bash bench/series/run.sh <build dir> [ROWS]}
ROWS=${2:-1000000}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
CLI="$BUILD/app/rnnscope-cli"
MODEL="$SRC/resources/demo/sunspots/sunspots.pt"
THREADS=$(nproc)
[ -x "$CLI" ] || { echo "bench/series/run.sh: $CLI is not built" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 - "$TMP/series.csv" "$ROWS" <<'PYEOF'
import math, random, sys
from datetime import datetime, timedelta
random.seed(1)
t0 = datetime(2020, 1, 1)
with open(sys.argv[1], "w") as f:
    f.write("time,value\n")
    for i in range(int(sys.argv[2])):
        # A sunspot-like cycle in range 0..200, with noise.
        v = 100 + 90 * math.sin(i * 2 * math.pi / 132) + random.gauss(0, 8)
        f.write(f"{(t0 + timedelta(minutes=i)).strftime('%Y-%m-%dT%H:%M')},{v:.1f}\n")
PYEOF
/usr/bin/time -f "%e %M" -o "$TMP/ours.time" "$CLI" errors --model "$MODEL" --data "$TMP/series.csv" \
  --window 48 --stride 1 --horizon 1 --json > "$TMP/ours.json" 2>/dev/null
/usr/bin/time -f "%e %M" -o "$TMP/peer.time" /usr/bin/python3 "$SRC/bench/series/peer.py" "$MODEL" \
  "$TMP/series.csv" "$THREADS" > "$TMP/peer.json"
/usr/bin/python3 - "$TMP/ours.json" "$TMP/peer.json" "$TMP/ours.time" "$TMP/peer.time" <<'PYEOF'
import json, sys
ours, peer = (json.load(open(p)) for p in sys.argv[1:3])
(t_ours, m_ours), (t_peer, m_peer) = (map(float, open(p).read().split()) for p in sys.argv[3:5])
r = ours["regression"]
print(f"{peer['samples']} windows of 48 rows, stride 1, horizon 1 (sunspot LSTM, 2 x 32 units)")
print(f"  rnnscope-cli errors   {t_ours:7.1f} s  {m_ours / 1024:6.0f} MB peak  (start, read, cut, run, score)")
print(f"  NumPy + PyTorch peer  {t_peer:7.1f} s  {m_peer / 1024:6.0f} MB peak  (read {peer['read_seconds']:.1f} s)")
print(f"  peer / rnnscope       {t_peer / t_ours:7.2f}x")
print(f"  agreement: windows {ours['samples'] == peer['samples']}, MAE {abs(r['mae'] - peer['mae']):.1e}, "
      f"RMSE {abs(r['rmse'] - peer['rmse']):.1e}")
PYEOF
