#!/usr/bin/env bash
# `rnnscope-cli project` end to end: a user saves states with numpy.save, projects them, and
# reads the layout back. PCA must match NumPy's own (SVD of the centred data, up to sign);
# t-SNE and UMAP must keep well-separated clusters apart and score high with --quality; bad files
# and bad calls fail with the documented exit code and one clear message.
#
#   bash test_project.sh <path to rnnscope-cli> <source dir>
set -euo pipefail
CLI=$1
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! "$PY" -c "import numpy" 2>/dev/null; then
  echo "FAIL: python3-numpy is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi

# 1,500 points in 20 dimensions: 5 Gaussian clusters far apart, plus a decaying spectrum so the
# principal axes are well defined. Also a float64 copy and a Fortran-order copy.
"$PY" - "$TMP" <<'PYEOF'
import sys
import numpy as np
rng = np.random.default_rng(0)
centres = rng.normal(scale=12.0, size=(5, 20))
labels = np.repeat(np.arange(5), 300)
x = centres[labels] + rng.normal(size=(1500, 20)) * np.linspace(1.5, 0.2, 20)
np.save(f"{sys.argv[1]}/x.npy", x.astype(np.float32))
np.save(f"{sys.argv[1]}/labels.npy", labels)
np.save(f"{sys.argv[1]}/x64.npy", x)
np.save(f"{sys.argv[1]}/xf.npy", np.asfortranarray(x.astype(np.float32)))
PYEOF

# 1. PCA to CSV and to .npy, checked against NumPy's SVD.
"$CLI" project --states "$TMP/x.npy" --method pca --dims 3 --out "$TMP/pca.csv" \
  > "$TMP/out.txt" 2> "$TMP/err.txt" || { cat "$TMP/err.txt" >&2; fail "pca to csv failed"; }
grep -q "1,500 points, 20 -> 3 dimensions by PCA" "$TMP/out.txt" || fail "summary: $(cat "$TMP/out.txt")"
grep -q "explained variance ratio" "$TMP/out.txt" || fail "no explained variance: $(cat "$TMP/out.txt")"
grep -q "100%" "$TMP/err.txt" || fail "no progress line on stderr: $(cat "$TMP/err.txt")"
# --projector with --states: the input rows as vectors.tsv, the row number as metadata.
"$CLI" project --states "$TMP/x.npy" --method pca --out "$TMP/p.npy" --projector "$TMP/tfs" \
  > /dev/null 2>&1 || fail "--projector with --states failed"
"$PY" -c "import numpy as np; v = np.loadtxt('$TMP/tfs/vectors.tsv', delimiter='\t'); x = np.load('$TMP/x.npy'); assert np.allclose(v, x, atol=1e-5), 'vectors differ'; m = open('$TMP/tfs/metadata.tsv').read().splitlines(); assert m[0] == 'row' and m[1] == '0' and len(m) == len(x) + 1" \
  || fail "--states projector files"
for input in x.npy x64.npy xf.npy; do
  "$CLI" project --states "$TMP/$input" --method pca --dims 2 --threads 1 --out "$TMP/pca-$input" \
    > /dev/null 2> "$TMP/err.txt" || { cat "$TMP/err.txt" >&2; fail "pca of $input failed"; }
done
[ ! -e "$TMP/pca.csv.saving" ] || fail "a partial file was left behind"
"$PY" - "$TMP" <<'PYEOF'
import sys
import numpy as np
d = sys.argv[1]
x = np.load(f"{d}/x.npy").astype(np.float64)
c = x - x.mean(axis=0)
u, s, vt = np.linalg.svd(c, full_matrices=False)
reference = c @ vt[:3].T
with open(f"{d}/pca.csv") as f:
    assert f.readline().strip() == "x,y,z", "csv header"
csv = np.loadtxt(f"{d}/pca.csv", delimiter=",", skiprows=1)
assert csv.shape == (1500, 3), csv.shape
for name, got in [("csv", csv)] + [(n, np.load(f"{d}/pca-{n}")) for n in ("x.npy", "x64.npy", "xf.npy")]:
    k = got.shape[1]
    assert got.shape == (1500, k), (name, got.shape)
    for j in range(k):
        ref = reference[:, j]
        sign = 1.0 if np.dot(ref, got[:, j]) >= 0 else -1.0
        err = np.abs(sign * got[:, j] - ref).max() / np.abs(ref).max()
        assert err < 1e-4, f"{name} component {j}: relative error {err}"
