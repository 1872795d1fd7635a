#!/usr/bin/env bash
# Runs one of the server's node tests (load, crash, disk full) against a native build.
#   run_node_test.sh NATIVE_BUILD_DIR SCRIPT.mjs [--browser WASM_BUILD_DIR]
# Needs node (scripts/setup.sh installs it); with --browser also Debian's chromium,
# playwright-core and the WASM build (the web app's tests: then the web and WASM directories are
# passed on). Without them the test is skipped (exit 77) — except under CI, where it fails.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$1" && pwd)
SCRIPT=$2
extra=()
missing=""
command -v node >/dev/null || missing+=" node"
if [[ "${3:-}" == "--browser" ]]; then
  WASM=$4
  [[ -x /usr/bin/chromium ]] || missing+=" chromium"
  [[ -d "$ROOT/node_modules/playwright-core" ]] || missing+=" playwright-core"
  [[ -f "$WASM/wasm/vocalmix_worklet.mjs" ]] || missing+=" build-wasm"
  extra=("$ROOT/web" "$WASM/wasm")
fi
if [[ -n "$missing" ]]; then
  echo "$(basename "$SCRIPT"): missing:$missing (scripts/setup.sh and scripts/build-wasm.sh provide them)"
  [[ "${CI:-}" == "true" ]] && exit 1
  exit 77
fi
cd "$ROOT"
exec node "tests/server/$SCRIPT" "$BUILD/bin/vocalmix-server" "$BUILD/bin/vocalmix" "$BUILD/bin/make_test_vocal" \
  "$BUILD/test-tmp/$(basename "$SCRIPT" .mjs)" "${extra[@]}"
