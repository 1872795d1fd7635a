#!/usr/bin/env bash
# The command-line demo: installs what is missing, builds, and renders a raw-sounding test vocal (recorded
# speech with noise, hum and an unbalanced stereo image) mixed with every bundled preset into
# out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
mkdir -p out
build/bin/make_test_vocal out/raw_vocal.wav 30
echo "input: out/raw_vocal.wav"
build/bin/vocalmix analyze out/raw_vocal.wav
for preset in $(build/bin/vocalmix presets | awk '{print $1}'); do
  build/bin/vocalmix render out/raw_vocal.wav -p "$preset" -o "out/${preset}.wav" \
    --report "out/${preset}.json"
done
echo
echo "Rendered into $(pwd)/out/: raw_vocal.wav (input) and one WAV + JSON report per preset."
