#!/usr/bin/env bash
# The whole suite: install what is missing, build native and WASM, run every test through
# CTest (unit, parity native-vs-WASM, server, browser end-to-end). Exit code is CTest's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
scripts/build-wasm.sh >/dev/null
cd build
ctest --output-on-failure -j2 --timeout 900
