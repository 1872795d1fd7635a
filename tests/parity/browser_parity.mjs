// Native ⇔ browser parity: the web app's AudioWorklet (web/engine/processor.mjs running the WASM
// engine, build-wasm/wasm/vocalmix_worklet.mjs) inside headless Chromium, rendered by an
// OfflineAudioContext in the browser's 128-frame render quanta, must equal the native Chain
// (build/bin/parity_native, 4096-frame blocks) bit for bit — block-size invariance and
// native/WASM parity in a real browser, through the app's own code paths:
//
//   input    each case's WAV is decoded in the page by the app's analysis worker
//            (web/engine/analysis_worker.mjs: WASM libsndfile decode + whole-file analysis)
//            and natively by `parity_native decode`; the decoded samples must agree too
//   setup    as the app does: the whole-file decisions (gain staging, noise profile, output
//            gain) and the preset's values by schema index (presetToValues from
//            web/engine/mixer.mjs), then 'reset' (every parameter jumps to its target, no glide
//            from the defaults), then a 'ping'/'pong' round trip so all of it is applied before
//            startRendering(); natively: prepare → applyParams → analysis → reset
//   events   a preset switch / parameter change mid-render: OfflineAudioContext.suspend() at a
//            frame, the messages, a round trip, resume(); natively `--event FRAME:values:…`
//            (every parameter by index, exactly what the 'values' message does)
//   graph    one case through createMixer() (the app's graph: input → engine → wet gain →
//            output, with the silent dry path summed in)
//   quanta   a probe processor beside the engine (no outputs: it adds nothing to the signal)
//            counts the block sizes Chromium hands a processor: all 128 frames
//
// The output starts at t = 0 with the chain's latency included on both sides (no compensation).
// Any differing bit fails; max |diff| and the number of differing samples are printed per case.
//
//   node browser_parity.mjs SERVER_BIN PARITY_NATIVE WEB_DIR WASM_DIR TMP_DIR [VOICE_WAV]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checker, launchChromium, startServer, synth } from '../support/harness.mjs';

const [serverBin, parityNative, webDir, wasmDir, tmpArg, voiceArg] = process.argv.slice(2);
if (!tmpArg) {
  console.error('usage: node browser_parity.mjs SERVER_BIN PARITY_NATIVE WEB_DIR WASM_DIR TMP_DIR [VOICE_WAV]');
  process.exit(2);
}
const voiceWav = voiceArg || '/usr/share/sounds/alsa/Front_Center.wav';
const t0 = performance.now();
const { check, finish } = checker();

// ---- signals and files ------------------------------------------------------------------------

// RIFF/WAVE, stereo: 'float' (IEEE float 32) or 'pcm16'.
function wavBytes(L, R, rate, kind) {
  const float = kind === 'float';
  const bytesPer = float ? 4 : 2;
  const fmtLen = float ? 18 : 16;
  const factLen = float ? 12 : 0;
  const dataLen = L.length * 2 * bytesPer;
  const buf = Buffer.alloc(12 + 8 + fmtLen + factLen + 8 + dataLen);
  let o = 0;
  const str = (s) => { buf.write(s, o, 'latin1'); o += 4; };
  const u32 = (v) => { buf.writeUInt32LE(v, o); o += 4; };
  const u16 = (v) => { buf.writeUInt16LE(v, o); o += 2; };
  str('RIFF'); u32(buf.length - 8); str('WAVE');
  str('fmt '); u32(fmtLen); u16(float ? 3 : 1); u16(2); u32(rate); u32(rate * 2 * bytesPer);
  u16(2 * bytesPer); u16(bytesPer * 8);
  if (float) { u16(0); str('fact'); u32(4); u32(L.length); }
  str('data'); u32(dataLen);
  for (let i = 0; i < L.length; ++i) {
    for (const x of [L[i], R[i]]) {
      if (float) { buf.writeFloatLE(x, o); o += 4; } else {
        buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x * 32768))), o); o += 2;
      }
    }
  }
  return buf;
}

