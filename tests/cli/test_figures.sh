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
command -v compare >/dev/null || { echo "FAIL: ImageMagick's compare is missing (scripts/install-deps.sh installs imagemagick)" >&2; exit 1; }
[ -n "${DISPLAY:-}" ] || { echo "FAIL: no display (make test runs ctest under xvfb-run)" >&2; exit 1; }

for view in sample attention state-space units saturation features errors attribution \
    intervention ablation patching; do
  case $view in
    sample | attention | patching) demo=dates ;;
    *) demo=brackets ;;
  esac
  extra=()
  # The two cell units the ablation sweep ranks first, zeroed.
  [ "$view" = intervention ] && extra=(--set 'lstm_l0_fwd_cell[24,45]=0')
  # Every cell unit against its r with bracket depth; the day's second digit patched.
  [ "$view" = ablation ] && extra=(--track lstm_l0_fwd_cell --signal depth)
  [ "$view" = patching ] && extra=(--clean 'Tuesday, March 12, 1990' \
    --corrupt 'Tuesday, March 19, 1990' --align end)
  out="$TMP/$view.png"
  if ! HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home/.config" "$CLI" render \
      --model "$DEMO/$demo/$demo.pt" --data "$DEMO/$demo/$demo.tsv" --sample 3 --view "$view" \
      "${extra[@]}" --dpi 96 --out "$out" > "$TMP/$view.log" 2>&1; then
    echo "FAIL: render --view $view: $(tail -3 "$TMP/$view.log")" >&2
    fail=1
    continue
  fi
  baseline="$BASE/render-$view.png"
  if [ "${RNNSCOPE_UPDATE_BASELINES:-0}" = 1 ]; then
    cp "$out" "$baseline"
    echo "wrote $baseline"
    continue
  fi
  [ -f "$baseline" ] || { echo "FAIL: no baseline $baseline (RNNSCOPE_UPDATE_BASELINES=1 writes it)" >&2; fail=1; continue; }
  size=$(identify -format '%wx%h' "$out")
  want=$(identify -format '%wx%h' "$baseline")
  if [ "$size" != "$want" ]; then
    echo "FAIL: $view is $size, its baseline $want" >&2
    fail=1
    continue
  fi
  # Pixels whose colour differs by more than 8% (anti-aliasing and rounding differ less), at
  # most 0.2% of the figure.
  differing=$(compare -metric AE -fuzz 8% "$out" "$baseline" "$TMP/$view-diff.png" 2>&1 >/dev/null)
  total=$(( ${size%x*} * ${size#*x} ))
  if ! [[ "$differing" =~ ^[0-9]+$ ]] || [ $(( differing * 1000 )) -gt $(( total * 2 )) ]; then
    keep="${TMPDIR:-/tmp}/rnnscope-figures"
    mkdir -p "$keep"
    cp "$out" "$keep/$view.png"
    cp "$TMP/$view-diff.png" "$keep/$view-diff.png" 2>/dev/null
    echo "FAIL: $view differs from its baseline in $differing of $total pixels; see $keep/$view.png and $keep/$view-diff.png" >&2
    fail=1
  else
    echo "$view: $differing of $total pixels differ"
  fi
done
exit $fail