explained = s ** 2 / (s ** 2).sum()
line = [l for l in open(f"{d}/out.txt") if "explained" in l][0]
ours = [float(v) for v in line.split("ratio")[1].split("(")[0].split()]
assert np.allclose(ours, explained[:3], atol=1e-4), (ours, explained[:3])
print("pca ok: matches numpy's SVD, explained", ours)
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

# 2. t-SNE and UMAP keep the clusters apart and say how well they kept the neighbours.
if "$CLI" project --help | grep -q -- "--perplexity" && \
   ! "$CLI" project --states "$TMP/x.npy" --method tsne --out "$TMP/probe.npy" --iterations 1 \
     2>&1 | grep -q "not available"; then
  for method in tsne umap; do
    "$CLI" project --states "$TMP/x.npy" --method $method --dims 2 --threads 2 --seed 3 --quality \
      --out "$TMP/$method.npy" > "$TMP/$method.txt" 2> "$TMP/err.txt" \
      || { cat "$TMP/err.txt" >&2; fail "$method failed"; }
    grep -q "neighbour preservation" "$TMP/$method.txt" || fail "$method: no quality: $(cat "$TMP/$method.txt")"
    "$PY" - "$TMP" $method <<'PYEOF'
import re, sys
import numpy as np
d, method = sys.argv[1], sys.argv[2]
y = np.load(f"{d}/{method}.npy")
labels = np.load(f"{d}/labels.npy")
assert y.shape == (1500, 2) and np.isfinite(y).all(), y.shape
# Each cluster's points sit closer to their own centroid than to any other cluster's.
centroids = np.stack([y[labels == c].mean(axis=0) for c in range(5)])
nearest = np.argmin(((y[:, None, :] - centroids[None]) ** 2).sum(-1), axis=1)
kept = (nearest == labels).mean()
assert kept > 0.99, f"{method}: only {kept:.3f} of points nearest their own cluster"
text = open(f"{d}/{method}.txt").read()
np_, tw = map(float, re.search(r"neighbour preservation ([0-9.]+).*trustworthiness ([0-9.]+)", text).groups())
assert tw > 0.9 and np_ > 0.2, (method, np_, tw)
print(f"{method} ok: clusters kept {kept:.3f}, preservation {np_:.3f}, trustworthiness {tw:.3f}")
PYEOF
  done
  expect_exit 1 "perplexity" project --states "$TMP/x.npy" --method tsne --perplexity 800 \
    --out "$TMP/bad.npy"
else
  echo "t-SNE/UMAP not in this build yet: skipped their checks"
fi

# 3. Bad files: exit 1, one line naming the file and the problem, no output file.
printf 'a,b\n1,2\n' > "$TMP/text.npy"
"$PY" -c "import numpy as np; np.save('$TMP/ints.npy', np.arange(12).reshape(3, 4))"
"$PY" -c "import numpy as np; np.save('$TMP/flat.npy', np.zeros(12, np.float32))"
"$PY" -c "import numpy as np; np.save('$TMP/nan.npy', np.array([[0, 1], [np.nan, 2], [3, 4]], np.float32))"
head -c 2000 "$TMP/x.npy" > "$TMP/truncated.npy"
expect_exit 1 "text.npy: not a NumPy .npy file" project --states "$TMP/text.npy" --method pca --out "$TMP/o.npy"
expect_exit 1 "ints.npy: holds int64 values" project --states "$TMP/ints.npy" --method pca --out "$TMP/o.npy"
expect_exit 1 "flat.npy: is a 1-D array" project --states "$TMP/flat.npy" --method pca --out "$TMP/o.npy"
expect_exit 1 "truncated.npy: the header says 1,500 rows of 20 values but the file holds only" \
  project --states "$TMP/truncated.npy" --method pca --out "$TMP/o.npy"
expect_exit 1 "missing.npy: cannot open" project --states "$TMP/missing.npy" --method pca --out "$TMP/o.npy"
expect_exit 1 "NaN values (first at row 1, column 0)" project --states "$TMP/nan.npy" --method pca --out "$TMP/o.npy"
expect_exit 1 "cannot write" project --states "$TMP/x.npy" --method pca --out "$TMP/no/such/dir.npy"
[ ! -e "$TMP/o.npy" ] || fail "a failed run wrote its output"

