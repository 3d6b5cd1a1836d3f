#!/usr/bin/env bash
# Installs the peers `make bench` runs rnnscope against (bench/projection): scikit-learn 1.2,
# umap-learn 0.5.3, Rtsne 0.16 and uwot 0.1.14, all from Debian 12. Not needed to build or test
# (scripts/install-deps.sh is); skips apt-get when everything is already there.
set -euo pipefail

PACKAGES=(
  python3-numpy python3-sklearn umap-learn  # Python peers
  r-base-core r-cran-rtsne r-cran-uwot      # R peers
  time                                      # /usr/bin/time -v: peak memory of the scale run
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "rnnscope bench: installing ${#missing[@]} Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "rnnscope: need root or sudo to install packages" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
