#!/usr/bin/env bash
# Tempo benchmark: vocalmix's BPM estimate (`vocalmix analyze --json`) against aubio's (Debian's
# aubio-tools, installed here if missing — not a project dependency) on the generated drum-pattern
# set of tests/analysis/tempo_test.cpp, written to WAV by make_drum_patterns. Two aubio readings:
# `aubio tempo` as shipped (it prints the MEAN of 60/beat-interval over the tracked beats, so a
# few missed or doubled beats pull it off any metrical level), and the median beat interval of
# `aubio beat` (the same tracker, read robustly). Acc1: within 4 % of the true BPM; Acc2: also
# at ×2 or ×½ (octave errors).
#   bench/tempo_bench.sh [BUILD_DIR=build]
# Writes bench/results/tempo_bench.json (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
if ! command -v aubio >/dev/null; then
  echo "installing aubio-tools"; ${SUDO:-} apt-get install -y -qq aubio-tools >/dev/null
fi
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target vocalmix make_drum_patterns -j2 >/dev/null
mkdir -p bench/results
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BUILD/bin/make_drum_patterns" "$tmp"

now() { date +%s%N; }
median_bpm() {  # beat times on stdin → 60 / median interval
  awk 'NR > 1 { print $1 - p } { p = $1 }' | sort -g |
    awk '{ d[NR] = $1 } END { if (NR == 0) { print 0; exit }
          m = (NR % 2) ? d[(NR + 1) / 2] : (d[NR / 2] + d[NR / 2 + 1]) / 2; printf "%.2f\n", 60 / m }'
}
vm_ns=0 au_ns=0
: > "$tmp/results.tsv"
while IFS=$'\t' read -r file bpm name; do
  t0=$(now)
  vm=$("$BUILD/bin/vocalmix" analyze --json "$tmp/$file" | sed -n 's/^ *"bpm": \([0-9.]*\),*$/\1/p')
  t1=$(now)
  au=$(aubio tempo "$tmp/$file" 2>/dev/null | awk 'NR == 1 { print $1 }')
  t2=$(now)
  ab=$(aubio beat "$tmp/$file" 2>/dev/null | median_bpm)
  vm_ns=$((vm_ns + t1 - t0)) au_ns=$((au_ns + t2 - t1))
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$bpm" "${vm:-0}" "${au:-0}" "${ab:-0}" >> "$tmp/results.tsv"
done < "$tmp/manifest.tsv"

awk -F'\t' -v vm_s="$(awk -v n=$vm_ns 'BEGIN { print n / 1e9 }')" \
    -v au_s="$(awk -v n=$au_ns 'BEGIN { print n / 1e9 }')" -v out=bench/results/tempo_bench.json '
  function near(e, t) { return (e - t <= 0.04 * t) && (t - e <= 0.04 * t) }
  function grade(e, t) { return near(e, t) ? "ok" : (near(e, 2 * t) || near(e, t / 2)) ? "octave" : "MISS" }
  BEGIN { printf "%-28s %6s  %-16s  %-16s  %-16s\n", "pattern", "true", "vocalmix", "aubio tempo", "aubio beat median" }
  {
    gv = grade($3, $2); ga = grade($4, $2); gb = grade($5, $2); n++
    v1 += gv == "ok"; v2 += gv != "MISS"; a1 += ga == "ok"; a2 += ga != "MISS"; b1 += gb == "ok"; b2 += gb != "MISS"
    printf "%-28s %6.2f  %7.2f %-8s  %7.2f %-8s  %7.2f %-8s\n", $1, $2, $3, gv, $4, ga, $5, gb
    rows = rows (n > 1 ? "," : "") sprintf("{\"pattern\":\"%s\",\"bpm\":%s,\"vocalmix\":%s,\"aubio_tempo\":%s,\"aubio_beat_median\":%s}", $1, $2, $3, $4, $5)
  }
  END {
    printf "\n%-18s Acc1 %2d/%d = %5.1f %%   Acc2 %2d/%d = %5.1f %%   %.1f s wall (analyze: loudness, quality and tempo)\n", "vocalmix", v1, n, 100 * v1 / n, v2, n, 100 * v2 / n, vm_s
    printf "%-18s Acc1 %2d/%d = %5.1f %%   Acc2 %2d/%d = %5.1f %%   %.1f s wall\n", "aubio tempo", a1, n, 100 * a1 / n, a2, n, 100 * a2 / n, au_s
    printf "%-18s Acc1 %2d/%d = %5.1f %%   Acc2 %2d/%d = %5.1f %%\n", "aubio beat median", b1, n, 100 * b1 / n, b2, n, 100 * b2 / n
    printf "{\"patterns\":%d,\"vocalmix\":{\"acc1\":%d,\"acc2\":%d},\"aubio_tempo\":{\"acc1\":%d,\"acc2\":%d},\"aubio_beat_median\":{\"acc1\":%d,\"acc2\":%d},\"rows\":[%s]}\n", n, v1, v2, a1, a2, b1, b2, rows > out
  }' "$tmp/results.tsv"
echo "results: bench/results/tempo_bench.json"
