#!/usr/bin/env bash
# `make bench`: what white-box capture costs, on the demo models, with PyTorch as the peer in the
# same run, then the projection engine against scikit-learn, umap-learn, Rtsne and uwot
# (bench/projection/run.sh; RNNSCOPE_BENCH_PROJECTION=quick|full|scale|off, default quick), with
# the typing latency, the 3D State Space and the attention map's hover repaint in between.
# Builds nothing: run it after `make build` (or `cmake --build <dir> --target bench_capture
# rnnscope-cli`).
#
#   bash bench/run.sh <build dir> [--repeat R] [--batch B]
set -euo pipefail
BUILD=${1:?usage: bash bench/run.sh <build dir>}
shift
SRC=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$BUILD/bench/bench_capture"
[ -x "$BENCH" ] || { echo "bench/run.sh: $BENCH is not built (cmake --build $BUILD --target bench_capture)" >&2; exit 1; }
THREADS=$(nproc)

echo "Capture cost: tokens per second on the same padded batches (model xN: N threads)"
echo "  (a) Model::run without capture   (b) Model::run with every state captured"
echo "  (c) the same TorchScript model in PyTorch 1.13 (bench/torch_peer.py)"
echo "  (d) the whole extraction into a compressed HDF5 store (inference, capture, write)"
echo "  (b)/(a): time with capture over time without (goal <= 2x)"
echo "  (a)/(c): LibTorch speed over PyTorch speed (goal >= 1x)"
echo "  bytes/tok: bytes of the HDF5 store per token, all tracks"
echo "  per CPU-second: the same speeds per second of CPU time of the process (load-proof)"
echo
"$BENCH" --header
ran=0
for demo in brackets dates; do
  model="$SRC/resources/demo/$demo/$demo.pt"
  data="$SRC/resources/demo/$demo/$demo.tsv"
  if [ ! -f "$model" ] || [ ! -f "$data" ]; then
    echo "$demo: resources/demo/$demo/$demo.pt or .tsv missing; skipped"
    continue
  fi
  # All cores, then one: on a loaded machine OpenMP's spinning threads can cost more than
  # they bring, and one thread shows the work itself.
  for threads in $(echo "$THREADS 1" | tr ' ' '\n' | sort -rnu); do
    "$BENCH" --model "$model" --data "$data" --threads "$threads" \
      --peer "$SRC/bench/torch_peer.py" "$@"
  done
  ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || { echo "bench/run.sh: no demo model to run" >&2; exit 1; }

echo
echo "Answering typed text: one run with every state captured and verified, per pause in typing"
TYPING="$BUILD/bench/bench_typing"
if [ -x "$TYPING" ]; then
  "$TYPING" "$SRC/resources/demo/dates/dates.pt" "November 26th, 2026" "26/11/2026" \
    "the twenty-sixth of November 2026"
  "$TYPING" "$SRC/resources/demo/brackets/brackets.pt" "(([]{()}))[" "{[()()]}((((()))))"
fi

echo
echo "3D State Space: a cloud of clustered points turning under Xvfb's software renderer (Mesa"
echo "llvmpipe on these cores; a desktop GPU is far faster), hover picking, and a sample change"
echo "on the brackets demo until its path is redrawn"
STATESPACE="$BUILD/bench/bench_statespace"
if [ -x "$STATESPACE" ]; then
  xvfb-run -a -s "-screen 0 1600x1000x24" "$STATESPACE" --demo "$SRC/resources/demo/brackets" \
    2>&1 | grep -v XDG_RUNTIME_DIR
fi

echo
echo "Attention map: a mouse move over a 500 x 500 heatmap until the repainted frame (hit test,"
echo "highlight, whole viewport), fitted and zoomed out to every cell; Qt's offscreen raster"
ATTENTION="$BUILD/bench/bench_attention"
if [ -x "$ATTENTION" ]; then
  QT_QPA_PLATFORM=offscreen "$ATTENTION" 2>&1 | grep -v XDG_RUNTIME_DIR
fi

echo
echo "Feature scatter: pan and zoom of 100,000 points under Xvfb (OpenGL series against QPainter"
echo "series), and nearest-neighbour queries over 100,000 x 64 vectors (HNSW against the scan)"
FEATURES="$BUILD/bench/bench_features"
if [ -x "$FEATURES" ]; then
  xvfb-run -a -s "-screen 0 1600x1000x24" "$FEATURES" 2>&1 | grep -v XDG_RUNTIME_DIR
fi

