#!/usr/bin/env bash
# Builds the C libraries the engine needs (libsndfile, libebur128) to WebAssembly
# from their Debian *source* packages (scripts/deb-source.sh) into .cache/wasm-deps/prefix
# (ignored by git). A library is rebuilt only when its source version changes (stamp files
# .built-<name>-<version> in the prefix), so this is fast after the first run.
# The prefix gets lib/*.a, include/ and lib/pkgconfig/*.pc. Logs: .cache/wasm-deps/logs/.
# Prints the install prefix on the last line. VOCALMIX_DEPS_CACHE overrides .cache/wasm-deps.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CACHE="${VOCALMIX_DEPS_CACHE:-$ROOT/.cache/wasm-deps}"
PREFIX="$CACHE/prefix"
LOGS="$CACHE/logs"
export NODE_PATH=/usr/share/nodejs   # Debian's emcc finds its acorn module here
command -v emcc >/dev/null || { echo "wasm-deps: emscripten is not installed (apt-get install emscripten)" >&2; exit 1; }
mkdir -p "$PREFIX/lib/pkgconfig" "$PREFIX/include" "$LOGS"

build_stamp() { [[ -f "$PREFIX/.built-$1" ]]; }

# run LOG CMD...: runs quietly into LOG; on failure shows its tail and stops.
run() {
  local log=$1; shift
  if ! "$@" >>"$log" 2>&1; then
    echo "wasm-deps: failed: $*" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}

read -r SNDFILE_SRC EBUR128_SRC < <(scripts/deb-source.sh libsndfile libebur128 | paste -sd' ')

# libsndfile: WAV/AIFF/CAF/W64/RF64… (FLAC/Ogg/MP3 would need their own WASM builds).
d=$(dirname "$SNDFILE_SRC"); v=$(basename "$d")
if ! build_stamp "$v"; then
  echo "wasm-deps: building $v" >&2
  log="$LOGS/$v.log"; : >"$log"
  rm -rf "$d/build"
  run "$log" emcmake cmake -S "$SNDFILE_SRC" -B "$d/build" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_PROGRAMS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_TESTING=OFF -DENABLE_EXTERNAL_LIBS=OFF \
    -DENABLE_MPEG=OFF -DBUILD_SHARED_LIBS=OFF -DENABLE_CPACK=OFF -DINSTALL_PKGCONFIG_MODULE=ON \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_C_FLAGS="-ffp-contract=off"
  run "$log" cmake --build "$d/build" -j2
  run "$log" cmake --install "$d/build"
  touch "$PREFIX/.built-$v"
fi

# libebur128 (BS.1770 loudness). Without SSE, ebur128.c flushes denormals by hand (its
# "manual FTZ" #warning); the measurements it feeds are quantised to 0.001 dB before use.
d=$(dirname "$EBUR128_SRC"); v=$(basename "$d")
if ! build_stamp "$v"; then
  echo "wasm-deps: building $v" >&2
  log="$LOGS/$v.log"; : >"$log"
  mkdir -p "$d/build"
  run "$log" emcc -O3 -ffp-contract=off -I"$EBUR128_SRC/ebur128/queue" -c "$EBUR128_SRC/ebur128/ebur128.c" -o "$d/build/ebur128.o"
  rm -f "$PREFIX/lib/libebur128.a"
  run "$log" emar rcs "$PREFIX/lib/libebur128.a" "$d/build/ebur128.o"
  cp "$EBUR128_SRC/ebur128/ebur128.h" "$PREFIX/include/"
  cat >"$PREFIX/lib/pkgconfig/libebur128.pc" <<PC
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libebur128
Description: EBU R 128 loudness, WebAssembly build from the Debian source package
Version: ${v#libebur128-}
Libs: -L\${libdir} -lebur128
Cflags: -I\${includedir}
PC
  touch "$PREFIX/.built-$v"
fi

echo "$PREFIX"
