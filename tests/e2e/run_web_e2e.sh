#!/usr/bin/env bash
# Browser end-to-end test (registered in CTest by tests/CMakeLists.txt).
#   run_web_e2e.sh NATIVE_BUILD_DIR WASM_BUILD_DIR
# Needs Debian's chromium, playwright-core (npm ci) and the WASM build; scripts/test.sh provides
# all three. Without them the test is skipped (exit 77) — except under CI, where it fails.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$1" && pwd)
WASM=$2
missing=""
[[ -x /usr/bin/chromium ]] || missing+=" chromium"
[[ -d "$ROOT/node_modules/playwright-core" ]] || missing+=" playwright-core"
[[ -f "$WASM/wasm/vocalmix_worklet.mjs" ]] || missing+=" build-wasm"
if [[ -n "$missing" ]]; then
  echo "e2e: missing:$missing (scripts/setup.sh and scripts/build-wasm.sh provide them)"
  [[ "${CI:-}" == "true" ]] && exit 1
  exit 77
fi
cd "$ROOT"
exec node tests/e2e/web_e2e.mjs "$BUILD/bin/vocalmix-server" "$BUILD/bin/vocalmix" "$ROOT/web" \
  "$WASM/wasm" "$BUILD/bin/make_test_vocal" "$BUILD/test-artifacts"
