#!/usr/bin/env bash
# The vocal chain a user would otherwise build with SoX: mono fold, high-pass, two EQ bands,
# treble shelf, compand, echo as the delay, reverb, and `gain -n` (SoX has no loudness
# normalisation: it normalises the sample peak to −1 dBFS). Single-threaded like vocalmix.
# Output: 48 kHz stereo 24-bit WAV.
#   bench/peers/sox_chain.sh IN.wav OUT.wav
set -euo pipefail
in=$1 out=$2
exec sox --single-threaded -V1 "$in" -b 24 "$out" \
  remix 1-2 highpass 90 equalizer 250 1q -2 equalizer 3200 1q 2 treble 2 10000 \
  compand 0.005,0.08 6:-70,-70,-18,-18,0,-12 -2 -90 0.005 \
  echo 1 0.9 250 0.2 reverb 25 50 60 channels 2 gain -n -1
