// Native ⇔ WASM parity (ARCHITECTURE.md: "what the client hears in the browser preview is,
// sample for sample, what the server delivers"). Runs the WASM build in node and the native
// build as subprocesses on the same inputs and requires bit-identical output:
//
//   decode   the WASM libsndfile decode of each WAV == the native reader (src/io), bit for bit
//   chain    WASM Engine in 128-frame blocks (and 480 / 1 for two cases) == native Chain in
//            4096-frame blocks (build/bin/parity_native), for every bundled preset, on
//            synthetic signals (sweep + noise bursts, generated here, handed to both sides as
//            raw float32) and on recorded voice; with whole-file analysis (gain staging, noise
//            profile) computed on each side; plus a mid-stream preset/parameter switch
//   render   WASM renderOffline == `vocalmix render --format wav32f` (the delivered float
//            frames), and the report's whole-file decisions (gain staging, normalisation)
//   match    WASM matchReference == `vocalmix match` (the fitted preset and the whole report)
//
// Any differing sample fails the test; max |diff| and the count of differing samples are
// printed for every case.
//
//   worklet  the ES6 AudioWorklet module (vocalmix_worklet.mjs, a separate link of the same
//            objects), instantiated synchronously as the worklet does, == native too
//
// usage: node node_parity.mjs --wasm build-wasm/wasm/vocalmix_node.js --bin build/bin
//                             --tmp DIR [--worklet build-wasm/wasm/vocalmix_worklet.mjs]
//                             [--voice /usr/share/sounds/alsa/Front_Center.wav]
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { synth } from '../support/harness.mjs';

const require = createRequire(import.meta.url);

// ---- arguments --------------------------------------------------------------------------------
const args = { voice: '/usr/share/sounds/alsa/Front_Center.wav' };
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
for (const k of ['wasm', 'bin', 'tmp']) {
  if (!args[k]) {
    console.error(`node_parity: missing --${k}`);
    process.exit(2);
  }
}
const tmp = path.resolve(args.tmp);
fs.mkdirSync(tmp, { recursive: true });
const parityNative = path.join(args.bin, 'parity_native');
const vocalmixCli = path.join(args.bin, 'vocalmix');

const t0 = performance.now();
const createVocalmix = require(path.resolve(args.wasm));
const M = await createVocalmix();
const nodeModule = M;
const presets = JSON.parse(M.presetsJson());
const presetText = Object.fromEntries(presets.map((p) => [p.name, JSON.stringify(p)]));

// ---- helpers ----------------------------------------------------------------------------------
const failures = [];
const rows = [];

function floatsFromFile(file) {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

function writeFloats(file, f32) {
  fs.writeFileSync(file, Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength));
}

// Bitwise comparison: equal means the same 32 bits (so -0 ≠ +0 and NaN payloads count).
function compare(a, b) {
  if (a.length !== b.length) return { lengthMismatch: [a.length, b.length], differ: Infinity, maxDiff: Infinity, total: Math.max(a.length, b.length) };
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let differ = 0, maxDiff = 0, first = -1;
  for (let i = 0; i < a.length; ++i) {
    if (ua[i] !== ub[i]) {
      ++differ;
      if (first < 0) first = i;
      const d = Math.abs(a[i] - b[i]);
      maxDiff = Number.isNaN(d) ? Infinity : Math.max(maxDiff, d);
    }
  }
  return { differ, maxDiff, first, total: a.length };
}

function record(group, name, cmp, extra = '') {
  const ok = cmp.differ === 0;
  const detail = cmp.lengthMismatch
    ? `LENGTH MISMATCH ${cmp.lengthMismatch[0]} vs ${cmp.lengthMismatch[1]}`
    : `max|diff| ${cmp.maxDiff.toExponential(3)}  differing ${cmp.differ}/${cmp.total}` +
      (cmp.first >= 0 ? ` (first at ${cmp.first})` : '');
  rows.push(`${ok ? 'ok  ' : 'FAIL'} ${group.padEnd(7)} ${name.padEnd(44)} ${detail}${extra ? '  ' + extra : ''}`);
  console.log(rows[rows.length - 1]);
  if (!ok) failures.push(`${group} ${name}`);
}

