#!/usr/bin/env bash
# The benchmark a buyer would run: vocalmix against the ffmpeg and SoX chains a user would
# otherwise glue together, on the same inputs, in one run. Installs ffmpeg, sox, hyperfine and
# GNU time from Debian if missing, builds native + WASM, generates the inputs, then:
#   - `vocalmix render` with each preset, the ffmpeg chain (bench/peers/ffmpeg_chain.sh) and
#     the SoX chain (bench/peers/sox_chain.sh), single-threaded, timed by hyperfine (median of
#     BENCH_RUNS runs, min/max kept), peak RSS by GNU time (max over the runs);
#   - every output measured by one independent meter, ffmpeg's ebur128 filter (integrated
#     loudness, true peak): who hits −14 LUFS and the −1 dBTP ceiling;
#   - the same on a BENCH_LONG_MIN-minute input (vocalmix modern_clean and both peers);
#   - the WASM engine in node (× real time) and in Chromium's AudioWorklet (µs per 128-frame
#     block) — bench/wasm_bench.mjs.
# Prints the table and writes bench/results/bench.json (bench/results is ignored by git).
#   scripts/bench.sh                 # BENCH_RUNS=5 BENCH_LONG_MIN=60 BENCH_LONG_RUNS=3
#   BENCH_LONG_MIN=0 scripts/bench.sh   # skip the long input
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-5}
LONG_MIN=${BENCH_LONG_MIN:-60}
LONG_RUNS=${BENCH_LONG_RUNS:-3}

scripts/setup.sh >/dev/null
need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v sox >/dev/null || need+=(sox)
command -v hyperfine >/dev/null || need+=(hyperfine)
[[ -x /usr/bin/time ]] || need+=(time)
if ((${#need[@]} > 0)); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null && SUDO=sudo
  echo "bench: installing ${need[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
scripts/build.sh >/dev/null
wasm=1
scripts/build-wasm.sh >/dev/null || { wasm=0; echo "bench: WASM build failed; WASM rows skipped" >&2; }

mkdir -p bench/results
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rows="$work/rows.tsv"
: > "$rows"

# One tool on one input: hyperfine for time, GNU time for peak RSS (every run), ffmpeg's
# ebur128 for the output's loudness and true peak against the tool's target.
bench_one() {  # name input seconds runs output target-LUFS cmd...
  local name=$1 input=$2 seconds=$3 runs=$4 out=$5 target=$6; shift 6
  local key
  key=$(tr -c 'A-Za-z0-9_\n' '_' <<<"$name")
  local rss="$work/$key.rss"
  : > "$rss"
  echo "  $name ($runs runs)…" >&2
  hyperfine -N --style none --runs "$runs" --export-json "$work/$key.json" \
    "/usr/bin/time -a -o $rss -f %M $*" >/dev/null
  # The meter's running readings per audio frame (3 decimals for I, linear true peak); the
  # last integrated value and the largest true peak are the file's.
  local reading
  reading=$(ffmpeg -hide_banner -nostats -nostdin -i "$out" \
      -af "ebur128=peak=true:metadata=1,ametadata=mode=print:file=-" -f null - 2>/dev/null |
    awk -F= '/lavfi.r128.I=/ { i = $2 } /lavfi.r128.true_peak=/ { if ($2 > tp) tp = $2 }
             END { printf "%s\t%.3f", i, (tp > 0 ? 20 * log(tp) / log(10) : -200) }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$input" "$seconds" "$work/$key.json" \
    "$(sort -n "$rss" | tail -1)" "$target" "$reading" >> "$rows"
  rm -f "$out"
}

echo "bench: generating inputs (recorded speech + pink noise + hum, 48 kHz stereo 24-bit)" >&2
build/bin/make_test_vocal "$work/vocal_3min.wav" 180 >/dev/null
vm=build/bin/vocalmix
ffc=bench/peers/ffmpeg_chain.sh
soxc=bench/peers/sox_chain.sh
in3="$work/vocal_3min.wav" out="$work/out.wav"

echo "bench: 3-minute input" >&2
target_of() {  # a bundled preset's loudness target (the schema default, −14, if it sets none)
  node -e 'const p = require(process.argv[1]); console.log(p.params["output.target_lufs"] ?? -14)' \
    "$PWD/presets/$1.json"
}
for p in modern_clean trap_aggressive smooth_rnb; do
  bench_one "vocalmix:$p" 3min 180 "$RUNS" "$out" "$(target_of "$p")" "$vm" render "$in3" -p "$p" -o "$out"
done
bench_one "ffmpeg chain" 3min 180 "$RUNS" "$out" -14 "$ffc" "$in3" "$out"
bench_one "sox chain" 3min 180 "$RUNS" "$out" -14 "$soxc" "$in3" "$out"

if ((LONG_MIN > 0)); then
  echo "bench: ${LONG_MIN}-minute input" >&2
  build/bin/make_test_vocal "$work/vocal_long.wav" $((LONG_MIN * 60)) >/dev/null
  inL="$work/vocal_long.wav" secs=$((LONG_MIN * 60))
  bench_one "vocalmix:modern_clean (${LONG_MIN} min)" "${LONG_MIN}min" "$secs" "$LONG_RUNS" "$out" -14 \
    "$vm" render "$inL" -p modern_clean -o "$out"
  bench_one "ffmpeg chain (${LONG_MIN} min)" "${LONG_MIN}min" "$secs" "$LONG_RUNS" "$out" -14 "$ffc" "$inL" "$out"
  bench_one "sox chain (${LONG_MIN} min)" "${LONG_MIN}min" "$secs" "$LONG_RUNS" "$out" -14 "$soxc" "$inL" "$out"
  rm -f "$inL"
fi

wasmJson="$work/wasm.json"
echo '{}' > "$wasmJson"
if ((wasm)); then
  echo "bench: WASM engine (node, Chromium AudioWorklet)" >&2
  node bench/wasm_bench.mjs build-wasm/wasm build/bin/vocalmix-server web "$in3" "$work" > "$wasmJson" ||
    { echo "bench: WASM benchmark failed" >&2; echo '{}' > "$wasmJson"; }
fi

node bench/report.mjs "$rows" "$wasmJson" bench/results/bench.json "$RUNS" "$LONG_RUNS"
