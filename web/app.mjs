// The vocalmix web app: pick a vocal → decode it with the engine's own libsndfile (WASM) →
// preview through the engine in an AudioWorklet at the file's sample rate → tweak → render on
// the server (same C++, same parameters) → download. The controls are built from the server's
// parameter schema; there is no second list of parameters here, and no DSP.
import { createMixer } from './engine/mixer.mjs';
import { setupMatch } from './match.mjs';

const $ = (id) => document.getElementById(id);
const QUICK = ['reverb.send_db', 'reverb.type', 'reverb.decay_s', 'delay.send_db', 'delay.note', 'delay.bpm'];
const STAGE_TITLES = {
  input: 'Input', hpf: 'High-pass', lpf: 'Low-pass', denoise: 'Denoiser', expander: 'Expander',
  deess: 'De-esser', eq: 'EQ', comp: 'Compressor', leveler: 'Leveler', sat: 'Saturation',
  delay: 'Delay', reverb: 'Reverb', beat: 'Beat', output: 'Output',
};

const state = {
  schema: [], byId: new Map(), presets: [], preset: null, values: {},
  upload: null, file: null, decoded: null, ctx: null, mixer: null, buffer: null,
  beatUpload: null, beat: null, beatBuffer: null, beatSource: null,
  source: null, playing: false, startTime: 0, offset: 0, normaliseTimer: null,
  inputLufs: -200, renderBusy: false,
  tempoBpm: null,  // detected, tapped or chosen: kept when switching presets
};

// ---- API token (vocalmix-server --token / VOCALMIX_TOKEN) ----
// Opened once as /?token=…: kept in sessionStorage (this tab only), removed from the address bar
// and sent as "Authorization: Bearer …" on every write request. Reads need no token.
const API_TOKEN = (() => {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('vocalmix.token', fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem('vocalmix.token') || '';
})();
function writeHeaders(headers) {
  return API_TOKEN ? { ...headers, Authorization: `Bearer ${API_TOKEN}` } : headers;
}

// ---- worker (decode, whole-file analysis, loudness pass) ----
const worker = new Worker(new URL('./engine/analysis_worker.mjs', import.meta.url), { type: 'module' });
let nextRequest = 1;
const pending = new Map();
worker.onmessage = (e) => {
  const p = pending.get(e.data.id);
  if (!p) return;
  pending.delete(e.data.id);
  if (e.data.ok) p.resolve(e.data); else p.reject(new Error(e.data.message));
};
worker.onerror = (e) => setStatus(`The audio engine failed to load (${e.message || 'worker error'}).`, true);
function ask(type, body, transfer) {
  const id = nextRequest++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, type, ...body }, transfer || []);
  });
}

// ---- helpers ----
function setStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}
function fmtTime(s) {
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}
function fmtDb(v, unit = 'dB') { return v <= -199 ? '–' : `${v.toFixed(1)} ${unit}`; }
async function apiError(res) {
  try {
    const j = await res.json();
    return j.error ? j.error.message : `HTTP ${res.status}`;
  } catch { return `HTTP ${res.status}`; }
}
function choiceIndex(spec, v) {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const i = spec.choices.indexOf(v);
  return i >= 0 ? i : spec.default;
}
function presetValues(preset) {
  const values = {};
  for (const s of state.schema) values[s.id] = s.default;
  for (const [id, v] of Object.entries(preset.params || {})) {
    const s = state.byId.get(id);
    if (s) values[id] = s.scale === 'choice' ? choiceIndex(s, v) : v;
  }
  return values;
}
function currentPresetObject() {
  const params = {};
  for (const s of state.schema) if (state.values[s.id] !== s.default) params[s.id] = state.values[s.id];
  return { name: state.preset ? state.preset.name : 'custom', description: 'edited in the browser', params };
}
function delayMs() {
  const bpm = state.values['delay.bpm'];
  const factor = [1, 0.5, 0.25, 1.5, 0.75, 2 / 3, 1 / 3][state.values['delay.note']] ?? 1;
  return (60000 / bpm) * factor;
}

