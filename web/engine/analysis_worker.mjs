// Web Worker: the whole-file work of the preview, off the main thread, with the same engine
// build the worklet uses — decode the upload with libsndfile (WASM), analyse it exactly as the
// server's render does (gain staging, noise profile), and run the full offline delivery to
// learn the normalisation gain for the current settings.
import createEngine from '/wasm/vocalmix_worklet.mjs';

const M = createEngine();
let decoded = null;
let beat = null;  // the beat as decoded, at its own rate (the render resamples it the same way)

function reply(id, body, transfer) {
  self.postMessage({ id, ...body }, transfer || []);
}

self.onmessage = (e) => {
  const { id, type } = e.data;
  try {
    if (type === 'decode') {
      const d = M.decode(new Uint8Array(e.data.bytes));
      decoded = d;
      beat = null;
      const a = M.analyseInput(d.left, d.right, d.sampleRate);
      const t = M.analyseTempo(d.left, d.right, d.sampleRate);
      const left = d.left.slice();
      const right = d.right.slice();
      reply(id, {
        ok: true, sampleRate: d.sampleRate, channels: d.channels, frames: d.frames,
        left, right, integratedLufs: a.integratedLufs, gainStagingDb: a.gainStagingDb,
        noiseProfile: a.noiseProfile, version: M.version(),
        tempo: { bpm: t.bpm, confidence: t.confidence, reliable: t.reliable },
      }, [left.buffer, right.buffer]);
    } else if (type === 'beat') {
      if (!decoded) throw new Error('load the vocal first');
      const b = M.decode(new Uint8Array(e.data.bytes));
      const p = M.prepareBeat(b.left, b.right, b.sampleRate, decoded.sampleRate);
      const t = M.analyseTempo(b.left, b.right, b.sampleRate);
      beat = b;
      const left = p.left.slice();
      const right = p.right.slice();
      reply(id, {
        ok: true, sampleRate: b.sampleRate, frames: p.frames, left, right, lufs: p.lufs, gainDb: p.gainDb,
        tempo: { bpm: t.bpm, confidence: t.confidence, reliable: t.reliable },
      }, [left.buffer, right.buffer]);
    } else if (type === 'match') {
      // "Match a reference (beta)": the same fit as `vocalmix match`, on the decoded vocal.
      if (!decoded) throw new Error('load the vocal first');
      const r = M.decode(new Uint8Array(e.data.bytes));
      const json = M.matchReference(decoded.left, decoded.channels === 1 ? null : decoded.right, decoded.sampleRate,
        r.left, r.channels === 1 ? null : r.right, r.sampleRate, e.data.amountsJson, e.data.vocalName, e.data.name);
      reply(id, { ok: true, json });
    } else if (type === 'normalise') {
      if (!decoded) throw new Error('no file decoded yet');
      const r = beat
        ? M.renderOfflineWithBeat(decoded.left, decoded.right, decoded.sampleRate, e.data.paramsJson, beat.left, beat.right, beat.sampleRate)
        : M.renderOffline(decoded.left, decoded.right, decoded.sampleRate, e.data.paramsJson);
      reply(id, {
        ok: true, normalisationDb: r.normalisationDb, deliveredLufs: r.deliveredLufs,
        gainStagingDb: r.gainStagingDb, notes: r.notes,
      });
    }
  } catch (err) {
    reply(id, { ok: false, message: String(err && err.message ? err.message : err) });
  }
};
