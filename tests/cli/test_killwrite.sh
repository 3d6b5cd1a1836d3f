#!/usr/bin/env bash
# Files are never lost (docs/reliability.md): every file rnnscope-cli writes is killed (SIGKILL)
# in the middle of its write, over an earlier version of itself, and the earlier version must
# still be there byte for byte and still open. The next, unkilled run must replace it and leave
# no temporary behind. The kill comes from core/AtomicFile's test variable
# RNNSCOPE_TEST_KILL_SAVE_AFTER_BYTES (exactly as a crash at that byte would); session files
# have the same test in core.sessionfile.
#
#   bash test_killwrite.sh <path to rnnscope-cli> <source dir>
set -uo pipefail
CLI=$1
SRC=$2
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! "$PY" -c "import h5py, numpy" 2>/dev/null; then
  echo "FAIL: python3-h5py or python3-numpy is not installed (scripts/install-deps.sh installs them)" >&2
  exit 1
fi

. "$SRC/tests/cli/models.sh"
M=$(test_models "$SRC" "$TMP/models") || exit 1
"$PY" - "$TMP" <<'PYEOF'
import random, sys
import numpy as np
random.seed(5)
for name, n in (("old", 60), ("new", 90)):
    with open(f"{sys.argv[1]}/{name}.tsv", "w") as f:
        for i in range(n):
            text = "".join(random.choice("abcxyz ()[]{}01") for _ in range(random.randint(5, 40)))
            f.write((text.strip() or "a") + "\t" + random.choice("xyz") + "\n")
rng = np.random.default_rng(1)
np.save(f"{sys.argv[1]}/x.npy", rng.normal(size=(2000, 16)).astype(np.float32))
PYEOF

# killed KILL_AFTER MATCHING -- COMMAND...: COMMAND once with the kill armed; it must die by
# SIGKILL (exit 137), not finish or fail.
killed() {
  local after=$1 matching=$2
  shift 3
  # (The braces keep bash's own "Killed" notice out of the log: the kill is expected.)
  { (RNNSCOPE_TEST_KILL_SAVE_AFTER_BYTES=$after RNNSCOPE_TEST_KILL_SAVE_MATCHING=$matching \
    exec "$@" > "$TMP/out.txt" 2> "$TMP/err.txt"); } 2> /dev/null
  local rc=$?
  [ "$rc" -eq 137 ] || fail "$* was not killed mid-write (exit $rc): $(cat "$TMP/err.txt")"
}
sums() { (cd "$TMP" && sha256sum "$@"); }

# 1. An activation store (HDF5, written by libhdf5 into the temporary) killed among its chunks.
"$CLI" extract --model "$M/lstm_bi.pt" --data "$TMP/old.tsv" --out "$TMP/store.h5" \
  --memory-budget 1 > /dev/null 2>&1 || fail "first extract"
before=$(sums store.h5)
killed 200000 store.h5 -- "$CLI" extract --model "$M/lstm_bi.pt" --data "$TMP/new.tsv" \
  --out "$TMP/store.h5" --memory-budget 1
[ -e "$TMP/store.h5.saving" ] || fail "the store was not killed while writing its temporary"
[ "$(sums store.h5)" = "$before" ] || fail "the killed extract changed the previous store"
"$PY" -c "import h5py,sys; f=h5py.File(sys.argv[1]); assert len(f['tracks'])>0" "$TMP/store.h5" \
  || fail "the previous store no longer opens"
"$CLI" extract --model "$M/lstm_bi.pt" --data "$TMP/new.tsv" --out "$TMP/store.h5" \
  --memory-budget 1 > "$TMP/out.txt" 2>&1 || fail "extract after the kill: $(cat "$TMP/out.txt")"
grep -q "90 samples" "$TMP/out.txt" || fail "the new store is not the new dataset: $(cat "$TMP/out.txt")"
[ ! -e "$TMP/store.h5.saving" ] || fail "the stale temporary of the killed extract is still there"

# 2. An LSTMVis export: four files replaced together, or none. Killed while writing its dict,
#    after its HDF5 files were written: all four old files must be as they were.
"$CLI" extract --model "$M/lstm_bi.pt" --data "$TMP/old.tsv" --out "$TMP/a.h5" \
  --lstmvis "$TMP/lstmvis" > /dev/null 2>&1 || fail "first LSTMVis export"
before=$(cd "$TMP/lstmvis" && sha256sum *)
killed 10 train.dict -- "$CLI" extract --model "$M/lstm_bi.pt" --data "$TMP/new.tsv" \
  --out "$TMP/b.h5" --lstmvis "$TMP/lstmvis"