// ---- controls from the schema ----
function formatValue(s, v) {
  if (s.scale === 'choice') return s.choices[v] ?? String(v);
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${Number(v).toFixed(digits)}${s.unit ? ' ' + s.unit : ''}`;
}
function sliderToValue(s, pos) {
  const t = pos / 1000;
  const v = s.scale === 'log' ? s.min * Math.pow(s.max / s.min, t) : s.min + (s.max - s.min) * t;
  return Math.round(v * 1000) / 1000;
}
function valueToSlider(s, v) {
  const t = s.scale === 'log' ? Math.log(v / s.min) / Math.log(s.max / s.min) : (v - s.min) / (s.max - s.min);
  return Math.round(t * 1000);
}
function buildControl(s) {
  const wrap = document.createElement('div');
  wrap.className = 'param';
  wrap.dataset.id = s.id;
  const inputId = `p-${s.id.replaceAll('.', '-')}`;
  const label = document.createElement('label');
  label.htmlFor = inputId;
  const name = document.createElement('span');
  name.textContent = s.label;
  const shown = document.createElement('span');
  shown.className = 'value';
  label.append(name, shown);
  let input;
  if (s.scale === 'choice' && s.choices.join('|') === 'off|on') {
    input = document.createElement('input');
    input.type = 'checkbox';
    input.addEventListener('change', () => setValue(s.id, input.checked ? 1 : 0));
  } else if (s.scale === 'choice') {
    input = document.createElement('select');
    s.choices.forEach((c, i) => input.add(new Option(c, String(i))));
    input.addEventListener('change', () => setValue(s.id, Number(input.value)));
  } else {
    input = document.createElement('input');
    input.type = 'range';
    input.min = '0'; input.max = '1000'; input.step = '1';
    input.addEventListener('input', () => setValue(s.id, sliderToValue(s, Number(input.value))));
  }
  input.id = inputId;
  wrap.append(label, input);
  if (s.id === 'delay.note' || s.id === 'delay.bpm') {
    const ms = document.createElement('span');
    ms.className = 'ms delay-ms';
    wrap.append(ms);
  }
  return wrap;
}
function syncControl(id) {
  const s = state.byId.get(id);
  const v = state.values[id];
  for (const wrap of document.querySelectorAll(`.param[data-id="${id}"]`)) {
    const input = wrap.querySelector('input, select');
    if (input.type === 'checkbox') input.checked = v >= 0.5;
    else if (input.tagName === 'SELECT') input.value = String(v);
    else input.value = String(valueToSlider(s, v));
    wrap.querySelector('.value').textContent = input.type === 'checkbox' ? '' : formatValue(s, v);
  }
  for (const el of document.querySelectorAll('.delay-ms')) el.textContent = `= ${delayMs().toFixed(0)} ms`;
}
function buildControls() {
  const quick = $('quick');
  for (const id of QUICK) quick.append(buildControl(state.byId.get(id)));
  const stages = $('stages');
  const groups = new Map();
  for (const s of state.schema) {
    if (!groups.has(s.stage)) groups.set(s.stage, []);
    groups.get(s.stage).push(s);
  }
  for (const [stage, specs] of groups) {
    const d = document.createElement('details');
    const sum = document.createElement('summary');
    sum.textContent = STAGE_TITLES[stage] || stage;
    const grid = document.createElement('div');
    grid.className = 'params';
    for (const s of specs) grid.append(buildControl(s));
    d.append(sum, grid);
    stages.append(d);
  }
}
function setValue(id, v) {
  state.values[id] = v;
  if (id === 'delay.bpm') state.tempoBpm = v;
  syncControl(id);
  if (state.mixer) state.mixer.setParam(id, v);
  if (state.mixer && id === 'beat.balance_db') state.mixer.setBeatBalanceDb(v);
  scheduleNormalise();
}

// ---- presets ----
function addPresetCard(p) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'card';
  b.setAttribute('role', 'radio');
  b.dataset.name = p.name;
  b.innerHTML = '<strong></strong><small></small>';
  b.querySelector('strong').textContent = p.name.replaceAll('_', ' ');
  b.querySelector('small').textContent = p.description;
  b.addEventListener('click', () => choosePreset(p));
  $('presets').append(b);
  return b;
}
function buildPresetCards() {
  for (const p of state.presets) addPresetCard(p);
}
function choosePreset(p) {
  state.preset = p;
  state.values = presetValues(p);
  if (state.tempoBpm !== null) state.values['delay.bpm'] = state.tempoBpm;
  for (const card of document.querySelectorAll('.card')) card.setAttribute('aria-checked', String(card.dataset.name === p.name));
  for (const s of state.schema) syncControl(s.id);
  if (state.mixer) state.mixer.setPreset({ name: p.name, params: state.values });
  updateBypassMatch();
  scheduleNormalise();
}

// ---- tempo: the delay follows the music (the beat if there is one, else the vocal) ----
// The same estimate the server's render makes; applied here so preview and delivery agree.
function applyDetectedTempo(t, source) {
  const label = $('tempo-detected');
  if (t && t.reliable && t.bpm >= 40 && t.bpm <= 240) {
    setValue('delay.bpm', Math.round(t.bpm * 100) / 100);
    label.textContent = `Tempo: ${t.bpm.toFixed(1)} BPM detected from the ${source} (confidence ${t.confidence.toFixed(2)})`;
  } else {
    label.textContent = `No clear tempo in the ${source}: the delay keeps ${state.values['delay.bpm']} BPM (tap it in, or set it)`;
  }
}
const taps = [];
function tapTempo() {
  const now = performance.now();
  if (taps.length && now - taps[taps.length - 1] > 2000) taps.length = 0;
  taps.push(now);
  if (taps.length >= 3) {
    const intervals = taps.slice(1).map((t, i) => t - taps[i]).slice(-8);
    const bpm = 60000 / (intervals.reduce((a, b) => a + b, 0) / intervals.length);
    setValue('delay.bpm', Math.min(240, Math.max(40, Math.round(bpm * 10) / 10)));
    $('tempo-detected').textContent = `Tempo: ${state.values['delay.bpm']} BPM tapped`;
  }
}
function scaleTempo(f) {
  const v = Math.min(240, Math.max(40, Math.round(state.values['delay.bpm'] * f * 100) / 100));
  setValue('delay.bpm', v);
}

// ---- loudness: the preview lands where the delivery will ----
function updateBypassMatch() {
  if (!state.mixer) return;
  // The untouched stereo input, matched to the mix's target (BS.1770 reads L=R as +3 dB).
  const inputStereoLufs = state.inputLufs + 3.01;
  state.mixer.setBypassMatchDb(state.inputLufs > -100 ? state.values['output.target_lufs'] - inputStereoLufs : 0);
}
function scheduleNormalise() {
  if (!state.decoded) return;
  clearTimeout(state.normaliseTimer);
  state.normaliseTimer = setTimeout(async () => {
    const started = performance.now();
    try {
      const r = await ask('normalise', { paramsJson: JSON.stringify(currentPresetObject()) });
      state.mixer.setOutputGainDb(r.normalisationDb);
      updateBypassMatch();
      $('m-lufs').title = `delivery: ${r.deliveredLufs.toFixed(1)} LUFS (loudness pass ${((performance.now() - started) / 1000).toFixed(1)} s)`;
    } catch (err) {
      setStatus(`Loudness pass failed: ${err.message}`, true);
    }
  }, 500);
}

// ---- file → upload + decode → preview ----
async function handleFile(file) {
  if (!file) return;
  stop();
  state.file = file;
  setStatus(`Reading ${file.name}…`);
  const bytes = await file.arrayBuffer();
  state.upload = fetch(`/api/uploads?name=${encodeURIComponent(file.name)}`, {
    method: 'POST', headers: writeHeaders({ 'Content-Type': 'application/octet-stream' }), body: bytes.slice(0),
  }).then(async (res) => {
    if (!res.ok) throw new Error(await apiError(res));
    return res.json();
  });
  state.upload.catch((err) => setStatus(`Upload failed: ${err.message}`, true));
  let d;
  try {
    setStatus(`Decoding ${file.name}…`);
    d = await ask('decode', { bytes }, []);
  } catch (err) {
    setStatus(`Cannot play this file: ${err.message}`, true);
    return;
  }
  state.decoded = d;
  state.inputLufs = d.integratedLufs;
  state.tempoBpm = null;
  state.beat = null;
  state.beatBuffer = null;
  state.beatUpload = null;
  $('beat-status').textContent = 'optional: an instrumental to mix the vocal over (any sample rate)';
  if (!state.ctx || state.ctx.sampleRate !== d.sampleRate) {
    if (state.ctx) await state.ctx.close();
    state.ctx = new AudioContext({ sampleRate: d.sampleRate, latencyHint: 'interactive' });
    state.mixer = await createMixer(state.ctx, { schema: state.schema });
    state.mixer.output.connect(state.ctx.destination);
    state.mixer.onmeters = showMeters;
    state.mixer.onerror = (m) => setStatus(m, true);
  }
  peaks = null;
  state.buffer = state.ctx.createBuffer(2, d.frames, d.sampleRate);
  state.buffer.copyToChannel(d.left, 0);
  state.buffer.copyToChannel(d.right, 1);
  state.mixer.setWholeFile({ gainStagingDb: d.gainStagingDb, noiseProfile: d.noiseProfile });
  state.mixer.setPreset({ name: state.preset.name, params: state.values });
  // After the settings: the new file starts AT them (clean state, every parameter at its target),
  // as the render does — not gliding from the engine's defaults or the previous file's settings.
  state.mixer.reset();
  state.offset = 0;
  for (const id of ['player', 'presets-section', 'controls-section', 'render-section']) $(id).hidden = false;
  drawWave();
  applyDetectedTempo(d.tempo, 'vocal');
  updateBypassMatch();
  scheduleNormalise();
  $('render').disabled = false;
  setStatus(`${file.name}: ${d.sampleRate} Hz, ${d.channels} channel(s), ${fmtTime(d.frames / d.sampleRate)} — previewing at the file's own rate.`);
}

