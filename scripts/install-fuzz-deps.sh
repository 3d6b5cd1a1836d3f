#!/usr/bin/env bash
# Installs what `make fuzz` needs beyond `make test`'s packages: clang and Debian's compiler-rt
# (libFuzzer, ASan and UBSan runtimes for clang 14). Debian packages only; skips apt-get when
# everything is there. Uses sudo when not root.
set -euo pipefail

PACKAGES=(clang-14 libclang-rt-14-dev)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "rnnscope: installing ${#missing[@]} Debian packages for fuzzing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "rnnscope: need root or sudo to install packages" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