# 4. Usage errors: exit 2 with the reason and where the help is.
expect_exit 2 "give either --states X.npy or --model M.pt --data D" project --method pca --out "$TMP/o.npy"
expect_exit 2 "--method must be pca, tsne or umap, not 'lda'" project --states "$TMP/x.npy" --method lda --out "$TMP/o.npy"
expect_exit 2 "--dims must be 2 or 3" project --states "$TMP/x.npy" --method pca --dims 4 --out "$TMP/o.npy"
expect_exit 2 "--out must end in .npy or .csv" project --states "$TMP/x.npy" --method pca --out "$TMP/o.txt"
expect_exit 2 "--perplexity applies to t-SNE only" project --states "$TMP/x.npy" --method umap --perplexity 30 --out "$TMP/o.npy"
expect_exit 2 "--threads must be" project --states "$TMP/x.npy" --method pca --threads -1 --out "$TMP/o.npy"
expect_exit 2 "rnnscope-cli project --help" project --states "$TMP/x.npy" --method pca --out "$TMP/o.npy" --frobnicate

# 5. A model's own states over a dataset (what the 3D State Space shows): every token of the
# brackets demo with its sample, step and token, and the same numbers as PCA of the store.
SRC=$2
MODEL="$SRC/resources/demo/brackets/brackets.pt"
DATA="$SRC/resources/demo/brackets/brackets.tsv"
if [ -f "$MODEL" ] && [ -f "$DATA" ]; then
  "$CLI" project --model "$MODEL" --data "$DATA" --method pca --dims 3 --out "$TMP/demo.csv" \
    > "$TMP/demo.out" 2> "$TMP/demo.err" || fail "project --model failed: $(cat "$TMP/demo.err")"
  grep -q "44,330 points (PCA 3D of lstm L0 fwd hidden)" "$TMP/demo.out" \
    || fail "unexpected summary: $(cat "$TMP/demo.out")"
  "$PY" - "$TMP/demo.csv" "$DATA" <<'PYEOF' || fail "the model's projection does not read back"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["sample", "step", "token", "x", "y", "z"], rows[0]
texts = [line.split("\t")[0] for line in open(sys.argv[2], encoding="utf-8").read().splitlines() if line]
# Every character of every sample, in order, with its token.
body = rows[1:]
assert len(body) == sum(len(t) for t in texts), (len(body), sum(len(t) for t in texts))
for sample, step, token, *xyz in body[:500]:
    assert texts[int(sample) - 1][int(step) - 1] == token, (sample, step, token)  # from 1
    assert len(xyz) == 3
PYEOF
  "$CLI" project --model "$MODEL" --data "$DATA" --method tsne --final --max-points 400 \
    --quality --out "$TMP/final.npy" --projector "$TMP/tfp" > "$TMP/final.out" 2> /dev/null \
    || fail "project --model --final failed"
  # The same final states for the TensorFlow Projector: a vector per point, labelled metadata.
  "$PY" - "$TMP/tfp" "$TMP/final.npy" <<'PYEOF' || fail "--projector files do not read back"
import numpy as np, sys
vectors = np.loadtxt(sys.argv[1] + "/vectors.tsv", delimiter="\t", ndmin=2)
meta = open(sys.argv[1] + "/metadata.tsv", encoding="utf-8").read().splitlines()
layout = np.load(sys.argv[2])
assert vectors.shape == (layout.shape[0], 64), vectors.shape
assert meta[0] == "sample\tstep\ttoken\tlabel\tcorrect", meta[0]
assert len(meta) == layout.shape[0] + 1
assert all(line.split("\t")[3] in ("balanced", "unbalanced") for line in meta[1:])
PYEOF
  grep -q "trustworthiness" "$TMP/final.out" || fail "no quality line: $(cat "$TMP/final.out")"
  "$PY" -c "import numpy as np, sys; a = np.load('$TMP/final.npy'); assert a.shape[1] == 2 and 400 <= a.shape[0] <= 401, a.shape"
  expect_exit 1 "no captured state \"nope\"; the model has: embeddings, lstm_l0_fwd_hidden" \
    project --model "$MODEL" --data "$DATA" --method pca --layer nope --out "$TMP/o.csv"
  expect_exit 2 "--model needs --data" project --model "$MODEL" --method pca --out "$TMP/o.csv"
  expect_exit 2 "give either --states X.npy or --model M.pt --data D" \
    project --model "$MODEL" --data "$DATA" --states "$TMP/x.npy" --method pca --out "$TMP/o.csv"
  expect_exit 2 "--layer applies to --model only" project --states "$TMP/x.npy" --layer 0 --method pca --out "$TMP/o.npy"
fi

echo "test_project: all checks passed"