// ---- the beat: decoded and resampled to the vocal's rate by the engine, played in sync ----
function padTo(channelData, frames) {
  if (channelData.length >= frames) return channelData;
  const out = new Float32Array(frames);
  out.set(channelData);
  return out;
}
async function handleBeat(file) {
  if (!file || !state.decoded) return;
  stop();
  $('beat-status').textContent = `Reading ${file.name}…`;
  const bytes = await file.arrayBuffer();
  state.beatUpload = fetch(`/api/uploads?name=${encodeURIComponent(file.name)}`, {
    method: 'POST', headers: writeHeaders({ 'Content-Type': 'application/octet-stream' }), body: bytes.slice(0),
  }).then(async (res) => {
    if (!res.ok) throw new Error(await apiError(res));
    return res.json();
  });
  state.beatUpload.catch((err) => setStatus(`Beat upload failed: ${err.message}`, true));
  let b;
  try {
    b = await ask('beat', { bytes });
  } catch (err) {
    $('beat-status').textContent = `Cannot use this beat: ${err.message}`;
    state.beatUpload = null;
    return;
  }
  // Vocal and beat play as one: both buffers last as long as the longer one (as the render does).
  const d = state.decoded;
  const frames = Math.max(d.frames, b.frames);
  state.buffer = state.ctx.createBuffer(2, frames, d.sampleRate);
  state.buffer.copyToChannel(padTo(d.left, frames), 0);
  state.buffer.copyToChannel(padTo(d.right, frames), 1);
  state.beatBuffer = state.ctx.createBuffer(2, frames, d.sampleRate);
  state.beatBuffer.copyToChannel(padTo(b.left, frames), 0);
  state.beatBuffer.copyToChannel(padTo(b.right, frames), 1);
  state.beat = b;
  state.mixer.setBeatGainDb(b.gainDb);
  state.mixer.setBeatBalanceDb(state.values['beat.balance_db']);
  applyDetectedTempo(b.tempo, 'beat');
  peaks = null;
  drawWave();
  scheduleNormalise();
  $('beat-status').textContent = `Beat: ${file.name} (${b.sampleRate} Hz${b.sampleRate !== d.sampleRate ? `, resampled to ${d.sampleRate} Hz` : ''}), ${fmtTime(b.frames / d.sampleRate)}`;
}

