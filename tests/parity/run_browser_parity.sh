#!/usr/bin/env bash
# Native ⇔ browser parity test (registered in CTest by tests/CMakeLists.txt): the web app's
# AudioWorklet in headless Chromium (OfflineAudioContext, 128-frame quanta) vs the native Chain.
#   run_browser_parity.sh NATIVE_BUILD_DIR WASM_BUILD_DIR
# Needs Debian's chromium, playwright-core (npm ci) and the WASM build; scripts/test.sh provides
# all three. Without them the test is skipped (exit 77) — except under CI, where it fails.
# Both builds are brought up to date first (incremental: quick when nothing changed), so the two
# sides are always built from the same sources.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
WASM=${2:-$ROOT/build-wasm}
export NODE_PATH=/usr/share/nodejs   # Debian's emcc finds its acorn module here
missing=""
[[ -x /usr/bin/chromium ]] || missing+=" chromium"
[[ -d "$ROOT/node_modules/playwright-core" ]] || missing+=" playwright-core"
[[ -f "$WASM/CMakeCache.txt" && -f "$WASM/wasm/vocalmix_worklet.mjs" ]] || missing+=" build-wasm"
if [[ -n "$missing" ]]; then
  echo "browser parity: missing:$missing (scripts/setup.sh and scripts/build-wasm.sh provide them)"
  [[ "${CI:-}" == "true" ]] && exit 1
  exit 77
fi

# The same lock as the node parity test: one rebuild of build-wasm/ at a time.
mkdir -p "$BUILD/test-tmp"
exec 9>"$BUILD/test-tmp/parity.lock"
flock 9
cmake --build "$WASM" -j2 >/dev/null
cmake --build "$BUILD" -j2 --target parity_native vocalmix vocalmix-server >/dev/null
flock -u 9

cd "$ROOT"
exec node tests/parity/browser_parity.mjs "$BUILD/bin/vocalmix-server" "$BUILD/bin/parity_native" \
  "$ROOT/web" "$WASM/wasm" "$BUILD/test-tmp"
