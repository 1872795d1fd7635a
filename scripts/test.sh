#!/usr/bin/env bash
# The whole suite: install what is missing, build native and WASM, run every test through
# CTest (unit, parity native-vs-WASM, server, browser end-to-end); then the native tests again
# under AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/ (VOCALMIX_SKIP_SANITIZERS=1
# skips that stage); then the libFuzzer targets (clang, build-fuzz/), each for
# VOCALMIX_FUZZ_SECONDS (default 30) from a copy of tests/fuzz/corpus/ (VOCALMIX_SKIP_FUZZ=1
# skips that stage). Exit code: non-zero if any stage failed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
scripts/build-wasm.sh >/dev/null
status=0
(cd build && ctest --output-on-failure -j2 --timeout 900) || status=$?

if [[ "${VOCALMIX_SKIP_SANITIZERS:-0}" != 1 ]]; then
  echo
  echo "== the same native tests under ASan + UBSan (build-asan/) =="
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVOCALMIX_SANITIZE=ON >/dev/null
  cmake --build build-asan -j2 >/dev/null
  # The WASM parity and browser tests need the release build; they ran above.
  (cd build-asan && ctest --output-on-failure -j2 --timeout 900 -E "parity|e2e") || status=$?
fi

if [[ "${VOCALMIX_SKIP_FUZZ:-0}" != 1 ]]; then
  echo
  echo "== libFuzzer targets, ${VOCALMIX_FUZZ_SECONDS:-30} s each (build-fuzz/) =="
  if CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVOCALMIX_FUZZ=ON >/dev/null &&
     cmake --build build-fuzz -j2 --target fuzz_targets >/dev/null; then
    tests/fuzz/run_fuzz.sh build-fuzz "${VOCALMIX_FUZZ_SECONDS:-30}" || status=$?
  else
    echo "fuzz: building the fuzz targets failed" >&2
    status=1
  fi
fi
exit $status
