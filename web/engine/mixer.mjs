// Main-thread API over the engine in the AudioWorklet:
//   const mixer = await createMixer(audioContext, { schema });   // schema: GET /api/params
//   mixer.setPreset(presetObject); mixer.setParam(id, value); mixer.bypass(on);
//   mixer.setWholeFile({gainStagingDb, noiseProfile, outputGainDb}); mixer.onmeters = (m) => …
//   mixer.reset()   clears the engine's state and jumps every parameter to its target (changes
//                   otherwise glide): call it after setting up a new file, before playing it.
// Graph: input (vocal) ─┬→ engine (input 0) → wet gain ─┐
//        beatInput ─────┼→ engine (input 1)              ├→ output
//                       └→ dry gains (A/B: untouched, at matched loudness) ─┘
// Everything audible is computed by the engine; the gain nodes only switch between paths.

const METER_NAMES = ['inputPeakDb', 'outputPeakDb', 'expanderGrDb', 'deEsserGrDb',
  'compressorGrDb', 'levelerGrDb', 'limiterGrDb', 'shortTermLufs', 'truePeakDb'];

// A preset's values in schema order: defaults, overridden by the preset (choice names or
// indices, booleans for toggles).
export function presetToValues(schema, preset) {
  const params = (preset && preset.params) || {};
  return Float64Array.from(schema, (s) => {
    if (!(s.id in params)) return s.default;
    const v = params[s.id];
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string') {
      const i = (s.choices || []).indexOf(v);
      if (i < 0) throw new Error(`${s.id}: '${v}' is not one of ${(s.choices || []).join(', ')}`);
      return i;
    }
    return Number(v);
  });
}

export async function createMixer(ctx, { schema }) {
  const indexOf = new Map(schema.map((s, i) => [s.id, i]));
  await ctx.audioWorklet.addModule(new URL('./processor.mjs', import.meta.url));
  const node = new AudioWorkletNode(ctx, 'vocalmix-engine', {
    numberOfInputs: 2, numberOfOutputs: 1, outputChannelCount: [2],
    channelCount: 2, channelCountMode: 'explicit', channelInterpretation: 'speakers',
  });
  const input = ctx.createGain();
  const beatInput = ctx.createGain();  // the instrumental, already at the context's rate
  const wet = ctx.createGain();
  const dry = ctx.createGain();
  const dryBeat = ctx.createGain();
  const output = ctx.createGain();
  dry.gain.value = 0;
  dryBeat.gain.value = 0;
  input.connect(node, 0, 0);
  beatInput.connect(node, 0, 1);
  node.connect(wet).connect(output);
  input.connect(dry).connect(output);
  beatInput.connect(dryBeat).connect(output);
  let beatGainDb = 0;
  let beatBalanceDb = 3;

  let latency = 0;
  let dryMatchDb = 0;
  let bypassed = false;
  const mixer = {
    input, beatInput, output, node,
    onmeters: null,
    onerror: null,
    get latency() { return latency; },
    setPreset(preset) {
      node.port.postMessage({ type: 'values', values: presetToValues(schema, preset) });
    },
    setParam(id, value) {
      if (!indexOf.has(id)) throw new Error(`unknown parameter '${id}'`);
      node.port.postMessage({ type: 'param', index: indexOf.get(id), value: Number(value) });
    },
    setWholeFile(d) { node.port.postMessage({ type: 'wholeFile', ...d }); },
    setOutputGainDb(db) { node.port.postMessage({ type: 'outputGain', db }); },
    // Whole-file gain staging of the beat; balance is the vocal-over-beat parameter (for A/B).
    setBeatGainDb(db) { beatGainDb = db; node.port.postMessage({ type: 'beatGain', db }); },
    setBeatBalanceDb(db) { beatBalanceDb = db; if (bypassed) mixer.bypass(true); },
    reset() { node.port.postMessage({ type: 'reset' }); },
    // A/B: the unprocessed input, gain-matched to the mix's loudness target.
    setBypassMatchDb(db) { dryMatchDb = db; if (bypassed) mixer.bypass(true); },
    bypass(on) {
      bypassed = on;
      const t = ctx.currentTime;
      const g = Math.pow(10, dryMatchDb / 20);
      wet.gain.setTargetAtTime(on ? 0 : 1, t, 0.01);
      dry.gain.setTargetAtTime(on ? g : 0, t, 0.01);
      const gb = Math.pow(10, (beatGainDb - beatBalanceDb + dryMatchDb) / 20);
      dryBeat.gain.setTargetAtTime(on ? gb : 0, t, 0.01);
    },
    get bypassed() { return bypassed; },
  };
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the audio engine did not start')), 15000);
    node.port.onmessage = (e) => {
      const msg = e.data;
      if (msg.type === 'ready') {
        latency = msg.latency;
        clearTimeout(timer);
        resolve();
      } else if (msg.type === 'meters' && mixer.onmeters) {
        const m = {};
        METER_NAMES.forEach((name, i) => { m[name] = msg.values[i]; });
        mixer.onmeters(m);
      } else if (msg.type === 'error' && mixer.onerror) {
        mixer.onerror(msg.message);
      }
    };
  });
  return mixer;
}
