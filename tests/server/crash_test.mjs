// Crash safety, on loopback: the server is killed with SIGKILL six times, at seeded random
// moments while renders run and queue and while uploads are arriving, and restarted on the same
// data directory each time. After every kill, before the restart, the data dir may hold temp
// files but nothing half-written under a final name: every blob hashes to its name, every record
// parses, every delivered file equals `vocalmix render` of its request. After every restart:
// temp files are gone, finished renders download intact, renders that were queued or running
// are run again (never served half-done: 409 until they finish) and end byte-identical to the
// CLI. Prints what it survived.
//   node tests/server/crash_test.mjs SERVER_BIN CLI_BIN MAKE_TEST_VOCAL TMP_DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { checker, rng } from '../support/harness.mjs';
import {
  cliRender, isJsonError, listStore, request, sha256, sleep, spawnServer, waitForRender,
} from './stress_support.mjs';

const [serverBin, cliBin, makeVocal, tmpRoot] = process.argv.slice(2);
const { check, finish } = checker();
// Under ASan + UBSan (scripts/test.sh's second stage) renders run ~20× slower: fewer, shorter.
const SANITIZED = process.env.VOCALMIX_SANITIZED === '1';
const CYCLES = SANITIZED ? 3 : 6;
const random = rng(20261125);  // seeded: the same kill moments every run
const uniform = () => (random() + 1) / 2;

fs.rmSync(tmpRoot, { recursive: true, force: true });
fs.mkdirSync(tmpRoot, { recursive: true });
const dataDir = path.join(tmpRoot, 'data');

const inputs = (SANITIZED ? [['long', 3], ['mid', 2], ['short', 1]] : [['long', 12], ['mid', 6], ['short', 2]]).map(([name, s]) => {
  const file = path.join(tmpRoot, `${name}.wav`);
  execFileSync(makeVocal, [file, String(s)]);
  const bytes = fs.readFileSync(file);
  return { name, file, bytes, sha: sha256(bytes) };
});
const presets = ['modern_clean', 'trap_aggressive'];
const reference = new Map();  // `${input sha}/${preset}` → sha256 of the CLI's file
for (const input of inputs) {
  for (const preset of presets) reference.set(`${input.sha}/${preset}`, sha256(cliRender(cliBin, input.file, preset, tmpRoot)));
}

// What a request should deliver, from its stored record alone.
function expectedFor(record) {
  const upload = JSON.parse(fs.readFileSync(path.join(dataDir, 'uploads', `${record.upload}.json`)));
  return reference.get(`${upload.sha256}/${record.preset.name}`);
}

// The data dir of a dead server: nothing incomplete under a final name.
function inspectDead(cycle) {
  const store = listStore(dataDir);
  let bad = 0;
  for (const f of store.blobs) {
    if (sha256(fs.readFileSync(path.join(dataDir, 'blobs', f))) !== f.replace('.bin', '')) { bad++; console.log(`     blob ${f} does not match its hash`); }
  }
  const records = new Map();
  for (const f of [...store.uploads, ...store.renders.filter((r) => r.endsWith('.json'))]) {
    const dir = store.uploads.includes(f) ? 'uploads' : 'renders';
    try {
      const j = JSON.parse(fs.readFileSync(path.join(dataDir, dir, f)));
      if (dir === 'renders') records.set(j.id, j);
      if (dir === 'uploads' && !store.blobs.includes(`${j.sha256}.bin`)) { bad++; console.log(`     upload ${f} has no blob`); }
    } catch {
      bad++;
      console.log(`     ${dir}/${f} is not complete JSON`);
    }
  }
  let files = 0;
  for (const f of store.renders.filter((r) => !r.endsWith('.json'))) {
    const record = records.get(f.replace(/\.(wav|flac)$/, ''));
    const ok = record && sha256(fs.readFileSync(path.join(dataDir, 'renders', f))) === expectedFor(record);
    if (!ok) { bad++; console.log(`     renders/${f} is not the complete render of its request`); }
    files++;
  }
  check(bad === 0, `kill ${cycle}: nothing half-written under a final name (${store.blobs.length} blobs, ${records.size} render records, ${files} delivered files; ${store.temps.length} temp files)`);
  return store.temps;
}

// A client that uploads the long vocal slowly (64 KB every 20 ms) until the server dies.
function slowUpload(port) {
  const sock = net.connect({ host: '127.0.0.1', port }, () => {
    sock.write(`POST /api/uploads?name=slow.wav HTTP/1.1\r\nHost: x\r\nContent-Length: ${inputs[0].bytes.length}\r\n\r\n`);
    let at = 0;
    const timer = setInterval(() => {
      if (at >= inputs[0].bytes.length || sock.destroyed) { clearInterval(timer); return; }
      sock.write(inputs[0].bytes.subarray(at, at + 65536));
      at += 65536;
    }, 20);
    sock.on('close', () => clearInterval(timer));
  });
  sock.on('error', () => {});
  return sock;
}

