#!/usr/bin/env bash
# Installs what is missing, builds native + WASM, and starts vocalmix on
# http://127.0.0.1:8080 (embedded local storage in data/). Ctrl-C stops it.
#   scripts/run.sh [--port N] [--data DIR] [other vocalmix-server options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
scripts/build-wasm.sh >/dev/null
echo
echo "  vocalmix is starting — open the address printed below in your browser"
echo "  (http://127.0.0.1:8080 unless you passed --host/--port). Ctrl-C stops it."
echo
exec build/bin/vocalmix-server "$@"   # defaults: --host 127.0.0.1 --port 8080 --data data