function floatsFromFile(file) {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

function floatsFromBase64(s) {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

// Bitwise: equal means the same 32 bits (so −0 ≠ +0 and NaN payloads count).
function compare(a, b) {
  if (a.length !== b.length) return { lengthMismatch: [a.length, b.length], differ: Infinity, maxDiff: Infinity, total: 0 };
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let differ = 0, maxDiff = 0, first = -1, zeroSign = 0;
  for (let i = 0; i < a.length; ++i) {
    if (ua[i] !== ub[i]) {
      ++differ;
      if (first < 0) first = i;
      if (a[i] === 0 && b[i] === 0) ++zeroSign;
      const d = Math.abs(a[i] - b[i]);
      maxDiff = Number.isNaN(d) ? Infinity : Math.max(maxDiff, d);
    }
  }
  return { differ, maxDiff, first, zeroSign, total: a.length };
}

function describe(cmp) {
  if (cmp.lengthMismatch) return `LENGTH MISMATCH ${cmp.lengthMismatch[0]} vs ${cmp.lengthMismatch[1]}`;
  return `max|diff| ${cmp.maxDiff.toExponential(3)}, differing ${cmp.differ}/${cmp.total}` +
    (cmp.first >= 0 ? ` (first at sample ${cmp.first}, frame ${cmp.first >> 1}${cmp.zeroSign ? `, ${cmp.zeroSign} only ±0` : ''})` : '');
}

const tmp = fs.mkdtempSync(path.join(path.resolve(tmpArg), 'browser-parity-'));
const files = new Map();  // served to the page at /parity/NAME
function addWav(name, bytes) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  files.set(name, bytes);
  return file;
}
const s48 = synth(48000, 6, 11);
const s44 = synth(44100, 4, 12);
const wavs = {
  voice: voiceWav,
  synth48: addWav('synth48_float.wav', wavBytes(s48.L, s48.R, 48000, 'float')),
  synth44: addWav('synth44_pcm16.wav', wavBytes(s44.L, s44.R, 44100, 'pcm16')),
};
files.set('voice.wav', fs.readFileSync(voiceWav));
const served = { voice: 'voice.wav', synth48: 'synth48_float.wav', synth44: 'synth44_pcm16.wav' };

// The native side: parity_native decode (libsndfile, src/io), then chain.
const decoded = {};
for (const [key, file] of Object.entries(wavs)) {
  const raw = path.join(tmp, `${key}.in.f32`);
  const info = JSON.parse(execFileSync(parityNative, ['decode', '--wav', file, '--out', raw], { encoding: 'utf8' }));
  decoded[key] = { ...info, raw, data: floatsFromFile(raw) };
}

function nativeChain(c) {
  const d = decoded[c.input];
  const out = path.join(tmp, 'native.out.f32');
  const argv = ['chain', '--in', d.raw, '--channels', String(d.channels), '--rate', String(d.sample_rate),
    '--out', out, '--preset', c.preset, '--block', '4096', '--output-gain-db', String(c.outputGainDb || 0)];
  if (c.analyse) argv.push('--analyse');
  for (const ev of c.events || []) {
    argv.push('--event', ev.kind === 'values' ? `${ev.frame}:values:${ev.preset}` : `${ev.frame}:set:${ev.id}=${ev.value}`);
  }
  const info = JSON.parse(execFileSync(parityNative, argv, { encoding: 'utf8' }));
  const samples = floatsFromFile(out);
  fs.rmSync(out);
  return { ...info, out: samples };
}

// ---- the browser side (runs in the page) ------------------------------------------------------

async function pageSetup() {
  const mixer = await import('/engine/mixer.mjs');
  const [schema, presets] = await Promise.all([
    fetch('/api/params').then((r) => r.json()), fetch('/api/presets').then((r) => r.json())]);
  const worker = new Worker('/engine/analysis_worker.mjs', { type: 'module' });
  let nextId = 1;
  const pending = new Map();
  worker.onmessage = (e) => {
    const p = pending.get(e.data.id);
    pending.delete(e.data.id);
    if (e.data.ok) p.resolve(e.data); else p.reject(new Error(e.data.message));
  };
  worker.onerror = (e) => { for (const p of pending.values()) p.reject(new Error(`analysis worker: ${e.message}`)); pending.clear(); };
  const ask = (type, body) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, type, ...body });
  });
  window.__parity = { mixer, schema, presets, ask };
  return { presets: presets.map((p) => p.name), params: schema.length };
}