// ---- transport ----
function position() {
  if (!state.buffer) return 0;
  const dur = state.buffer.duration;
  const p = state.playing ? state.offset + (state.ctx.currentTime - state.startTime) : state.offset;
  return $('loop').checked ? p % dur : Math.min(p, dur);
}
async function play() {
  if (!state.buffer) return;
  await state.ctx.resume();
  const src = state.ctx.createBufferSource();
  src.buffer = state.buffer;
  src.loop = $('loop').checked;
  src.connect(state.mixer.input);
  src.onended = () => {
    if (state.source === src && !src.loop) { state.playing = false; state.offset = 0; $('play').textContent = 'Play'; }
  };
  src.start(0, state.offset);
  state.source = src;
  if (state.beatBuffer) {
    const b = state.ctx.createBufferSource();
    b.buffer = state.beatBuffer;
    b.loop = src.loop;
    b.connect(state.mixer.beatInput);
    b.start(0, state.offset);
    state.beatSource = b;
  }
  state.startTime = state.ctx.currentTime;
  state.playing = true;
  $('play').textContent = 'Pause';
  requestAnimationFrame(tick);
}
function stop() {
  if (state.source) {
    state.offset = position();
    const s = state.source;
    state.source = null;
    try { s.stop(); } catch { /* already stopped */ }
  }
  if (state.beatSource) {
    try { state.beatSource.stop(); } catch { /* already stopped */ }
    state.beatSource = null;
  }
  state.playing = false;
  $('play').textContent = 'Play';
}
function togglePlay() { if (state.playing) stop(); else play(); }
function seek(seconds) {
  const wasPlaying = state.playing;
  stop();
  state.offset = Math.max(0, Math.min(seconds, state.buffer.duration - 0.01));
  if (wasPlaying) play(); else drawWave();
}
function tick() {
  drawWave();
  $('time').textContent = `${fmtTime(position())} / ${fmtTime(state.buffer.duration)}`;
  if (state.playing) requestAnimationFrame(tick);
}