[ "$(cd "$TMP/lstmvis" && sha256sum lstm.yml states.h5 train.dict words.h5)" = "$before" ] ||
  fail "the killed LSTMVis export changed the previous project"
"$CLI" extract --model "$M/lstm_bi.pt" --data "$TMP/new.tsv" --out "$TMP/b.h5" \
  --lstmvis "$TMP/lstmvis" > /dev/null 2>&1 || fail "LSTMVis export after the kill"
[ "$(cd "$TMP/lstmvis" && sha256sum lstm.yml states.h5 train.dict words.h5)" != "$before" ] ||
  fail "the export after the kill did not replace the project"
ls "$TMP/lstmvis" | grep -q '\.saving$' && fail "temporaries of the killed export are left"

# 3. A merged store (HDF5 virtual datasets), killed after its data and before its rename.
for data in old new; do
  for k in 1 2; do
    "$CLI" extract --model "$M/lstm_bi.pt" --data "$TMP/$data.tsv" --out "$TMP/$data-$k.h5" \
      --shard $k/2 > /dev/null 2>&1 || fail "shard $k/2 of $data.tsv"
  done
done
"$CLI" merge --out "$TMP/merged.h5" "$TMP/old-1.h5" "$TMP/old-2.h5" > /dev/null 2>&1 ||
  fail "first merge"
before=$(sums merged.h5)
killed 100 merged.h5 -- "$CLI" merge --out "$TMP/merged.h5" "$TMP/new-1.h5" "$TMP/new-2.h5"
[ "$(sums merged.h5)" = "$before" ] || fail "the killed merge changed the previous merged store"
"$CLI" merge --out "$TMP/merged.h5" "$TMP/new-1.h5" "$TMP/new-2.h5" > "$TMP/out.txt" 2>&1 ||
  fail "merge after the kill: $(cat "$TMP/out.txt")"
grep -q "2 shards, 90 samples" "$TMP/out.txt" || fail "merge summary: $(cat "$TMP/out.txt")"
[ ! -e "$TMP/merged.h5.saving" ] || fail "the killed merge's temporary is left"

# 4. Projections as CSV (killed 1,000 bytes in) and as .npy.
for ext in csv npy; do
  "$CLI" project --states "$TMP/x.npy" --method pca --dims 2 --out "$TMP/layout.$ext" \
    > /dev/null 2>&1 || fail "first projection to .$ext"
  before=$(sums "layout.$ext")
  killed 1000 "layout.$ext" -- "$CLI" project --states "$TMP/x.npy" --method pca --dims 3 \
    --out "$TMP/layout.$ext"
  [ -e "$TMP/layout.$ext.saving" ] || fail "the projection was not killed while writing .$ext"
  # The CSV streams through rnnscope's own writer: cut at exactly the byte asked for. (The .npy
  # writer writes the temporary by name, so its kill comes after its data, before the rename.)
  [ "$ext" != csv ] || [ "$(stat -c %s "$TMP/layout.csv.saving")" -eq 1000 ] ||
    fail "the .csv temporary does not hold the 1,000 bytes written before the kill"
  [ "$(sums "layout.$ext")" = "$before" ] || fail "the killed projection changed layout.$ext"
  "$CLI" project --states "$TMP/x.npy" --method pca --dims 3 --out "$TMP/layout.$ext" \
    > /dev/null 2>&1 || fail "projection after the kill"
  [ ! -e "$TMP/layout.$ext.saving" ] || fail "the killed projection's temporary is left"
done
"$PY" -c "import numpy,sys; assert numpy.load(sys.argv[1]).shape == (2000, 3)" "$TMP/layout.npy" ||
  fail "the replacing .npy is not the 3-D layout"

# 5. Figures (PNG, SVG, PDF) of a view, killed 500 bytes in.
for ext in png svg pdf; do
  "$CLI" render --model "$M/lstm_bi.pt" --data "$TMP/old.tsv" --sample 1 --view units \
    --out "$TMP/fig.$ext" > "$TMP/out.txt" 2>&1 || fail "first figure .$ext: $(cat "$TMP/out.txt")"
  before=$(sums "fig.$ext")
  killed 500 "fig.$ext" -- "$CLI" render --model "$M/lstm_bi.pt" --data "$TMP/old.tsv" \
    --sample 2 --view units --out "$TMP/fig.$ext"
  [ "$(sums "fig.$ext")" = "$before" ] || fail "the killed render changed fig.$ext"
  [ -e "$TMP/fig.$ext.saving" ] || fail "the render was not killed while writing fig.$ext"
done

echo "killwrite ok: store, LSTMVis export, merged store, CSV, .npy and PNG/SVG/PDF figures"
