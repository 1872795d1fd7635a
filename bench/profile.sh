#!/usr/bin/env bash
# Instruction profile of one `vocalmix render` (valgrind --tool=callgrind): instruction counts
# are repeatable on a noisy machine, so this is how optimisations are compared. Prints the
# total, instructions per second of audio and per stereo frame, and the heaviest functions.
#   bench/profile.sh [PRESET=modern_clean] [SECONDS=30]
# Leaves the raw profile in bench/results/callgrind.<preset>.out (callgrind_annotate reads it).
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${1:-modern_clean}
SECONDS_AUDIO=${2:-30}
command -v valgrind >/dev/null || { echo "profile: installing valgrind"; ${SUDO:-} apt-get install -y -qq valgrind >/dev/null; }
scripts/build.sh >/dev/null
mkdir -p bench/results
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/bin/make_test_vocal "$tmp/in.wav" "$SECONDS_AUDIO" >/dev/null
out="bench/results/callgrind.$PRESET.out"
valgrind --tool=callgrind --callgrind-out-file="$out" \
  build/bin/vocalmix render "$tmp/in.wav" -p "$PRESET" -o "$tmp/out.wav" >/dev/null 2>"$tmp/log"
total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/log")
[[ -n "$total" ]] || total=$(grep -o 'refs: *[0-9,]*' "$tmp/log" | tr -dc '0-9')
awk -v t="$total" -v s="$SECONDS_AUDIO" -v p="$PRESET" 'BEGIN {
  printf "vocalmix render, %s, %d s of 48 kHz stereo: %.3f G instructions\n", p, s, t / 1e9
  printf "  %.1f M instructions per second of audio, %.0f per stereo frame\n", t / s / 1e6, t / s / 48000 }'
echo
echo "heaviest functions (inclusive):"
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | grep -E '^ *[0-9,]+ \(' |
  grep -v 'PROGRAM TOTALS\|below main\|libc-start\|ld-linux\|???:main \|renderFile' | head -25 |
  sed -E 's/ \[[^]]*\]$//; s/\( *([0-9.]+%)\) +\?\?\?:/\1  /' | cut -c1-120
