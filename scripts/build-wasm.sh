#!/usr/bin/env bash
# Builds the engine to WebAssembly: the C dependencies first (scripts/wasm-deps.sh, cached in
# .cache/wasm-deps), then the same CMake project with the Emscripten toolchain into build-wasm/.
# Outputs: build-wasm/wasm/vocalmix_node.js (CommonJS, node) and
#          build-wasm/wasm/vocalmix_worklet.mjs (ES6, single file, for the AudioWorklet).
# Idempotent; a second run with nothing changed takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # Debian's emcc finds its acorn module here
command -v emcmake >/dev/null || { echo "build-wasm: emscripten is not installed (apt-get install emscripten)" >&2; exit 1; }
PREFIX=$(scripts/wasm-deps.sh | tail -n 1)
emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=Release -DVOCALMIX_WASM_DEPS="$PREFIX" >/dev/null
cmake --build build-wasm -j2
ls -l build-wasm/wasm/vocalmix_node.js build-wasm/wasm/vocalmix_worklet.mjs
