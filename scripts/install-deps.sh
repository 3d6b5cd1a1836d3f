#!/usr/bin/env bash
# Installs the Debian 12 packages rnnscope needs to build, test and run.
# Skips apt-get entirely when every package is already installed, so a second
# `make run` starts in seconds. Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  # build tools (not on a fresh machine)
  cmake g++ make pkg-config ccache clang-format
  # Qt 6 with Charts, SVG and OpenGL widgets
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev libgl-dev
  # numerics, model runtime, 3D, tests, storage
  libtorch-dev libeigen3-dev libvtk9-dev catch2 libhdf5-dev
  libhnswlib-dev libfftw3-dev
  # LSTMVis projects (lstm.yml) in model-free mode
  libyaml-cpp-dev
  # GUI tests and screenshots under a virtual display
  xvfb xauth imagemagick
  # Python with PyTorch for the example/export scripts and parity tests
  python3 python3-torch python3-numpy python3-h5py
  # word lists the tutorial examples train on (examples/tutorials/, docs/your-model.md)
  wfrench wngerman witalian wspanish
  # Fonts so that exported figures have real glyphs
  fonts-dejavu-core
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "rnnscope: installing ${#missing[@]} Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "rnnscope: need root or sudo to install packages" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