echo
echo "Hidden units: pattern search and the unit finder over 1,000,000 tokens x 512 units, read"
echo "from the activation store in memory and from its HDF5 file (page cache warm), against the"
echo "same computations in NumPy (bench/units/peer.py, LSTMVis's approach)"
UNITS="$BUILD/bench/bench_units"
if [ -x "$UNITS" ]; then
  mkdir -p "$BUILD/bench-data"
  "$UNITS" --data "$BUILD/bench-data" --peer "$SRC/bench/units/peer.py"
fi

echo
echo "Error browser: filter, sort and confusion matrix over 1,000,000 samples, against NumPy"
echo "(bench/errors/peer.py) on the same rows"
ERRORS="$BUILD/bench/bench_errors"
if [ -x "$ERRORS" ]; then
  mkdir -p "$BUILD/bench-data"
  "$ERRORS" --data "$BUILD/bench-data" --peer "$SRC/bench/errors/peer.py"
fi

echo
echo "Attribution: integrated gradients (50 steps) on 100 tokens of the brackets demo, batched"
echo "through LibTorch's autograd, against plain PyTorch (bench/attribution/peer.py)"
ATTRIBUTION="$BUILD/bench/bench_attribution"
if [ -x "$ATTRIBUTION" ]; then
  for threads in $(echo "$THREADS 1" | tr ' ' '\n' | sort -rnu); do
    "$ATTRIBUTION" --model "$SRC/resources/demo/brackets/brackets.pt" --threads "$threads" \
      --peer "$SRC/bench/attribution/peer.py"
  done
  # Completeness of each integration rule over held-out samples (one thread).
  "$ATTRIBUTION" --model "$SRC/resources/demo/brackets/brackets.pt" --threads 1 --repeat 1 \
    --data "$SRC/resources/demo/brackets/brackets.tsv" --samples 200
fi

echo
echo "Memory bounds: the brackets demo repeated until its states are 10x a 64 MB budget, extracted"
echo "to the HDF5 store and explored (samples, unit finder, pattern search, PCA), resident memory"
echo "against the budget"
MEMORY="$BUILD/bench/bench_memory"
if [ -x "$MEMORY" ]; then
  "$MEMORY" --model "$SRC/resources/demo/brackets/brackets.pt" \
    --data "$SRC/resources/demo/brackets/brackets.tsv" --budget-mb 64 --times 10 --threads "$THREADS"
fi

PROJECTION=${RNNSCOPE_BENCH_PROJECTION:-quick}
if [ "$PROJECTION" != off ]; then
  echo
  bash "$SRC/bench/projection/run.sh" "$BUILD" "--$PROJECTION"
fi

echo
echo "Interventions: the ablation sweep against a PyTorch hand loop, and the patching map"
bash "$SRC/bench/interventions/run.sh" "$BUILD"

echo
echo "Compare models: the brackets LSTM against the brackets GRU over 1,500 strings (predictions,"
echo "CKA, SVCCA, unit matching), against the same comparison scripted in PyTorch and NumPy"
bash "$SRC/bench/compare/run.sh" "$BUILD"

echo
echo "Time series: a long CSV series cut into windows of 48 at every row and scored, against the"
echo "same pipeline in NumPy + PyTorch (RNNSCOPE_BENCH_SERIES_ROWS, default 100,000)"
bash "$SRC/bench/series/run.sh" "$BUILD" "${RNNSCOPE_BENCH_SERIES_ROWS:-100000}"
FORECAST="$BUILD/bench/bench_forecast"
if [ -x "$FORECAST" ]; then
  echo "Forecast panel: panning a 1,000,000-row series under Xvfb, against Qt Charts line series"
  xvfb-run -a -s "-screen 0 1600x1000x24" "$FORECAST" --frames 60
fi

echo
echo "Beam Tree: a width-8 beam search of a dates sample and its tree figure, against the same"
echo "search in plain PyTorch over the same decode_step()"
DECODING="$BUILD/bench/bench_decoding"
if [ -x "$DECODING" ]; then
  "$DECODING" "$SRC/resources/demo/dates/dates.pt" "$SRC/resources/demo/dates/dates.tsv" \
    "$SRC/bench/decoding/peer.py"
fi

echo
echo "Checkpoints: one step of the slider over the brackets demo's 9 checkpoints, once they are"
echo "captured, against the same step computing the checkpoint again (Xvfb)"
CHECKPOINTS="$BUILD/bench/bench_checkpoints"
if [ -x "$CHECKPOINTS" ]; then
  HOME=$(mktemp -d) xvfb-run -a -s "-screen 0 1600x1000x24" "$CHECKPOINTS" \
    "$SRC/resources/demo/brackets/checkpoints" "$SRC/resources/demo/brackets/brackets.tsv"
fi
