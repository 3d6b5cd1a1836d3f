#!/usr/bin/env bash
# The projection benchmark: rnnscope-cli project against scikit-learn, umap-learn, Rtsne and uwot
# on the same data with the same threads (bench/projection/bench.py prints the table and the
# ratios). Builds nothing: needs rnnscope-cli built. Data (LSTM states over /usr/include headers,
# scikit-learn's digits) is made once and cached in <build dir>/bench-data.
#
#   bash bench/projection/run.sh <build dir> [--quick | --full | --scale] [--threads N]
#        [--methods pca tsne umap] [--skip PEER ...]
#
#   --quick  digits and 20,000 LSTM states (the default; minutes)
#   --full   also 70,000 LSTM states, where the goals are judged (scikit-learn's t-SNE alone
#            takes 10+ minutes there)
#   --scale  t-SNE and UMAP on 1,000,000 LSTM states: time and peak memory
set -euo pipefail
BUILD=${1:?usage: bash bench/projection/run.sh <build dir> [--quick|--full|--scale]}
shift
SRC=$(cd "$(dirname "$0")/../.." && pwd)
CLI="$BUILD/app/rnnscope-cli"
[ -x "$CLI" ] || { echo "bench/projection/run.sh: $CLI is not built (cmake --build $BUILD --target rnnscope-cli)" >&2; exit 1; }
MODE=quick
ARGS=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) MODE=quick ;;
    --full) MODE=full ;;
    --scale) MODE=scale ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done
DATA="$BUILD/bench-data"
mkdir -p "$DATA"
exec /usr/bin/python3 "$SRC/bench/projection/bench.py" --cli "$CLI" --src "$SRC" --data "$DATA" \
  --mode "$MODE" --threads "$(nproc)" "${ARGS[@]}"
