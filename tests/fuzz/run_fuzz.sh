#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for a bounded time, each from a fresh copy of its
# seed corpus (tests/fuzz/corpus/<name>/ is never written to), and prints executions per target.
#   run_fuzz.sh FUZZ_BUILD_DIR [SECONDS_PER_TARGET=30]
# Exit status: 0 when no target found anything. On a crash, the input that triggered it is kept
# in build-fuzz/fuzz-findings/ and the output says how to make it a regression test (copy it
# into tests/fuzz/corpus/<name>/: the normal suite replays that directory).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$1" && pwd)
SECONDS_PER_TARGET=${2:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/vocalmix-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work"  # the server target's data directory lives here too
findings="$BUILD/fuzz-findings"
mkdir -p "$findings"
status=0
# name:max_len — inputs may grow to the size where each target still runs thousands of times.
for entry in preset_json:4096 decode_render:65536 server_request:16384; do
  name=${entry%%:*}
  max_len=${entry##*:}
  bin="$BUILD/bin/fuzz_$name"
  if [[ ! -x "$bin" ]]; then
    echo "fuzz: $bin is missing (cmake --build $BUILD --target fuzz_targets)" >&2
    status=1
    continue
  fi
  mkdir -p "$work/$name"
  cp "$ROOT/tests/fuzz/corpus/$name/"* "$work/$name/"
  seeds=$(ls "$work/$name" | wc -l)
  log="$work/$name.log"
  # -rss_limit_mb/-timeout: a leak or a hang is a finding too. The corpus copy grows as the
  # fuzzer learns; it is thrown away afterwards.
  if (cd "$work" && "$bin" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -rss_limit_mb=2048 \
        -timeout=25 -max_len="$max_len" -artifact_prefix="$findings/$name-" "$work/$name" >"$log" 2>&1); then
    result="ok"
  else
    result="FOUND A PROBLEM"
    status=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  echo "fuzz $name: $result — $execs executions in ${SECONDS_PER_TARGET} s from $seeds seeds (coverage $cov edges)"
  if [[ "$result" != "ok" ]]; then
    grep -E "ERROR|SUMMARY|==[0-9]+==|Test unit written" "$log" | head -20 || tail -30 "$log"
    echo "  → reproduce: $bin <the file above>; fix it, then copy the file into tests/fuzz/corpus/$name/ (the normal suite replays it)"
  fi
done
exit $status