async function pageCase(c) {
  const { mixer, schema, presets, ask } = window.__parity;
  const started = performance.now();
  const b64 = (f32) => {
    const u8 = new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength);
    let s = '';
    for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const interleave = (a, b) => {
    const out = new Float32Array(a.length * 2);
    for (let i = 0; i < a.length; ++i) { out[2 * i] = a[i]; out[2 * i + 1] = b[i]; }
    return out;
  };
  const presetByName = (name) => {
    const p = presets.find((x) => x.name === name);
    if (!p) throw new Error(`no preset '${name}'`);
    return p;
  };

  // Decode + whole-file analysis in the app's worker, as the app does on upload.
  const bytes = await fetch(`/parity/${c.file}`).then((r) => r.arrayBuffer());
  const d = await ask('decode', { bytes });
  const ctx = new OfflineAudioContext({ numberOfChannels: 2, length: d.frames, sampleRate: d.sampleRate });
  const buffer = ctx.createBuffer(2, d.frames, d.sampleRate);
  buffer.copyToChannel(d.left, 0);
  buffer.copyToChannel(d.right, 1);
  const src = ctx.createBufferSource();
  src.buffer = buffer;

  const errors = [];
  const waiters = new Map();
  let pingId = 0;
  const onMessage = (msg) => {
    if (msg.type === 'pong' && waiters.has(msg.id)) { waiters.get(msg.id)(); waiters.delete(msg.id); }
    else if (msg.type === 'error') errors.push(msg.message);
  };
  let node, post, latency;
  let quanta = async () => null;
  const wholeFile = c.analyse
    ? { gainStagingDb: d.gainStagingDb, noiseProfile: d.noiseProfile, outputGainDb: c.outputGainDb || 0 }
    : null;
  if (c.graph === 'mixer') {
    // The app's graph and API.
    const m = await mixer.createMixer(ctx, { schema });
    node = m.node;
    latency = m.latency;
    const own = node.port.onmessage;
    node.port.onmessage = (e) => { onMessage(e.data); own(e); };
    src.connect(m.input);
    m.output.connect(ctx.destination);
    if (wholeFile) m.setWholeFile(wholeFile);
    m.setPreset(presetByName(c.preset));
    if (!wholeFile && c.outputGainDb) m.setOutputGainDb(c.outputGainDb);
    m.reset();
    post = (msg) => node.port.postMessage(msg);
  } else {
    await ctx.audioWorklet.addModule('/engine/processor.mjs');
    node = new AudioWorkletNode(ctx, 'vocalmix-engine', {
      numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [2],
      channelCount: 2, channelCountMode: 'explicit', channelInterpretation: 'speakers',
    });
    latency = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the processor never said ready')), 15000);
      node.port.onmessage = (e) => {
        if (e.data.type === 'ready') { clearTimeout(timer); resolve(e.data.latency); } else onMessage(e.data);
      };
    });
    src.connect(node).connect(ctx.destination);
    post = (msg) => node.port.postMessage(msg);
    // A probe beside the engine (no outputs, so it adds nothing to the rendered signal): the
    // block sizes the browser hands an AudioWorkletProcessor in this context.
    const probeCode = `registerProcessor('vocalmix-parity-probe', class extends AudioWorkletProcessor {
      constructor() { super(); this.sizes = {}; this.port.onmessage = () => this.port.postMessage(this.sizes); }
      process(inputs) { const n = inputs[0].length ? inputs[0][0].length : 0; this.sizes[n] = (this.sizes[n] || 0) + 1; return true; }
    });`;
    await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([probeCode], { type: 'text/javascript' })));
    const probe = new AudioWorkletNode(ctx, 'vocalmix-parity-probe', { numberOfInputs: 1, numberOfOutputs: 0 });
    src.connect(probe);
    quanta = () => new Promise((resolve) => { probe.port.onmessage = (e) => resolve(e.data); probe.port.postMessage('sizes'); });
    if (wholeFile) post({ type: 'wholeFile', ...wholeFile });
    post({ type: 'values', values: mixer.presetToValues(schema, presetByName(c.preset)) });
    if (!wholeFile && c.outputGainDb) post({ type: 'outputGain', db: c.outputGainDb });
    post({ type: 'reset' });
  }
  const roundTrip = () => new Promise((resolve, reject) => {
    const id = ++pingId;
    const timer = setTimeout(() => reject(new Error('no pong from the processor')), 10000);
    waiters.set(id, () => { clearTimeout(timer); resolve(); });
    post({ type: 'ping', id });
  });
  await roundTrip();  // everything above is applied before the first quantum

  // Mid-render changes: suspend at the frame, send, wait for the round trip, resume.
  const suspendedAt = [];
  const byFrame = new Map();
  for (const ev of c.events || []) byFrame.set(ev.frame, [...(byFrame.get(ev.frame) || []), ev]);
  const indexOf = new Map(schema.map((s, i) => [s.id, i]));
  for (const [frame, evs] of byFrame) {
    ctx.suspend(frame / d.sampleRate).then(async () => {
      suspendedAt.push(Math.round(ctx.currentTime * d.sampleRate));
      for (const ev of evs) {
        if (ev.kind === 'values') post({ type: 'values', values: mixer.presetToValues(schema, presetByName(ev.preset)) });
        else post({ type: 'param', index: indexOf.get(ev.id), value: ev.value });
      }
      await roundTrip();
      await ctx.resume();
    });
  }
  src.start(0);
  const rendered = await ctx.startRendering();
  return {
    quanta: await quanta(),
    sampleRate: d.sampleRate, channels: d.channels, frames: d.frames, latency,
    gainStagingDb: d.gainStagingDb, noiseBins: d.noiseProfile.length, errors, suspendedAt,
    input: b64(interleave(d.left, d.right)),
    out: b64(interleave(rendered.getChannelData(0), rendered.getChannelData(1))),
    ms: performance.now() - started,
  };
}