// ---- waveform ----
let peaks = null;
function drawWave() {
  const c = $('wave');
  const w = c.clientWidth || 800;
  if (c.width !== w) { c.width = w; peaks = null; }
  const g = c.getContext('2d');
  const d = state.decoded;
  if (!peaks) {
    peaks = new Float32Array(w);
    const total = state.buffer.length;  // with a longer beat, the vocal covers part of the width
    const per = Math.max(1, Math.floor(total / w));
    for (let x = 0; x < w; x++) {
      let m = 0;
      for (let i = x * per; i < Math.min(d.frames, (x + 1) * per); i++) m = Math.max(m, Math.abs(d.left[i]), Math.abs(d.right[i]));
      peaks[x] = m;
    }
  }
  g.clearRect(0, 0, w, c.height);
  g.fillStyle = '#5ec2a6';
  const mid = c.height / 2;
  for (let x = 0; x < w; x++) {
    const h = Math.max(1, peaks[x] * mid);
    g.fillRect(x, mid - h, 1, 2 * h);
  }
  const px = (position() / state.buffer.duration) * w;
  g.fillStyle = '#ffffff';
  g.fillRect(px, 0, 2, c.height);
}

// ---- meters ----
function showMeters(m) {
  $('m-peak').textContent = fmtDb(m.truePeakDb, 'dBTP');
  $('m-comp').textContent = `${(m.compressorGrDb + m.levelerGrDb).toFixed(1)} dB`;
  $('m-lim').textContent = `${m.limiterGrDb.toFixed(1)} dB`;
  $('m-lufs').textContent = fmtDb(m.shortTermLufs, 'LUFS');
}

