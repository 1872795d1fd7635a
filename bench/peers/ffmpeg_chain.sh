#!/usr/bin/env bash
# The vocal chain a user would otherwise glue together with ffmpeg, stage for stage like
# vocalmix's modern_clean: mono fold, high-pass, FFT denoiser, de-esser, three EQ bands,
# compressor, a tempo delay (aecho), a reverb-like multi-tap aecho, limiter, and EBU R128
# loudness normalisation to −14 LUFS / −1 dBTP. loudnorm runs the documented two-pass way
# (measure, then normalise linearly with the measured values), since one pass does not land on
# the target. Single-threaded like vocalmix. Output: 48 kHz stereo 24-bit WAV.
#   bench/peers/ffmpeg_chain.sh IN.wav OUT.wav
set -euo pipefail
in=$1 out=$2
chain="pan=mono|c0=0.5*c0+0.5*c1,highpass=f=90:poles=2,afftdn=nr=12:nf=-45,deesser=i=0.4:f=0.5"
chain+=",equalizer=f=250:t=q:w=1:g=-2,equalizer=f=3200:t=q:w=1:g=2,equalizer=f=10000:t=q:w=0.7:g=2"
chain+=",acompressor=threshold=-18dB:ratio=3:attack=5:release=80:makeup=2"
chain+=",aecho=1:0.9:250:0.2"
chain+=",aecho=1:0.8:23|37|53|71|97|131:0.3|0.25|0.2|0.16|0.12|0.08"
chain+=",alimiter=limit=0.89:level=false,pan=stereo|c0=c0|c1=c0"
common=(-hide_banner -nostdin -nostats -threads 1 -filter_threads 1 -filter_complex_threads 1)
measured=$(ffmpeg "${common[@]}" -i "$in" -af "$chain,loudnorm=I=-14:TP=-1:LRA=11:print_format=json" -f null - 2>&1 |
  sed -n '/^{/,/^}/p')
val() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p" <<<"$measured"; }
ln="loudnorm=I=-14:TP=-1:LRA=11:linear=true:measured_I=$(val input_i):measured_TP=$(val input_tp)"
ln+=":measured_LRA=$(val input_lra):measured_thresh=$(val input_thresh):offset=$(val target_offset)"
ffmpeg "${common[@]}" -y -i "$in" -af "$chain,$ln,aresample=48000" \
  -c:a pcm_s24le "$out" 2>/dev/null
