// Web Worker: the whole-file work of the preview, off the main thread, with the same engine
// build the worklet uses — decode the upload with libsndfile (WASM), analyse it exactly as the
// server's render does (gain staging, noise profile), and run the full offline delivery to
// learn the normalisation gain for the current settings.
import createEngine from '/wasm/vocalmix_worklet.mjs';

const M = createEngine();
let decoded = null;

function reply(id, body, transfer) {
  self.postMessage({ id, ...body }, transfer || []);
}

self.onmessage = (e) => {
  const { id, type } = e.data;
  try {
    if (type === 'decode') {
      const d = M.decode(new Uint8Array(e.data.bytes));
      decoded = d;
      const a = M.analyseInput(d.left, d.right, d.sampleRate);
      const left = d.left.slice();
      const right = d.right.slice();
      reply(id, {
        ok: true, sampleRate: d.sampleRate, channels: d.channels, frames: d.frames,
        left, right, integratedLufs: a.integratedLufs, gainStagingDb: a.gainStagingDb,
        noiseProfile: a.noiseProfile, version: M.version(),
      }, [left.buffer, right.buffer]);
    } else if (type === 'normalise') {
      if (!decoded) throw new Error('no file decoded yet');
      const r = M.renderOffline(decoded.left, decoded.right, decoded.sampleRate, e.data.paramsJson);
      reply(id, {
        ok: true, normalisationDb: r.normalisationDb, deliveredLufs: r.deliveredLufs,
        gainStagingDb: r.gainStagingDb, notes: r.notes,
      });
    }
  } catch (err) {
    reply(id, { ok: false, message: String(err && err.message ? err.message : err) });
  }
};