// ---- render on the server ----
async function renderAndDownload() {
  if (state.renderBusy) return;
  state.renderBusy = true;
  $('render').disabled = true;
  const status = $('render-status');
  const bar = $('render-progress');
  status.classList.remove('error');
  try {
    status.textContent = 'Uploading…';
    const upload = await state.upload;
    const res = await fetch('/api/renders', {
      method: 'POST', headers: writeHeaders({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({
        upload: upload.id, preset: currentPresetObject(), format: $('format').value,
        ...(state.beatUpload ? { beat: (await state.beatUpload).id } : {}),
      }),
    });
    if (!res.ok) throw new Error(await apiError(res));
    const { id } = await res.json();
    bar.hidden = false;
    let job;
    for (;;) {
      const r = await fetch(`/api/renders/${id}`);
      if (!r.ok) throw new Error(await apiError(r));
      job = await r.json();
      bar.value = job.progress || 0;
      status.textContent = job.status === 'queued' ? 'Waiting for a render slot…' : `Rendering… ${Math.round(100 * (job.progress || 0))}%`;
      if (job.status === 'done' || job.status === 'failed') break;
      await new Promise((ok) => setTimeout(ok, 300));
    }
    if (job.status === 'failed') throw new Error(job.error ? job.error.message : 'the render failed');
    const out = job.report.output;
    status.textContent = `Done: ${out.integrated_lufs.toFixed(1)} LUFS, true peak ${out.true_peak_dbtp.toFixed(1)} dBTP. Downloading ${job.filename}…`;
    const a = document.createElement('a');
    a.href = `/api/renders/${id}/file`;
    a.download = job.filename;
    a.id = 'download-link';
    document.body.append(a);
    a.click();
    a.remove();
  } catch (err) {
    status.textContent = `Render failed: ${err.message}`;
    status.classList.add('error');
  } finally {
    bar.hidden = true;
    state.renderBusy = false;
    $('render').disabled = false;
  }
}

// ---- wiring ----
async function init() {
  try {
    const [schema, presets] = await Promise.all([
      fetch('/api/params').then((r) => r.json()), fetch('/api/presets').then((r) => r.json()),
    ]);
    state.schema = schema;
    for (const s of schema) state.byId.set(s.id, s);
    state.presets = presets;
  } catch (err) {
    setStatus(`Cannot reach the vocalmix server: ${err.message}`, true);
    return;
  }
  buildPresetCards();
  buildControls();
  choosePreset(state.presets[0]);
  setupMatch({ state, ask, addPresetCard, choosePreset });
  $('file').addEventListener('change', (e) => handleFile(e.target.files[0]));
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); handleFile(e.dataTransfer.files[0]); });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter') $('file').click(); });
  $('play').addEventListener('click', togglePlay);
  $('loop').addEventListener('change', () => {
    if (state.source) state.source.loop = $('loop').checked;
    if (state.beatSource) state.beatSource.loop = $('loop').checked;
  });
  $('beat-file').addEventListener('change', (e) => handleBeat(e.target.files[0]));
  const beatDrop = $('beat-drop');
  beatDrop.addEventListener('dragover', (e) => { e.preventDefault(); beatDrop.classList.add('over'); });
  beatDrop.addEventListener('dragleave', () => beatDrop.classList.remove('over'));
  beatDrop.addEventListener('drop', (e) => { e.preventDefault(); beatDrop.classList.remove('over'); handleBeat(e.dataTransfer.files[0]); });
  beatDrop.addEventListener('keydown', (e) => { if (e.key === 'Enter') $('beat-file').click(); });
  $('ab').addEventListener('click', () => {
    const on = !state.mixer.bypassed;
    state.mixer.bypass(on);
    $('ab').setAttribute('aria-pressed', String(on));
    $('ab').textContent = on ? 'A/B: original' : 'A/B: mix';
  });
  $('wave').addEventListener('click', (e) => {
    const r = e.target.getBoundingClientRect();
    seek(((e.clientX - r.left) / r.width) * state.buffer.duration);
  });
  $('render').addEventListener('click', renderAndDownload);
  $('bpm-half').addEventListener('click', () => scaleTempo(0.5));
  $('bpm-double').addEventListener('click', () => scaleTempo(2));
  $('bpm-tap').addEventListener('click', tapTempo);
  document.addEventListener('keydown', (e) => {
    if (e.code === 'Space' && state.buffer && !['INPUT', 'SELECT', 'BUTTON'].includes(document.activeElement.tagName)) {
      e.preventDefault();
      togglePlay();
    }
  });
  window.addEventListener('resize', () => { if (state.buffer) drawWave(); });
  setStatus('Choose a vocal to start.');
}

init();
