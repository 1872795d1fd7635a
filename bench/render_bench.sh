#!/usr/bin/env bash
# Native delivery benchmark: `vocalmix render` wall time and × real time per preset on a
# 3-minute 48 kHz stereo 24-bit vocal, and peak RSS on a 60-minute one (streaming render).
#   bench/render_bench.sh [MINUTES_LONG=60]
# Writes bench/results/render_bench.json (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
LONG_MIN=${1:-60}
scripts/setup.sh >/dev/null
if [[ ! -x /usr/bin/time ]]; then   # GNU time measures peak RSS
  echo "installing GNU time"; ${SUDO:-} apt-get install -y -qq time >/dev/null
fi
scripts/build.sh >/dev/null
mkdir -p bench/results
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/bin/make_test_vocal "$tmp/vocal3.wav" 180
echo "preset            wall s   x real time   peak RSS MB   (3-minute 48 kHz stereo 24-bit)"
rows=()
for p in modern_clean trap_aggressive smooth_rnb; do
  /usr/bin/time -f "%e %M" -o "$tmp/time" build/bin/vocalmix render "$tmp/vocal3.wav" -p "$p" -o "$tmp/out_$p.wav" >/dev/null
  read -r wall rss < "$tmp/time"
  awk -v p="$p" -v w="$wall" -v r="$rss" 'BEGIN { printf "%-17s %6.2f %13.1f %13.1f\n", p, w, 180 / w, r / 1024 }'
  rows+=("{\"preset\":\"$p\",\"seconds\":180,\"wall_s\":$wall,\"peak_rss_kb\":$rss}")
done
echo
echo "generating a ${LONG_MIN}-minute input…"
build/bin/make_test_vocal "$tmp/vocal_long.wav" $((LONG_MIN * 60))
/usr/bin/time -f "%e %M" -o "$tmp/time" build/bin/vocalmix render "$tmp/vocal_long.wav" -p modern_clean -o "$tmp/out_long.wav" >/dev/null
read -r wall rss < "$tmp/time"
awk -v m="$LONG_MIN" -v w="$wall" -v r="$rss" 'BEGIN { printf "%d-minute render (modern_clean): %.1f s wall, %.1f x real time, peak RSS %.1f MB\n", m, w, m * 60 / w, r / 1024 }'
rows+=("{\"preset\":\"modern_clean\",\"seconds\":$((LONG_MIN * 60)),\"wall_s\":$wall,\"peak_rss_kb\":$rss}")
(IFS=,; echo "[${rows[*]}]") > bench/results/render_bench.json
echo "results: bench/results/render_bench.json"
