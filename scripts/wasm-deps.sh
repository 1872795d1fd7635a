#!/usr/bin/env bash
# Builds the C libraries the engine needs (libsndfile, KissFFT, libebur128) to WebAssembly
# from their Debian *source* packages, into .cache/wasm-deps/<name>-<version>/ (ignored by
# git). A build is reused when its folder exists, so this is fast after the first run.
# Prints the install prefix on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CACHE="$ROOT/.cache/wasm-deps"
PREFIX="$CACHE/prefix"
export NODE_PATH=/usr/share/nodejs   # Debian's emcc finds its acorn module here
mkdir -p "$CACHE/src" "$PREFIX"

ensure_deb_src() {
  if ! grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
    echo "wasm-deps: adding a deb-src entry so apt-get source works"
    local SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
      $SUDO tee /etc/apt/sources.list.d/vocalmix-deb-src.sources >/dev/null
    $SUDO apt-get update -qq
  fi
}

# fetch NAME: downloads the source package's original tarball once; prints the unpacked dir.
fetch() {
  local name=$1 version
  version=$(apt-cache showsrc "$name" 2>/dev/null | awk '/^Version:/{print $2; exit}')
  if [[ -z "$version" ]]; then ensure_deb_src; version=$(apt-cache showsrc "$name" | awk '/^Version:/{print $2; exit}'); fi
  local dir="$CACHE/src/$name-$version"
  if [[ ! -d "$dir/unpacked" ]]; then
    rm -rf "$dir"; mkdir -p "$dir"
    (cd "$dir" && apt-get source --download-only "$name" >/dev/null 2>&1 || true)
    ls "$dir"/*.orig.tar.* >/dev/null 2>&1 || { echo "wasm-deps: could not download the source of $name" >&2; exit 1; }
    mkdir -p "$dir/unpacked"
    tar -xf "$dir"/*.orig.tar.* -C "$dir/unpacked" --strip-components=1
  fi
  echo "$dir"
}

build_stamp() { [[ -f "$PREFIX/.built-$1" ]]; }

# libsndfile: WAV/AIFF/CAF/W64/RF64… (FLAC/Ogg/MP3 would need their own WASM builds).
d=$(fetch libsndfile); v=$(basename "$d")
if ! build_stamp "$v"; then
  echo "wasm-deps: building $v"
  rm -rf "$d/build"
  emcmake cmake -S "$d/unpacked" -B "$d/build" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_PROGRAMS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_TESTING=OFF -DENABLE_EXTERNAL_LIBS=OFF \
    -DENABLE_MPEG=OFF -DBUILD_SHARED_LIBS=OFF -DENABLE_CPACK=OFF -DINSTALL_PKGCONFIG_MODULE=ON \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_C_FLAGS="-ffp-contract=off" >/dev/null
  cmake --build "$d/build" -j2 >/dev/null
  cmake --install "$d/build" >/dev/null
  touch "$PREFIX/.built-$v"
fi

# KissFFT: float real FFT, the same configuration as Debian's libkissfft-float.
d=$(fetch kissfft); v=$(basename "$d")
if ! build_stamp "$v"; then
  echo "wasm-deps: building $v"
  mkdir -p "$PREFIX/include/kissfft" "$PREFIX/lib" "$d/build"
  for f in kiss_fft kiss_fftr; do
    emcc -O2 -ffp-contract=off -Dkiss_fft_scalar=float -c "$d/unpacked/$f.c" -o "$d/build/$f.o"
  done
  emar rcs "$PREFIX/lib/libkissfft-float.a" "$d/build/kiss_fft.o" "$d/build/kiss_fftr.o"
  cp "$d/unpacked/kiss_fft.h" "$d/unpacked/kiss_fftr.h" "$PREFIX/include/kissfft/"
  [[ -f "$d/unpacked/kiss_fft_log.h" ]] && cp "$d/unpacked/kiss_fft_log.h" "$PREFIX/include/kissfft/"
  touch "$PREFIX/.built-$v"
fi

# libebur128 (BS.1770 loudness).
d=$(fetch libebur128); v=$(basename "$d")
if ! build_stamp "$v"; then
  echo "wasm-deps: building $v"
  mkdir -p "$PREFIX/include" "$PREFIX/lib" "$d/build"
  emcc -O2 -ffp-contract=off -I"$d/unpacked/ebur128/queue" -c "$d/unpacked/ebur128/ebur128.c" -o "$d/build/ebur128.o"
  emar rcs "$PREFIX/lib/libebur128.a" "$d/build/ebur128.o"
  cp "$d/unpacked/ebur128/ebur128.h" "$PREFIX/include/"
  touch "$PREFIX/.built-$v"
fi

echo "$PREFIX"
