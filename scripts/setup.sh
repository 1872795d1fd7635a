#!/usr/bin/env bash
# Installs what vocalmix needs, and only what is missing: Debian packages (apt-get) and
# playwright-core from npm for the browser tests. Idempotent. Runs as root, or through sudo
# when it is available.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config                  # compiler and build
  libsndfile1-dev libebur128-dev                    # audio I/O, loudness (BS.1770)
  nlohmann-json3-dev libcpp-httplib-dev libcli11-dev catch2 libssl-dev
  alsa-utils                                        # recorded speech used as test material
  fillets-ng-data-nl                                # other recorded voices (reference-match tests)
  emscripten                                        # the engine in WebAssembly
  clang libclang-rt-14-dev                          # libFuzzer targets (tests/fuzz, build-fuzz/)
  chromium                                          # browser tests (headless)
)
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 && -z "$SUDO" ]]; then
    echo "setup: missing packages (${missing[*]}), and not root without sudo" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all ${#PACKAGES[@]} Debian packages are installed"
fi

# playwright-core drives Debian's chromium in the browser tests (no browser download).
if [[ ! -d node_modules/playwright-core ]]; then
  echo "setup: installing playwright-core from npm"
  npm ci --no-audit --no-fund --loglevel=error
fi
