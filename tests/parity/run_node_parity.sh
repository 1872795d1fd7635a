#!/usr/bin/env bash
# Native ⇔ WASM parity test (registered in CTest by tests/CMakeLists.txt).
#   run_node_parity.sh [NATIVE_BUILD_DIR] [WASM_BUILD_DIR]
# Needs the native build (parity_native, vocalmix) and the WASM build (scripts/build-wasm.sh).
# Both are brought up to date first (incremental: quick when nothing changed), so the two sides
# are always built from the same sources. Without a WASM build the test is skipped (exit 77,
# CTest reports "Skipped") unless VOCALMIX_PARITY_BUILD_WASM=1, which builds it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
WASM_BUILD=${2:-$ROOT/build-wasm}
export NODE_PATH=/usr/share/nodejs   # Debian's emcc finds its acorn module here

# One parity run at a time per build tree: two concurrent CTest runs would otherwise rebuild
# build-wasm/ under each other's feet.
mkdir -p "$BUILD/test-tmp"
exec 9>"$BUILD/test-tmp/parity.lock"
flock 9

if [[ ! -f "$WASM_BUILD/CMakeCache.txt" ]]; then
  if [[ "${VOCALMIX_PARITY_BUILD_WASM:-0}" == 1 ]]; then
    "$ROOT/scripts/build-wasm.sh"
  else
    echo "parity: SKIPPED — no WASM build in $WASM_BUILD; run scripts/build-wasm.sh" \
         "(or set VOCALMIX_PARITY_BUILD_WASM=1)"
    [[ "${CI:-}" == "true" ]] && exit 1  # CI builds it (scripts/test.sh): missing is a failure
    exit 77
  fi
else
  cmake --build "$WASM_BUILD" -j2 >/dev/null
fi

cmake --build "$BUILD" -j2 --target parity_native vocalmix >/dev/null

for f in "$BUILD/bin/parity_native" "$BUILD/bin/vocalmix" "$WASM_BUILD/wasm/vocalmix_node.js" \
         "$WASM_BUILD/wasm/vocalmix_worklet.mjs"; do
  [[ -x "$f" || -f "$f" ]] || { echo "parity: missing $f" >&2; exit 1; }
done

TMP=$(mktemp -d "$BUILD/test-tmp/parity.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
node "$ROOT/tests/parity/node_parity.mjs" --wasm "$WASM_BUILD/wasm/vocalmix_node.js" \
  --worklet "$WASM_BUILD/wasm/vocalmix_worklet.mjs" --bin "$BUILD/bin" --tmp "$TMP"
