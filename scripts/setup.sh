#!/usr/bin/env bash
# Installs what vocalmix needs from Debian's packages, and only what is missing. Idempotent.
# Runs as root, or through sudo when it is available.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config          # compiler and build
  libsndfile1-dev libkissfft-dev libebur128-dev  # audio I/O, FFT, loudness (BS.1770)
  nlohmann-json3-dev libcpp-httplib-dev libcli11-dev catch2
  alsa-utils                                # recorded speech used as test material
)

missing=()
for p in "${PACKAGES[@]}"; do
  [[ "$p" == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#PACKAGES[@]} required packages are installed"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    SUDO="sudo"
  else
    echo "setup: missing packages (${missing[*]}) and not root, and sudo is not available" >&2
    exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