// ---- run --------------------------------------------------------------------------------------
const { server, port } = await startServer(serverBin, tmp, webDir, wasmDir);
let browser = null;
try {
  browser = await launchChromium();
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  const origin = `http://127.0.0.1:${port}`;
  // The test's own files, same origin as the app (absolute imports like /engine/… and /wasm/…
  // resolve against the server).
  await page.route(`${origin}/parity/**`, (route) => {
    const name = new URL(route.request().url()).pathname.slice('/parity/'.length);
    if (name === 'index.html') {
      return route.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>vocalmix browser parity</title>' });
    }
    if (!files.has(name)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ contentType: 'audio/wav', body: files.get(name) });
  });
  await page.goto(`${origin}/parity/index.html`);
  const setup = await page.evaluate(pageSetup);
  const version = execFileSync(parityNative.replace(/parity_native$/, 'vocalmix'), ['--version'], { encoding: 'utf8' }).trim();
  console.log(`${version}; ${await browser.version()}; presets: ${setup.presets.join(', ')}; ${setup.params} parameters`);

  const cases = [];
  for (const preset of setup.presets) {
    cases.push({ name: `synth48 stereo ${preset}`, input: 'synth48', preset, analyse: true });
    cases.push({ name: `voice ${preset}`, input: 'voice', preset, analyse: true });
  }
  cases.push({ name: 'synth44 pcm16 trap_aggressive +6 dB out', input: 'synth44', preset: 'trap_aggressive', analyse: true, outputGainDb: 6 });
  cases.push({ name: 'synth44 pcm16 smooth_rnb, no analysis', input: 'synth44', preset: 'smooth_rnb', analyse: false });
  cases.push({
    name: 'synth48 switching presets+params', input: 'synth48', preset: 'modern_clean', analyse: true, events: [
      { frame: 4096 * 16, kind: 'values', preset: 'trap_aggressive' },
      { frame: 4096 * 32, kind: 'param', id: 'delay.bpm', value: 93.5 },
      { frame: 4096 * 32, kind: 'param', id: 'reverb.type', value: 2 },
      { frame: 4096 * 44, kind: 'values', preset: 'smooth_rnb' },
      { frame: 4096 * 60, kind: 'param', id: 'denoise.on', value: 0 },
      { frame: 4096 * 60, kind: 'param', id: 'eq.presence.gain_db', value: -7.25 },
    ],
  });
  cases.push({ name: 'voice smooth_rnb via createMixer (app graph)', input: 'voice', preset: 'smooth_rnb', analyse: true, graph: 'mixer' });

  let audioSeconds = 0;
  for (const c of cases) {
    const b = await page.evaluate(pageCase, { ...c, file: served[c.input] });
    audioSeconds += b.frames / b.sampleRate;
    const n = nativeChain(c);
    const nd = decoded[c.input];
    // The decoded input: the page's (WASM libsndfile) vs the native reader's.
    const nativeIn = nd.channels === 1 ? Float32Array.from({ length: nd.frames * 2 }, (_, i) => nd.data[i >> 1]) : nd.data;
    const inCmp = compare(nativeIn, floatsFromBase64(b.input));
    const cmp = compare(n.out, floatsFromBase64(b.out));
    const tag = `[${b.sampleRate} Hz, ${b.channels} ch, ${b.frames} frames, latency ${b.latency}` +
      (c.analyse ? `, staging ${b.gainStagingDb} dB, ${b.noiseBins} noise bins` : '') +
      (b.suspendedAt.length ? `, suspended at ${b.suspendedAt.join('/')}` : '') + `; page ${Math.round(b.ms)} ms]`;
    check(inCmp.differ === 0, `${c.name}: decoded input (page worker vs native) ${describe(inCmp)}`);
    check(cmp.differ === 0, `${c.name}: output ${describe(cmp)} ${tag}`);
    if (b.quanta) {
      const sizes = Object.keys(b.quanta).map(Number).filter((k) => k > 0);
      check(sizes.length === 1 && sizes[0] === 128 && b.quanta[128] * 128 >= b.frames,
        `${c.name}: the worklet ran in 128-frame quanta (${Object.entries(b.quanta).map(([k, v]) => `${v} × ${k}`).join(', ')})`);
    }
    check(b.latency === n.latency, `${c.name}: latency ${b.latency} (native ${n.latency})`);
    if (c.analyse) {
      check(b.gainStagingDb === n.gain_staging_db && b.noiseBins === n.noise_bins,
        `${c.name}: whole-file analysis (staging ${b.gainStagingDb} / native ${n.gain_staging_db} dB; bins ${b.noiseBins} / ${n.noise_bins})`);
    }
    if (c.events) {
      const want = [...new Set(c.events.map((e) => e.frame))];
      check(JSON.stringify(b.suspendedAt) === JSON.stringify(want), `${c.name}: suspended at the event frames (${b.suspendedAt.join(', ')})`);
    }
    check(b.errors.length === 0, `${c.name}: no processor errors${b.errors.length ? ': ' + b.errors.join('; ') : ''}`);
  }
  check(pageErrors.length === 0, `no page errors${pageErrors.length ? ': ' + pageErrors.join('; ') : ''}`);
  console.log(`${cases.length} cases, ${audioSeconds.toFixed(1)} s of audio, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} catch (err) {
  check(false, `the test ran to the end: ${err && err.stack ? err.stack : err}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
finish();
