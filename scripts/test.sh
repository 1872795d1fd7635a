#!/usr/bin/env bash
# The whole suite: install what is missing, build, run every test through CTest.
# Exit code is CTest's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 900
