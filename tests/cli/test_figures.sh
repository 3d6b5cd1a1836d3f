#!/usr/bin/env bash
# Every panel's figure, as `rnnscope-cli render` writes it for a paper, compared with the
# committed baseline image in tests/baselines/ (as f3d's render tests do): a change that moves,
# recolours or drops anything in a figure fails here, with the difference written beside it.
# The figures are drawn with default Preferences (an empty HOME), so the user's own colour map
# or font does not count.
#   bash test_figures.sh <path to rnnscope-cli> <source dir>
# RNNSCOPE_UPDATE_BASELINES=1 writes the baselines instead: look at every one before committing.
set -u
CLI=$1
SRC=$2
BASE="$SRC/tests/baselines"
DEMO="$SRC/resources/demo"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
. "$SRC/tests/cli/models.sh"
command -v compare >/dev/null || { echo "FAIL: ImageMagick's compare is missing (scripts/install-deps.sh installs imagemagick)" >&2; exit 1; }
[ -n "${DISPLAY:-}" ] || { echo "FAIL: no display (make test runs ctest under xvfb-run)" >&2; exit 1; }

for name in sample attention state-space units saturation features errors attribution \
    intervention ablation ablation-depth patching whatif similarity compare checkpoints beam \
    forecast attribution-forecast; do
  view=$name
  [ "$name" = attribution-forecast ] && view=attribution
  [ "$name" = whatif ] && view=attention
  [ "$name" = ablation-depth ] && view=ablation
  case $name in
    sample | attention | patching | whatif | beam) demo=dates ;;
    *) demo=brackets ;;
  esac
  extra=()
  # The two cell units the ablation sweep ranks first, zeroed.
  # The two cell units that matter most, in colour over the rest.
  [ "$name" = units ] && extra=(--track lstm_l0_fwd_cell --units 24,45)
  [ "$name" = intervention ] && extra=(--set 'lstm_l0_fwd_cell[24,45]=0')
  # Every cell unit against its r with bracket depth; the day's second digit patched.
  [ "$name" = ablation ] && extra=(--track lstm_l0_fwd_cell --signal depth)
  # The depth cell ablated: accuracy by the deepest nesting of each string.
  [ "$name" = ablation-depth ] && extra=(--track lstm_l0_fwd_cell --signal depth --breakdown 45)
  [ "$name" = patching ] && extra=(--clean 'Tuesday, March 12, 1990' \
    --corrupt 'Tuesday, March 19, 1990' --align end)
  # What if the comma went and the century changed: the attention's difference over the
  # original's tokens (the comma's column blank).
  [ "$name" = whatif ] && extra=(--edit 'Mar. 18th 1877')
  # The brackets LSTM against the GRU trained on the same data.
  [ "$name" = similarity ] && extra=(--model-b "$DEMO/brackets/brackets_gru.pt")
  [ "$name" = compare ] && extra=(--model-b "$DEMO/brackets/brackets_gru.pt")
  # The beam of width 4 with every hypothesis it kept, the reference's path in green.
  [ "$name" = beam ] && extra=(--beam-width 4)
  source=(--model "$DEMO/$demo/$demo.pt" --data "$DEMO/$demo/$demo.tsv" --sample 3)
  # The small LSTM's training run (tests/models/compare_models.py), one broken file left out.
  if [ "$name" = checkpoints ]; then
    M=$(test_models "$SRC" "$TMP/models") || { fail=1; continue; }
    source=(--checkpoints "$M/checkpoints" --data "$M/compare.tsv")
    extra=(--signal depth)
  fi
  # The sunspot forecaster over the whole monthly series, a window of 48 months every year.
  if [ "$name" = forecast ]; then
    source=(--model "$DEMO/sunspots/sunspots.pt" --data "$DEMO/sunspots/sunspot_month.csv")
    extra=(--window 48 --stride 12 --horizon 1)
  fi
  # Which months drove the forecast made at the end of 1951: features x steps by their times.
  if [ "$name" = attribution-forecast ]; then
    source=(--model "$DEMO/sunspots/sunspots.pt" --data "$DEMO/sunspots/sunspot_month.csv" --sample 200)
    extra=(--window 48 --stride 12 --horizon 1 --method ig --size 1000x420)
  fi
  out="$TMP/$name.png"
  if ! HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home/.config" "$CLI" render \
      "${source[@]}" --view "$view" \
      "${extra[@]}" --dpi 96 --out "$out" > "$TMP/$name.log" 2>&1; then
    echo "FAIL: render --view $view ($name): $(tail -3 "$TMP/$name.log")" >&2
    fail=1
    continue
  fi
  baseline="$BASE/render-$name.png"
  if [ "${RNNSCOPE_UPDATE_BASELINES:-0}" = 1 ]; then
    cp "$out" "$baseline"
    echo "wrote $baseline"
    continue
  fi
  [ -f "$baseline" ] || { echo "FAIL: no baseline $baseline (RNNSCOPE_UPDATE_BASELINES=1 writes it)" >&2; fail=1; continue; }
  size=$(identify -format '%wx%h' "$out")
  want=$(identify -format '%wx%h' "$baseline")
  if [ "$size" != "$want" ]; then
    echo "FAIL: $name is $size, its baseline $want" >&2
    fail=1
    continue
  fi
  # Pixels whose colour differs by more than 8% (anti-aliasing and rounding differ less), at
  # most 0.2% of the figure.
  differing=$(compare -metric AE -fuzz 8% "$out" "$baseline" "$TMP/$name-diff.png" 2>&1 >/dev/null)
  total=$(( ${size%x*} * ${size#*x} ))
  if ! [[ "$differing" =~ ^[0-9]+$ ]] || [ $(( differing * 1000 )) -gt $(( total * 2 )) ]; then
    keep="${TMPDIR:-/tmp}/rnnscope-figures"
    mkdir -p "$keep"
    cp "$out" "$keep/$name.png"
    cp "$TMP/$name-diff.png" "$keep/$name-diff.png" 2>/dev/null
    echo "FAIL: $name differs from its baseline in $differing of $total pixels; see $keep/$name.png and $keep/$name-diff.png" >&2
    fail=1
  else
    echo "$name: $differing of $total pixels differ"
  fi
done
exit $fail
