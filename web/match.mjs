// "Match a reference (beta)" in the web app: drop a song or an a-cappella → the engine fits a
// preset to it in the analysis worker (WASM: the same C++ fit as `vocalmix match` and
// POST /api/matches, byte for byte) → a fourth preset card, previewed through the live engine and
// edited like the other presets. UI only: no measuring or fitting here.
const $ = (id) => document.getElementById(id);
const ASPECTS = ['tone', 'dynamics', 'space', 'loudness'];

export function setupMatch({ state, ask, addPresetCard, choosePreset }) {
  const drop = $('match-drop');
  const input = $('match-file');
  const status = $('match-status');
  let reference = null;  // { name, bytes }
  let running = false, again = false;

  const say = (text, isError = false) => {
    status.textContent = text;
    status.classList.toggle('error', isError);
  };
  const amounts = () => Object.fromEntries(ASPECTS.map((k) => [k, Number($(`match-${k}`).value)]));

  function showPreset(preset, report) {
    state.presets = state.presets.filter((p) => p.name !== preset.name);
    state.presets.push(preset);
    const old = document.querySelector(`.card[data-name="${preset.name}"]`);
    const card = addPresetCard(preset);
    if (old) old.replaceWith(card);
    card.classList.add('matched');
    choosePreset(preset);
    const list = $('match-summary');
    list.replaceChildren(...report.summary.concat(report.notes.map((n) => `note: ${n}`)).map((line) => {
      const li = document.createElement('li');
      li.textContent = line;
      return li;
    }));
    $('match-report').hidden = false;
  }

  async function fit() {
    if (!reference) return;
    if (!state.decoded) {
      say('Load your vocal first, then the reference.', true);
      return;
    }
    if (running) {  // one fit at a time; the latest settings win
      again = true;
      return;
    }
    running = true;
    const started = performance.now();
    say(`Listening to ${reference.name} and fitting tone, dynamics, space and loudness…`);
    try {
      const r = await ask('match', {
        bytes: reference.bytes.slice(0), name: reference.name,
        vocalName: state.file ? state.file.name : 'vocal', amountsJson: JSON.stringify(amounts()),
      });
      const { preset, report } = JSON.parse(r.json);
      showPreset(preset, report);
      say(`Matched to ${reference.name} (based on ${report.base_preset.replaceAll('_', ' ')}): tone distance ` +
        `${report.before.envelope_distance_db.toFixed(1)} → ${report.after.envelope_distance_db.toFixed(1)} dB, ` +
        `target ${report.target_lufs.toFixed(1)} LUFS (${((performance.now() - started) / 1000).toFixed(1)} s).`);
    } catch (err) {
      say(`Cannot match this reference: ${err.message}`, true);
    } finally {
      running = false;
      if (again) {
        again = false;
        fit();
      }
    }
  }

  async function take(file) {
    if (!file) return;
    reference = { name: file.name, bytes: await file.arrayBuffer() };
    fit();
  }

  input.addEventListener('change', (e) => take(e.target.files[0]));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); take(e.dataTransfer.files[0]); });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.target === drop) input.click(); });
  for (const k of ASPECTS) $(`match-${k}`).addEventListener('change', fit);
}