function check(group, name, what, a, b) {
  if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) {
    failures.push(`${group} ${name}: ${what} native ${a} vs wasm ${b}`);
    console.log(`FAIL ${group.padEnd(7)} ${name.padEnd(44)} ${what}: native ${a} vs wasm ${b}`);
    return false;
  }
  return true;
}

function run(cmd, argv) {
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function interleave(L, R) {
  const out = new Float32Array(L.length * 2);
  for (let i = 0; i < L.length; ++i) {
    out[2 * i] = L[i];
    out[2 * i + 1] = R ? R[i] : L[i];
  }
  return out;
}

// RIFF/WAVE writer: 'float' (IEEE float 32) or 'pcm16'; `extra` adds more channels.
function wavBytes(L, R, rate, kind, extra = []) {
  const chans = [L, R, ...extra];
  const ch = chans.length, frames = L.length;
  const bytesPer = kind === 'float' ? 4 : 2;
  const dataLen = frames * ch * bytesPer;
  const fmtLen = kind === 'float' ? 18 : 16;
  const factLen = kind === 'float' ? 12 : 0;
  const buf = Buffer.alloc(12 + 8 + fmtLen + factLen + 8 + dataLen);
  let o = 0;
  buf.write('RIFF', o); o += 4;
  buf.writeUInt32LE(buf.length - 8, o); o += 4;
  buf.write('WAVE', o); o += 4;
  buf.write('fmt ', o); o += 4;
  buf.writeUInt32LE(fmtLen, o); o += 4;
  buf.writeUInt16LE(kind === 'float' ? 3 : 1, o); o += 2;
  buf.writeUInt16LE(ch, o); o += 2;
  buf.writeUInt32LE(rate, o); o += 4;
  buf.writeUInt32LE(rate * ch * bytesPer, o); o += 4;
  buf.writeUInt16LE(ch * bytesPer, o); o += 2;
  buf.writeUInt16LE(bytesPer * 8, o); o += 2;
  if (kind === 'float') {
    buf.writeUInt16LE(0, o); o += 2;
    buf.write('fact', o); o += 4;
    buf.writeUInt32LE(4, o); o += 4;
    buf.writeUInt32LE(frames, o); o += 4;
  }
  buf.write('data', o); o += 4;
  buf.writeUInt32LE(dataLen, o); o += 4;
  for (let i = 0; i < frames; ++i) {
    for (const c of chans) {
      const x = c[i];
      if (kind === 'float') {
        buf.writeFloatLE(x, o); o += 4;
      } else {
        buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x * 32768))), o); o += 2;
      }
    }
  }
  return buf;
}

