#!/usr/bin/env bash
# Fetches the original (upstream) source of Debian source packages, once per version, into
# .cache/wasm-deps/src/<name>-<version>/unpacked (git-ignored — third-party code is never
# committed). Prints each unpacked directory, one per line, in argument order.
#   scripts/deb-source.sh NAME...          e.g. scripts/deb-source.sh libebur128
# VOCALMIX_DEPS_CACHE overrides .cache/wasm-deps.
# Adds a deb-src entry (a copy of debian.sources with Types: deb-src) if apt has none.
# Used by wasm-deps.sh (libsndfile and libebur128 for WASM).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${VOCALMIX_DEPS_CACHE:-$(pwd)/.cache/wasm-deps}/src"
mkdir -p "$CACHE"

SUDO=""
[[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null && SUDO=sudo

ensure_deb_src() {
  if ! grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
    echo "deb-source: adding a deb-src entry so apt-get source works" >&2
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
      $SUDO tee /etc/apt/sources.list.d/vocalmix-deb-src.sources >/dev/null
    $SUDO apt-get update -qq >&2
  fi
}

src_version() { apt-cache showsrc "$1" 2>/dev/null | awk '/^Version:/{print $2; exit}'; }

for name in "$@"; do
  version=$(src_version "$name")
  if [[ -z "$version" ]]; then
    ensure_deb_src
    version=$(src_version "$name")
  fi
  [[ -n "$version" ]] || { echo "deb-source: no source package '$name' known to apt" >&2; exit 1; }
  dir="$CACHE/$name-$version"
  if [[ ! -f "$dir/unpacked/.complete" ]]; then
    echo "deb-source: fetching $name $version" >&2
    rm -rf "$dir"
    mkdir -p "$dir/unpacked"
    (cd "$dir" && apt-get source --download-only "$name" >/dev/null 2>&1) || true
    tarball=$(ls "$dir"/*.orig.tar.* 2>/dev/null | head -n 1)
    [[ -n "$tarball" ]] || { echo "deb-source: could not download the source of $name $version" >&2; exit 1; }
    tar -xf "$tarball" -C "$dir/unpacked" --strip-components=1
    touch "$dir/unpacked/.complete"
  fi
  echo "$dir/unpacked"
done
