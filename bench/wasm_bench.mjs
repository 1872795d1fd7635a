// WASM rows of scripts/bench.sh: the engine compiled to WebAssembly, timed where it runs.
//   node  — build-wasm/wasm/vocalmix_node.js: the live chain per preset at the AudioWorklet's
//           128-frame blocks (× real time), and the whole delivery (renderOffline: analyse,
//           chain, normalise, limit) on the 3-minute input.
//   chromium — the app's own AudioWorklet (web/engine/processor.mjs) in headless Debian
//           Chromium, rendered by an OfflineAudioContext as fast as it goes: µs per 128-frame
//           block, the engine's share found by subtracting a pass-through worklet's time on
//           the same graph. The real-time budget of a block is 128/48000 s = 2667 µs.
// Prints one JSON object on stdout; progress on stderr.
//   node bench/wasm_bench.mjs WASM_DIR SERVER_BIN WEB_DIR INPUT.wav WORK_DIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launchChromium, startServer } from '../tests/support/harness.mjs';

const require = createRequire(import.meta.url);
const [wasmDir, serverBin, webDir, inputWav, work] = process.argv.slice(2);
if (!work) {
  console.error('usage: node bench/wasm_bench.mjs WASM_DIR SERVER_BIN WEB_DIR INPUT.wav WORK_DIR');
  process.exit(2);
}
const result = { node: { chain: [], render: null }, chromium: null };

// ---- node ---------------------------------------------------------------------------------------
const M = await require(path.resolve(wasmDir, 'vocalmix_node.js'))();
const presets = JSON.parse(M.presetsJson());
const d = M.decode(fs.readFileSync(inputWav));
const seconds = d.left.length / d.sampleRate;
const BLOCK = 128;
for (const p of presets) {
  const e = new M.Engine();
  e.prepare(d.sampleRate);
  e.applyPresetJson(JSON.stringify(p));
  e.reset();
  const ptr = [0, 1, 2, 3].map(() => M._malloc(BLOCK * 4));
  const started = performance.now();
  for (let pos = 0; pos + BLOCK <= d.left.length; pos += BLOCK) {
    M.HEAPF32.set(d.left.subarray(pos, pos + BLOCK), ptr[0] >> 2);
    M.HEAPF32.set(d.right.subarray(pos, pos + BLOCK), ptr[1] >> 2);
    e.process(ptr[0], ptr[1], ptr[2], ptr[3], BLOCK);
  }
  const s = (performance.now() - started) / 1000;
  ptr.forEach((q) => M._free(q));
  e.delete();
  result.node.chain.push({ preset: p.name, seconds_audio: seconds, wall_s: s, x_realtime: seconds / s });
  console.error(`  node chain ${p.name}: ${(seconds / s).toFixed(1)}x real time`);
}
{
  const started = performance.now();
  const r = M.renderOffline(d.left, d.right, d.sampleRate, JSON.stringify(presets.find((p) => p.name === 'modern_clean')));
  const s = (performance.now() - started) / 1000;
  result.node.render = { preset: 'modern_clean', seconds_audio: seconds, wall_s: s, x_realtime: seconds / s,
    delivered_lufs: r.deliveredLufs };
  console.error(`  node full delivery modern_clean: ${(seconds / s).toFixed(1)}x real time`);
}

// ---- chromium -----------------------------------------------------------------------------------
async function pageRun({ engine, presetName, seconds: secs }) {
  const rate = 48000;
  const frames = Math.round(secs * rate);
  const ctx = new OfflineAudioContext({ numberOfChannels: 2, length: frames, sampleRate: rate });
  const buffer = ctx.createBuffer(2, frames, rate);
  let s = 12345;
  for (let c = 0; c < 2; ++c) {
    const x = buffer.getChannelData(c);
    for (let i = 0; i < frames; ++i) {
      s = (s * 1103515245 + 12345) >>> 0;
      const noise = (s / 4294967296 - 0.5) * 0.02;
      x[i] = 0.2 * Math.sin(2 * Math.PI * 220 * i / rate) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 0.7 * i / rate)) + noise;
    }
  }
  const src = ctx.createBufferSource();
  src.buffer = buffer;
  let node;
  if (engine) {
    const [schema, presets, mixer] = await Promise.all([fetch('/api/params').then((r) => r.json()),
      fetch('/api/presets').then((r) => r.json()), import('/engine/mixer.mjs')]);
    await ctx.audioWorklet.addModule('/engine/processor.mjs');
    node = new AudioWorkletNode(ctx, 'vocalmix-engine', { numberOfInputs: 1, numberOfOutputs: 1,
      outputChannelCount: [2], channelCount: 2, channelCountMode: 'explicit' });
    await new Promise((resolve) => { node.port.onmessage = (e) => { if (e.data.type === 'ready') resolve(); }; });
    node.port.postMessage({ type: 'values', values: mixer.presetToValues(schema, presets.find((p) => p.name === presetName)) });
    node.port.postMessage({ type: 'reset' });
    await new Promise((resolve) => {
      node.port.onmessage = (e) => { if (e.data.type === 'pong') resolve(); };
      node.port.postMessage({ type: 'ping', id: 1 });
    });
  } else {
    const code = `registerProcessor('bench-pass', class extends AudioWorkletProcessor {
      process(inputs, outputs) { const i = inputs[0], o = outputs[0];
        for (let c = 0; c < o.length; ++c) if (i[c]) o[c].set(i[c]); return true; } });`;
    await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    node = new AudioWorkletNode(ctx, 'bench-pass', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [2] });
  }
  src.connect(node).connect(ctx.destination);
  src.start(0);
  const started = performance.now();
  await ctx.startRendering();
  return { ms: performance.now() - started, quanta: Math.ceil(frames / 128) };
}

const tmp = fs.mkdtempSync(path.join(work, 'wasm-bench-'));
let server = null, browser = null;
try {
  const started = await startServer(serverBin, tmp, webDir, wasmDir);
  server = started.server;
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${started.port}/`);
  const secs = 60;
  const base = await page.evaluate(pageRun, { engine: false, seconds: secs });
  const rows = [];
  for (const p of presets) {
    const r = await page.evaluate(pageRun, { engine: true, presetName: p.name, seconds: secs });
    const us = ((r.ms - base.ms) * 1000) / r.quanta;
    rows.push({ preset: p.name, seconds_audio: secs, wall_ms: r.ms, passthrough_ms: base.ms,
      us_per_block: us, budget_us: (128 / 48000) * 1e6, x_realtime: secs / (r.ms / 1000) });
    console.error(`  chromium worklet ${p.name}: ${us.toFixed(1)} µs per 128-frame block (budget 2667 µs)`);
  }
  result.chromium = { seconds_audio: secs, passthrough_us_per_block: (base.ms * 1000) / base.quanta, rows };
} catch (err) {
  console.error(`  chromium run failed: ${err.message}`);
} finally {
  if (browser) await browser.close();
  if (server) server.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