// The float data of a WAV written by libsndfile (format 3 or EXTENSIBLE with a float subformat).
function readFloatWav(file) {
  const b = fs.readFileSync(file);
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`${file}: not a RIFF/WAVE file`);
  let o = 12, fmt = null;
  while (o + 8 <= b.length) {
    const id = b.toString('latin1', o, o + 4), len = b.readUInt32LE(o + 4);
    if (id === 'fmt ') {
      fmt = { tag: b.readUInt16LE(o + 8), channels: b.readUInt16LE(o + 10), rate: b.readUInt32LE(o + 12), bits: b.readUInt16LE(o + 22) };
      if (fmt.tag === 0xfffe) fmt.tag = b.readUInt16LE(o + 8 + 24);
    } else if (id === 'data') {
      if (!fmt || fmt.tag !== 3 || fmt.bits !== 32) throw new Error(`${file}: not 32-bit float`);
      const data = new Float32Array(b.buffer.slice(b.byteOffset + o + 8, b.byteOffset + o + 8 + len));
      return { ...fmt, data };
    }
    o += 8 + len + (len & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

// ---- the two sides ----------------------------------------------------------------------------

// The WASM Engine through its bindings, exactly as an AudioWorklet drives it.
function wasmChain({ L, R, rate, preset, block, analyse, outputGainDb = 0, events = [], module }) {
  const M = module ?? nodeModule;  // the CommonJS build unless told otherwise
  const frames = L.length;
  const e = new M.Engine();
  e.prepare(rate);
  e.applyPresetJson(presetText[preset]);
  let staging = 0, bins = 0;
  if (analyse) {
    const a = M.analyseInput(L, R, rate);
    staging = a.gainStagingDb;
    bins = a.noiseProfile.length;
    e.setInputGainDb(a.gainStagingDb);
    if (a.noiseProfile.length) e.setNoiseProfile(a.noiseProfile);
  }
  e.setOutputGainDb(outputGainDb);
  e.reset();
  const bytes = block * 4;
  const pInL = M._malloc(bytes), pInR = M._malloc(bytes), pOutL = M._malloc(bytes), pOutR = M._malloc(bytes);
  const out = new Float32Array(frames * 2);
  let next = 0;
  for (let pos = 0; pos < frames; pos += block) {
    for (; next < events.length && events[next].frame <= pos; ++next) {
      const ev = events[next];
      if (ev.frame !== pos) throw new Error('event not on a block boundary');
      if (ev.kind === 'preset') e.applyPreset(ev.arg);
      else e.setParam(ev.arg.split('=')[0], Number(ev.arg.split('=')[1]));
    }
    const n = Math.min(block, frames - pos);
    M.HEAPF32.set(L.subarray(pos, pos + n), pInL >> 2);
    if (R) M.HEAPF32.set(R.subarray(pos, pos + n), pInR >> 2);
    e.process(pInL, R ? pInR : 0, pOutL, pOutR, n);
    const h = M.HEAPF32, ol = pOutL >> 2, or = pOutR >> 2;
    for (let i = 0; i < n; ++i) {
      out[2 * (pos + i)] = h[ol + i];
      out[2 * (pos + i) + 1] = h[or + i];
    }
  }
  const latency = e.latency();
  for (const p of [pInL, pInR, pOutL, pOutR]) M._free(p);
  e.delete();
  return { out, staging, bins, latency };
}

function nativeChain(name, { L, R, rate, preset, analyse, outputGainDb = 0, events = [] }) {
  const inFile = path.join(tmp, `${name}.in.f32`), outFile = path.join(tmp, `${name}.out.f32`);
  writeFloats(inFile, R ? interleave(L, R) : L);
  const argv = ['chain', '--in', inFile, '--channels', R ? '2' : '1', '--rate', String(rate),
    '--out', outFile, '--preset', preset, '--block', '4096', '--output-gain-db', String(outputGainDb)];
  if (analyse) argv.push('--analyse');
  for (const ev of events) argv.push('--event', `${ev.frame}:${ev.kind}:${ev.arg}`);
  const info = JSON.parse(run(parityNative, argv));
  const out = floatsFromFile(outFile);
  fs.rmSync(inFile);
  fs.rmSync(outFile);
  return { out, ...info };
}

function chainCase(name, opts, wasmBlock = 128, group = 'chain') {
  const w = wasmChain({ ...opts, block: wasmBlock });
  const n = nativeChain(name, opts);
  const extra = `[${group === 'chain' ? 'wasm' : 'worklet module'} ${wasmBlock} / native 4096 frames` + (opts.analyse ? `, staging ${w.staging} dB, ${w.bins} noise bins` : '') + ']';
  record(group, name, compare(n.out, w.out), extra);
  check(group, name, 'latency', n.latency, w.latency);
  if (opts.analyse) {
    check(group, name, 'gain staging dB', n.gain_staging_db, w.staging);
    check(group, name, 'noise profile bins', n.noise_bins, w.bins);
  }
}

function decodeCase(name, file) {
  const native = path.join(tmp, `${name}.decoded.f32`);
  const info = JSON.parse(run(parityNative, ['decode', '--wav', file, '--out', native]));
  const d = M.decode(fs.readFileSync(file));
  const n = floatsFromFile(native);
  fs.rmSync(native);
  check('decode', name, 'sample rate', info.sample_rate, d.sampleRate);
  check('decode', name, 'channels', info.channels, d.channels);
  check('decode', name, 'frames', info.frames, d.frames);
  let nat = n, w = info.channels === 1 ? d.left : interleave(d.left, d.right);
  if (info.channels > 2) {
    // The WASM decode hands on the chain's view: the mean of all channels (as
    // src/render/offline_mix.cpp folds them: a double sum in channel order, / channels, to float).
    nat = new Float32Array(info.frames * 2);
    for (let i = 0; i < info.frames; ++i) {
      let sum = 0;
      for (let c = 0; c < info.channels; ++c) sum += n[i * info.channels + c];
      nat[2 * i] = nat[2 * i + 1] = Math.fround(sum / info.channels);
    }
  }
  record('decode', name, compare(nat, w), `[${d.container}, ${d.encoding}, ${d.channels} ch, ${d.sampleRate} Hz]`);
  return d;
}

function renderCase(name, file, preset, beatFile = null) {
  const out = path.join(tmp, `${name}.${preset}.wav`), report = path.join(tmp, `${name}.${preset}.json`);
  const tr = performance.now();
  run(vocalmixCli, ['render', file, '-p', preset, '--format', 'wav32f', '-o', out, '--report', report,
    ...(beatFile ? ['--beat', beatFile] : [])]);
  const tn = performance.now() - tr;
  const native = readFloatWav(out);
  const rep = JSON.parse(fs.readFileSync(report, 'utf8'));
  fs.rmSync(out);
  fs.rmSync(report);
  const tw = performance.now();
  const d = M.decode(fs.readFileSync(file));
  let r;
  if (beatFile) {
    const b = M.decode(fs.readFileSync(beatFile));
    r = M.renderOfflineWithBeat(d.left, d.right, d.sampleRate, presetText[preset], b.left, b.right, b.sampleRate);
    check('render', `${name} ${preset}`, 'beat gain dB', rep.beat_gain_db, r.beatGainDb);
  } else {
    r = M.renderOffline(d.left, d.right, d.sampleRate, presetText[preset]);
  }
  const twasm = performance.now() - tw;
  check('render', `${name} ${preset}`, 'sample rate', native.rate, r.sampleRate);
  check('render', `${name} ${preset}`, 'channels', native.channels, 2);
  const lufsDiff = Math.abs(rep.delivered_lufs_before_dither - r.deliveredLufs);
  record('render', `${name} ${preset}`, compare(native.data, interleave(r.left, r.right)),
    `[staging ${r.gainStagingDb} dB, norm ${r.normalisationDb} dB (${r.normalisationTries} tries), ` +
    `delivered ${r.deliveredLufs.toFixed(3)} LUFS; native ${(tn / 1000).toFixed(2)} s, wasm ${(twasm / 1000).toFixed(2)} s]`);
  // Whole-file decisions are quantised to 0.001 dB and must agree exactly.
  check('render', `${name} ${preset}`, 'gain staging dB', rep.gain_staging_db, r.gainStagingDb);
  check('render', `${name} ${preset}`, 'normalisation dB', rep.normalisation_db, r.normalisationDb);
  check('render', `${name} ${preset}`, 'normalisation tries', rep.normalisation_tries, r.normalisationTries);
  check('render', `${name} ${preset}`, 'latency frames', rep.latency_compensated_frames, r.latencyFrames);
  // Raw loudness readings (analysis/integrated_loudness, dmath only): exact agreement expected;
  // a difference is reported here and would show in the bytes compared above.
  for (const [what, a, b] of [['input LUFS', rep.input_vocal_lufs, r.inputLufs],
    ['pre-normalisation LUFS', rep.pre_normalisation_lufs, r.preNormalisationLufs],
    ['delivered LUFS', rep.delivered_lufs_before_dither, r.deliveredLufs]]) {
    if (a !== b) console.log(`note ${name} ${preset}: ${what} native ${a} vs wasm ${b} (diff ${Math.abs(a - b).toExponential(2)})`);
  }
  return lufsDiff;
}

// ---- the cases --------------------------------------------------------------------------------
console.log(`vocalmix ${M.version()} — WASM (${path.basename(args.wasm)}) vs native (${args.bin})`);
console.log(`presets: ${presets.map((p) => p.name).join(', ')}`);

// Inputs as files both sides read: the recorded voice, a float WAV and a 16-bit WAV.
const s48 = synth(48000, 8, 1);
const s44 = synth(44100, 4, 2);
const synth48Wav = path.join(tmp, 'synth48_float.wav');
const synth44Wav = path.join(tmp, 'synth44_pcm16.wav');
fs.writeFileSync(synth48Wav, wavBytes(s48.L, s48.R, 48000, 'float'));
fs.writeFileSync(synth44Wav, wavBytes(s44.L, s44.R, 44100, 'pcm16'));
const synth3chWav = path.join(tmp, 'synth44_3ch_float.wav');
fs.writeFileSync(synth3chWav, wavBytes(s44.L, s44.R, 44100, 'float', [s44.R.map((x, i) => 0.5 * x - 0.25 * s44.L[i])]));

// decode
const voice = decodeCase('voice (Front_Center.wav)', args.voice);
decodeCase('synth48 float32 stereo', synth48Wav);
const s44dec = decodeCase('synth44 pcm16 stereo', synth44Wav);
decodeCase('synth44 float32 3 channels', synth3chWav);

// chain: every preset × {synthetic 48 kHz analysed, synthetic 44.1 kHz +6 dB into the limiter,
// recorded voice (mono input) analysed}
for (const { name } of presets) {
  chainCase(`synth48 ${name}`, { L: s48.L, R: s48.R, rate: 48000, preset: name, analyse: true });
  chainCase(`synth44 ${name} +6dB out`, { L: s44dec.left, R: s44dec.right, rate: 44100, preset: name, analyse: false, outputGainDb: 6 });
  chainCase(`voice ${name}`, { L: voice.left, R: null, rate: voice.sampleRate, preset: name, analyse: true });
}
// odd host block sizes on the WASM side
chainCase('synth48 modern_clean', { L: s48.L, R: s48.R, rate: 48000, preset: 'modern_clean', analyse: true }, 480);
chainCase('voice trap_aggressive', { L: voice.left, R: null, rate: voice.sampleRate, preset: 'trap_aggressive', analyse: true }, 1);
// presets and parameters switched while playing (on block boundaries common to both sides)
chainCase('synth48 switching presets+params', {
  L: s48.L, R: s48.R, rate: 48000, preset: 'modern_clean', analyse: true, events: [
    { frame: 4096 * 20, kind: 'preset', arg: 'trap_aggressive' },
    { frame: 4096 * 40, kind: 'set', arg: 'delay.bpm=93.5' },
    { frame: 4096 * 40, kind: 'set', arg: 'reverb.type=2' },
    { frame: 4096 * 52, kind: 'preset', arg: 'smooth_rnb' },
    { frame: 4096 * 60, kind: 'set', arg: 'denoise.on=0' },
    { frame: 4096 * 70, kind: 'set', arg: 'eq.presence.gain_db=-7.25' },
  ],
});

// The AudioWorklet build: created synchronously (as inside AudioWorkletProcessor's
// constructor), 128-frame blocks.
if (args.worklet) {
  const { default: createEngine } = await import(pathToFileURL(path.resolve(args.worklet)).href);
  const W = {};
  createEngine(W);
  if (typeof W.Engine !== 'function') {
    failures.push('worklet: module did not instantiate synchronously');
  } else {
    for (const { name } of presets) {
      chainCase(`voice ${name}`, { L: voice.left, R: null, rate: voice.sampleRate, preset: name, analyse: true, module: W }, 128, 'worklet');
    }
  }
}

// render: the full delivery path, WASM renderOffline vs the CLI's wav32f
for (const { name } of presets) {
  renderCase('voice', args.voice, name);
  renderCase('synth48', synth48Wav, name);
}
renderCase('synth44', synth44Wav, 'modern_clean');
renderCase('synth44 3ch', synth3chWav, 'smooth_rnb');
// Vocal over a beat at another rate (44.1 kHz beat, resampled, under the 48 kHz voice and synth).
renderCase('voice + beat44', args.voice, 'trap_aggressive', synth44Wav);
renderCase('synth48 + beat44', synth48Wav, 'smooth_rnb', synth44Wav);

// match: "Match a reference (beta)" — WASM matchReference == `vocalmix match`, the preset and the
// whole report (every measurement and decision), as JSON values.
function matchCase(name, vocalFile, refFile, amount) {
  const out = path.join(tmp, 'match.preset.json'), report = path.join(tmp, 'match.report.json');
  const tn = performance.now();
  run(vocalmixCli, ['match', vocalFile, '--reference', refFile, '-o', out, '--report', report,
    '--amount', Object.entries(amount).map(([k, v]) => `${k}=${v}`).join(',')]);
  const native = JSON.stringify({ preset: JSON.parse(fs.readFileSync(out, 'utf8')), report: JSON.parse(fs.readFileSync(report, 'utf8')) });
  const nativeSeconds = (performance.now() - tn) / 1000;
  fs.rmSync(out);
  fs.rmSync(report);
  const v = M.decode(fs.readFileSync(vocalFile)), r = M.decode(fs.readFileSync(refFile));
  const tw = performance.now();
  const wasm = JSON.stringify(JSON.parse(M.matchReference(v.left, v.channels === 1 ? null : v.right, v.sampleRate,
    r.left, r.channels === 1 ? null : r.right, r.sampleRate, JSON.stringify(amount),
    path.basename(vocalFile), path.basename(refFile))));
  const wasmSeconds = (performance.now() - tw) / 1000;
  let first = -1;
  for (let i = 0; i < Math.max(native.length, wasm.length) && first < 0; ++i) if (native[i] !== wasm[i]) first = i;
  const ok = first < 0;
  rows.push(`${ok ? 'ok  ' : 'FAIL'} ${'match'.padEnd(7)} ${name.padEnd(44)} ` +
    (ok ? `identical JSON (${native.length} chars)` : `JSON differs at ${first}: native …${native.slice(first, first + 80)}… wasm …${wasm.slice(first, first + 80)}…`) +
    `  [base ${JSON.parse(native).report.base_preset}; native ${nativeSeconds.toFixed(2)} s, wasm ${wasmSeconds.toFixed(2)} s]`);
  console.log(rows[rows.length - 1]);
  if (!ok) failures.push(`match ${name}`);
}
matchCase('synth48 to recorded voice (mono reference)', synth48Wav, args.voice, { tone: 100, dynamics: 80, space: 50, loudness: 100 });

for (const f of [synth48Wav, synth44Wav, synth3chWav]) fs.rmSync(f);

console.log(`\n${rows.length} comparisons in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
  `${failures.length ? failures.length + ' FAILED' : 'all bit-identical'}`);
if (failures.length) {
  for (const f of failures) console.log(`  failed: ${f}`);
  process.exit(1);
}