const survived = { kills: 0, doneBefore: 0, interrupted: 0, uploadsInFlight: 0 };
const uploadIds = [];
let server = null, tempsAtKill = [];
for (let cycle = 1; cycle <= CYCLES + 1; ++cycle) {
  server = await spawnServer(serverBin, dataDir, ['--workers', '1', '--max-queue', '32']);
  check(server.started, `start ${cycle}: the server starts on the data dir it was killed on`);
  if (!server.started) { console.log(server.stderr()); break; }
  const port = server.port;
  const afterRestart = listStore(dataDir);
  const leftover = tempsAtKill.filter((t) => afterRestart.temps.includes(t));
  check(leftover.length === 0, `start ${cycle}: the ${tempsAtKill.length} temp files of the killed process are gone (${leftover.join(', ')})`);

  // Every render the store knows: done ones download intact; others are never served.
  const records = [];
  for (const f of afterRestart.renders.filter((r) => r.endsWith('.json'))) records.push(JSON.parse(fs.readFileSync(path.join(dataDir, 'renders', f))));
  let intact = 0, refused = 0, wrong = 0;
  for (const r of records) {
    const file = await request(port, 'GET', `/api/renders/${r.id}/file`);
    if (file.status === 200 && sha256(file.body) === expectedFor(r)) intact++;
    else if (file.status === 409 && isJsonError(file, 'not_ready')) refused++;
    else {
      wrong++;
      console.log(`     render ${r.id} (${r.status} when listed): ${file.status} ${file.status === 200 ? `${file.body.length} bytes` : String(file.body).slice(0, 200)}`);
    }
  }
  check(wrong === 0, `start ${cycle}: ${intact} finished renders download intact, ${refused} unfinished ones answer 409, ${wrong} wrong`);

  if (cycle === CYCLES + 1) {
    // The last start: let everything finish and compare every render with the CLI.
    let identical = 0, resumed = 0;
    for (const r of records) {
      const done = await waitForRender(port, r.id, { timeoutMs: 180000 });
      const file = done && done.status === 'done' ? await request(port, 'GET', `/api/renders/${r.id}/file`) : null;
      if (file && file.status === 200 && sha256(file.body) === expectedFor(r)) identical++;
      if (done && done.resumed_after_restart) resumed++;
    }
    check(identical === records.length && records.length > 0,
      `after the last restart all ${records.length} renders completed byte-identical to vocalmix render (${identical}); ${resumed} of them were re-run after a kill`);
    break;
  }

  // Load it: uploads (the first time), renders queued behind the running ones, a slow upload.
  if (uploadIds.length === 0) {
    for (const input of inputs) {
      const up = await request(port, 'POST', `/api/uploads?name=${input.name}.wav`, { body: input.bytes });
      uploadIds.push(JSON.parse(up.body).id);
    }
  }
  for (let i = 0; i < 4; ++i) {
    const upload = uploadIds[(cycle + i) % uploadIds.length];
    await request(port, 'POST', '/api/renders', { body: JSON.stringify({ upload, preset: presets[(cycle + i) % 2] }) });
  }
  const slow = slowUpload(port);
  const fast = request(port, 'POST', '/api/uploads?name=mid.wav', { body: inputs[1].bytes });
  await sleep(150 + 1300 * uniform());
  const states = {};
  for (const f of listStore(dataDir).renders.filter((r) => r.endsWith('.json'))) {
    const j = JSON.parse(fs.readFileSync(path.join(dataDir, 'renders', f)));
    states[j.status] = (states[j.status] || 0) + 1;
  }
  server.proc.kill('SIGKILL');
  await server.exited;
  slow.destroy();
  await fast;
  survived.kills++;
  survived.doneBefore += states.done || 0;
  survived.interrupted += (states.running || 0) + (states.queued || 0);
  survived.uploadsInFlight += 1;
  console.log(`     kill ${cycle}: renders at the kill ${JSON.stringify(states)}`);
  tempsAtKill = inspectDead(cycle);
}
if (server) server.proc.kill('SIGTERM');
console.log(`figures: ${survived.kills} kill -9s survived; summed over the kills, ${survived.doneBefore} finished renders were on disk ` +
  `and stayed intact, ${survived.interrupted} queued/running renders were run again, ${survived.uploadsInFlight} uploads in flight were dropped cleanly`);
fs.rmSync(tmpRoot, { recursive: true, force: true });
finish();
