// AudioWorklet processor: runs the vocalmix engine (the same C++ as the server, compiled to
// WebAssembly) on the 128-frame blocks the browser hands it. No DSP here: samples are copied
// into the engine's heap, processed by Chain::process, copied out. Messages from the main
// thread (presets, parameters, whole-file decisions) take effect at the next block; the engine
// glides every change, so nothing clicks.
import createEngine from '/wasm/vocalmix_worklet.mjs';

const BLOCK = 128;
const METER_COUNT = 9;

class VocalmixProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.module = createEngine();  // synchronous (WASM_ASYNC_COMPILATION=0)
    this.engine = new this.module.Engine();
    this.engine.prepare(sampleRate);
    const m = this.module;
    this.inL = m._malloc(BLOCK * 4);
    this.inR = m._malloc(BLOCK * 4);
    this.outL = m._malloc(BLOCK * 4);
    this.outR = m._malloc(BLOCK * 4);
    this.beatL = m._malloc(BLOCK * 4);
    this.beatR = m._malloc(BLOCK * 4);
    this.meterPtr = m._malloc(METER_COUNT * 8);
    this.framesSinceMeter = 0;
    this.meterInterval = Math.round(sampleRate / 20);
    this.port.onmessage = (e) => this.onMessage(e.data);
    this.port.postMessage({ type: 'ready', latency: this.engine.latency() });
  }

  onMessage(msg) {
    try {
      switch (msg.type) {
        // Parameters arrive by schema index: no strings or JSON on the audio thread.
        case 'values': {
          // Each parameter on its own: one bad value must not stop the others.
          const errors = [];
          for (let i = 0; i < msg.values.length; i++) {
            try { this.engine.setParamIndex(i, msg.values[i]); } catch (err) { errors.push(String(err.message || err)); }
          }
          if (errors.length) this.port.postMessage({ type: 'error', message: errors.join('; ') });
          break;
        }
        case 'beatGain': this.engine.setBeatGainDb(msg.db); break;
        case 'param': this.engine.setParamIndex(msg.index, msg.value); break;
        case 'wholeFile':
          this.engine.setInputGainDb(msg.gainStagingDb);
          if (msg.noiseProfile && msg.noiseProfile.length) this.engine.setNoiseProfile(msg.noiseProfile);
          if (typeof msg.outputGainDb === 'number') this.engine.setOutputGainDb(msg.outputGainDb);
          break;
        case 'outputGain': this.engine.setOutputGainDb(msg.db); break;
        case 'reset': this.engine.reset(); break;
        // A round trip: every message sent before the ping has been applied when 'pong' arrives.
        case 'ping': this.port.postMessage({ type: 'pong', id: msg.id }); break;
        default: break;
      }
    } catch (err) {
      this.port.postMessage({ type: 'error', message: String(err && err.message ? err.message : err) });
    }
  }

  process(inputs, outputs) {
    const input = inputs[0];
    const output = outputs[0];
    if (!output || output.length === 0) return true;
    const n = output[0].length;
    const heap = this.module.HEAPF32;  // re-read: the heap may have grown
    if (input && input.length > 0) {
      heap.set(input[0], this.inL >> 2);
      heap.set(input.length > 1 ? input[1] : input[0], this.inR >> 2);
    } else {
      heap.fill(0, this.inL >> 2, (this.inL >> 2) + n);
      heap.fill(0, this.inR >> 2, (this.inR >> 2) + n);
    }
    const beat = inputs[1];
    if (beat && beat.length > 0) {  // a beat is playing on the second input
      heap.set(beat[0], this.beatL >> 2);
      heap.set(beat.length > 1 ? beat[1] : beat[0], this.beatR >> 2);
      this.engine.processWithBeat(this.inL, this.inR, this.beatL, this.beatR, this.outL, this.outR, n);
    } else {
      this.engine.process(this.inL, this.inR, this.outL, this.outR, n);
    }
    const out = this.module.HEAPF32;
    output[0].set(out.subarray(this.outL >> 2, (this.outL >> 2) + n));
    if (output.length > 1) output[1].set(out.subarray(this.outR >> 2, (this.outR >> 2) + n));

    this.framesSinceMeter += n;
    if (this.framesSinceMeter >= this.meterInterval) {
      this.framesSinceMeter = 0;
      this.engine.readMeters(this.meterPtr);
      const m = new Float64Array(this.module.HEAPF64.buffer, this.meterPtr, METER_COUNT);
      this.port.postMessage({ type: 'meters', values: Array.from(m) });
    }
    return true;
  }
}

registerProcessor('vocalmix-engine', VocalmixProcessor);
