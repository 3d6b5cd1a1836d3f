#!/usr/bin/env bash
# `rnnscope-cli neighbours` end to end: on both demos the neighbours of a token and their
# distances equal those PyTorch computes from the same model's embedding table, for cosine and
# Euclidean distance; a misspelled token is answered with the closest spellings; bad calls fail
# with a message.
#
#   bash test_neighbours.sh <path to rnnscope-cli> <source dir>
set -euo pipefail
CLI=$1
SRC=$2
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

B="$SRC/resources/demo/brackets/brackets.pt"
D="$SRC/resources/demo/dates/dates.pt"
if [ ! -f "$B" ] || [ ! -f "$D" ]; then
  echo "FAIL: the demo models are missing (git checkout -- resources/demo)" >&2
  exit 1
fi

check() {  # model token k metric
  "$CLI" neighbours --model "$1" --token "$2" --k "$3" --metric "$4" --json > "$TMP/out.json"
  "$PY" - "$TMP/out.json" "$1" "$2" "$3" "$4" <<'PYEOF'
import json, sys
import torch
out = json.load(open(sys.argv[1]))
model, token, k, metric = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
files = {"rnnscope.json": ""}
m = torch.jit.load(model, _extra_files=files)
meta = json.loads(files["rnnscope.json"])
vocab = meta["input"]["vocab"]
weight = None
for name, p in m.named_parameters():
    if p.dim() == 2 and p.shape[0] == len(vocab) and "emb" in name:
        weight = p.detach().double()
        break
assert weight is not None, "no embedding table found by PyTorch"
pad = vocab.index(meta["input"].get("pad", "<pad>"))
i = vocab.index(token)
if metric == "cosine":
    w = weight / weight.norm(dim=1, keepdim=True).clamp_min(1e-30)
    d = 1 - w @ w[i]
else:
    d = (weight - weight[i]).norm(dim=1)
order = [j for j in torch.argsort(d).tolist() if j != i and j != pad][:k]
got = out["neighbours"]
assert out["metric"] == metric and out["vocabulary_size"] == len(vocab), out
assert len(got) == len(order), (got, order)
for g, j in zip(got, order):
    assert abs(g["distance"] - float(d[j])) < 1e-5, (g, vocab[j], float(d[j]))
    # Ties may come in another order; the distance is what must agree.
    assert g["token"] == vocab[g["id"]], g
print(f"{token} {metric}: ok", [g["token"] for g in got])
PYEOF
}
check "$B" "(" 6 cosine
check "$B" "]" 3 euclidean
check "$D" "a" 10 cosine
check "$D" "7" 5 euclidean

# The plain output is a title and one line per neighbour.
"$CLI" neighbours --model "$D" --token J --k 4 > "$TMP/plain.txt"
[ "$(wc -l < "$TMP/plain.txt")" = 5 ] || fail "plain output: $(cat "$TMP/plain.txt")"

expect_exit() {
  local code=$1 pattern=$2; shift 2
  set +e
  "$CLI" "$@" > "$TMP/stdout" 2> "$TMP/stderr"
  local got=$?
  set -e
  [ "$got" = "$code" ] || fail "'$*' exited $got, expected $code: $(cat "$TMP/stderr")"
  grep -qF -- "$pattern" "$TMP/stderr" || fail "'$*': stderr lacks '$pattern': $(cat "$TMP/stderr")"
  [ ! -s "$TMP/stdout" ] || fail "'$*' printed to stdout on error"
}
expect_exit 1 "“Jx” is not in the vocabulary (63 tokens); the closest spellings are: “J”" \
  neighbours --model "$D" --token Jx --json
expect_exit 1 "closest spellings are: “(”" neighbours --model "$B" --token "<" --json
expect_exit 2 "--token is required" neighbours --model "$B"
expect_exit 2 "--k must be" neighbours --model "$B" --token "(" --k 0
expect_exit 2 "--metric must be cosine or euclidean" neighbours --model "$B" --token "(" \
  --metric manhattan
expect_exit 1 "no such file" neighbours --model "$TMP/none.pt" --token "("

# `render --view features`: the embedding map as a figure, and the token-state map; a token the
# vocabulary lacks fails with the closest spellings.
if [ -n "${DISPLAY:-}" ]; then
  BD="$SRC/resources/demo/brackets/brackets.tsv"
  "$CLI" render --model "$D" --input "May 5 2020" --view features --out "$TMP/map.svg" \
    > "$TMP/render.txt" || fail "features render failed"
  grep -q "map.svg: features of" "$TMP/render.txt" || fail "no summary line"
  grep -q ">J<" "$TMP/map.svg" || fail "the map's token labels are missing from the SVG"
  "$CLI" render --model "$B" --data "$BD" --view features --tokens "( [" --dpi 96 \
    --out "$TMP/states.png" > /dev/null || fail "token-state render failed"
  [ -s "$TMP/states.png" ] || fail "no token-state figure"
  expect_exit 1 "closest spellings are: “(”" render --model "$B" --data "$BD" --view features \
    --tokens "<" --out "$TMP/none.png"
  expect_exit 2 "--tokens is for --view features with --data" render --model "$B" \
    --input "()" --view features --tokens "(" --out "$TMP/none.png"
  # Unit-word co-clusters as a figure: the title and the words are text in the SVG.
  "$CLI" render --model "$B" --data "$BD" --view features --coclusters 3 --min-count 10 \
    --out "$TMP/co.svg" > /dev/null || fail "co-cluster render failed"
  grep -q "Co-clusters of" "$TMP/co.svg" || fail "the co-cluster title is missing from the SVG"
  grep -q "Cluster 3" "$TMP/co.svg" || fail "the third cluster's word list is missing"
  expect_exit 2 "--coclusters K (2 to 20" render --model "$B" --data "$BD" --view features \
    --coclusters 1 --out "$TMP/none.png"
fi

echo "test_neighbours: all checks passed"
