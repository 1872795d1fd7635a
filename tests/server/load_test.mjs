// The server under load, on loopback: 16 concurrent clients (each its own 127.0.0.x) upload
// short vocals and request 200 renders, while another client sends 50 junk requests and 10
// clients vanish in the middle of their uploads. Checks: the server stays up; every render it
// accepts completes byte-identical to `vocalmix render` of the same input and preset; every
// refusal is a 4xx with a JSON error (429 queue full → the client retries, as the web app
// would); no temp file is left; memory returns near its baseline. Prints the figures.
//   node tests/server/load_test.mjs SERVER_BIN CLI_BIN MAKE_TEST_VOCAL TMP_DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { checker } from '../support/harness.mjs';
import {
  cliRender, isJsonError, listStore, percentile, request, rssMb, sha256, sleep, spawnServer, stopServer, waitForRender,
} from './stress_support.mjs';

const [serverBin, cliBin, makeVocal, tmpRoot] = process.argv.slice(2);
const { check, finish } = checker();
// Under ASan + UBSan (scripts/test.sh's second stage) everything runs ~20× slower and freed
// memory is held in quarantine: a smaller load, and memory is not judged.
const SANITIZED = process.env.VOCALMIX_SANITIZED === '1';
const RENDERS = SANITIZED ? 32 : 200, CLIENTS = 16, JUNK = 50, DROPOUTS = 10;
// The load runs in two equal rounds. Memory: after the first round resident memory may stay up
// to RSS_SLACK_MB above the warmed-up baseline (glibc keeps freed memory in its per-thread
// arenas), and the second round must not add more than RSS_GROWTH_MB to that (a leak of just
// the uploads would add 100 × 0.3–0.6 MB = 30–60 MB per round, of the rendered files more).
const RSS_SLACK_MB = 32, RSS_GROWTH_MB = 10, ROUNDS = 2;

fs.rmSync(tmpRoot, { recursive: true, force: true });
fs.mkdirSync(tmpRoot, { recursive: true });
const dataDir = path.join(tmpRoot, 'data');

// Four short inputs (1–2 s, three sample rates) × three presets = 12 distinct renders, each
// rendered once by the CLI as the reference.
const inputs = [['v1', 1.0, 48000], ['v2', 1.5, 44100], ['v3', 2.0, 48000], ['v4', 1.2, 32000]].map(([name, s, rate]) => {
  const file = path.join(tmpRoot, `${name}.wav`);
  execFileSync(makeVocal, [file, String(s), String(rate)]);
  return { name, file, bytes: fs.readFileSync(file) };
});
const presets = ['modern_clean', 'trap_aggressive', 'smooth_rnb'];
const reference = new Map();
for (const input of inputs) {
  for (const preset of presets) reference.set(`${input.name}/${preset}`, sha256(cliRender(cliBin, input.file, preset, tmpRoot)));
}

const server = await spawnServer(serverBin, dataDir,
  ['--workers', '2', '--max-queue', '8', '--max-upload-mb', '2', '--max-uploads-per-client', '4']);
check(server.started, 'server started');
if (!server.started) finish();
const port = server.port;

// Warm-up: one concurrent round (16 clients, one upload and render each), so the baseline holds
// what the server allocates once under concurrency (its connection threads, their malloc
// arenas), and what stays above it afterwards is what the load itself left behind.
await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
  const from = `127.0.0.${10 + c}`;
  const up = await request(port, 'POST', '/api/uploads?name=warm.wav', { body: inputs[c % inputs.length].bytes, from });
  for (;;) {
    const r = await request(port, 'POST', '/api/renders', { body: JSON.stringify({ upload: JSON.parse(up.body).id }), from });
    if (r.status === 202) { await waitForRender(port, JSON.parse(r.body).id, { from }); return; }
    await sleep(100);
  }
}));
await sleep(1500);
const rssBefore = rssMb(server.proc.pid);

// ---- the render clients ----
let nextJob = 0, lastJob = 0;
const latencies = [], uploadLatencies = [];
const stats = { accepted: 0, queueFull: 0, otherRefusals: 0, identical: 0, differing: 0, failed: 0, badRefusals: 0 };
async function renderClient(c) {
  const from = `127.0.0.${10 + c}`;
  for (;;) {
    if (nextJob >= lastJob) return;
    const job = nextJob++;
    const input = inputs[job % inputs.length];
    const preset = presets[Math.floor(job / inputs.length) % presets.length];
    const t0 = Date.now();
    const up = await request(port, 'POST', `/api/uploads?name=${input.name}.wav`, { body: input.bytes, from });
    uploadLatencies.push(Date.now() - t0);
    if (up.status !== 201) { stats.failed++; continue; }
    const body = JSON.stringify({ upload: JSON.parse(up.body).id, preset });
    const t1 = Date.now();
    let res;
    for (let attempt = 0; attempt < 400; ++attempt) {
      res = await request(port, 'POST', '/api/renders', { body, from, headers: { 'Content-Type': 'application/json' } });
      if (res.status !== 429) break;
      stats.queueFull++;
      if (!isJsonError(res, 'queue_full')) stats.badRefusals++;
      await sleep(100 + (c * 37) % 150);
    }
    if (res.status !== 202) { stats.otherRefusals++; continue; }
    stats.accepted++;
    const id = JSON.parse(res.body).id;
    const done = await waitForRender(port, id, { from });
    if (!done || done.status !== 'done') { stats.failed++; continue; }
    const file = await request(port, 'GET', `/api/renders/${id}/file`, { from });
    latencies.push(Date.now() - t1);
    if (file.status === 200 && sha256(file.body) === reference.get(`${input.name}/${preset}`)) stats.identical++;
    else stats.differing++;
  }
}

// ---- junk: every kind of bad request, each must be a 4xx with a JSON error ----
const junkStatus = {};
let junkBad = 0;
async function junkClient(round) {
  const from = '127.0.0.100';
  const wav = inputs[1].bytes;
  const kinds = [
    () => request(port, 'POST', '/api/uploads', { body: Buffer.from('definitely not audio '.repeat(50)), from }),
    () => request(port, 'POST', '/api/uploads', { body: Buffer.alloc(0), from }),
    () => request(port, 'POST', '/api/uploads', { body: Buffer.alloc(3 * 1024 * 1024, 7), from }),  // over 2 MB
    () => request(port, 'POST', '/api/uploads', { body: wav.subarray(0, 40), from }),  // a header and nothing
    () => request(port, 'POST', '/api/uploads', { body: Buffer.from(wav.map((b, i) => (i === 22 || i === 23 ? 0 : b))), from }),  // 0 channels
    () => request(port, 'POST', '/api/uploads', { body: Buffer.from('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nhi\r\n--b--\r\n'), from, headers: { 'Content-Type': 'multipart/form-data; boundary=b' } }),
    () => request(port, 'POST', '/api/renders', { body: '{"upload": ', from }),
    () => request(port, 'POST', '/api/renders', { body: JSON.stringify({ upload: 'f'.repeat(32) }), from }),
    () => request(port, 'POST', '/api/renders', { body: JSON.stringify({ upload: '../../etc/passwd', preset: 'lofi' }), from }),
    () => request(port, 'POST', '/api/renders', { body: JSON.stringify([1, 2, 3]), from }),
  ];
  for (let i = round * JUNK / ROUNDS; i < (round + 1) * JUNK / ROUNDS; ++i) {
    const res = await kinds[i % kinds.length]();
    junkStatus[res.status] = (junkStatus[res.status] || 0) + 1;
    const ok = [400, 404, 413, 429].includes(res.status) && isJsonError(res);
    if (!ok) { junkBad++; console.log(`     junk #${i}: ${res.status} ${String(res.body).slice(0, 120)}`); }
  }
}

// ---- clients that disconnect in the middle of an upload ----
async function dropout(i) {
  await sleep(50 * i);
  await new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port, localAddress: `127.0.0.${200 + i}` }, () => {
      sock.write(`POST /api/uploads?name=gone.wav HTTP/1.1\r\nHost: x\r\nContent-Length: ${inputs[2].bytes.length}\r\n\r\n`);
      sock.write(inputs[2].bytes.subarray(0, 100000 + 10000 * i), () => setTimeout(() => { sock.destroy(); resolve(); }, 30));
    });
    sock.on('error', resolve);
  });
}

const started = Date.now();
const rssAfterRound = [];
for (let round = 0; round < ROUNDS; ++round) {
  lastJob = (round + 1) * RENDERS / ROUNDS;
  const perRound = DROPOUTS / ROUNDS;
  await Promise.all([
    ...Array.from({ length: CLIENTS }, (_, c) => renderClient(c)),
    junkClient(round),
    ...Array.from({ length: perRound }, (_, i) => dropout(round * perRound + i)),
  ]);
  await sleep(1500);  // let finished requests' threads go idle
  rssAfterRound.push(rssMb(server.proc.pid));
}
const seconds = (Date.now() - started) / 1000 - 1.5 * ROUNDS;

const health = await request(port, 'GET', '/api/health');
check(health.status === 200, 'the server is still up after the load');
// The vanished clients' upload slots were released: each address can upload again.
let reuploads = 0;
for (let i = 0; i < DROPOUTS; ++i) {
  const r = await request(port, 'POST', '/api/uploads?name=back.wav', { body: inputs[0].bytes, from: `127.0.0.${200 + i}` });
  reuploads += r.status === 201;
}
check(reuploads === DROPOUTS, `every client that vanished mid-upload can upload again (${reuploads}/${DROPOUTS})`);

const rssAfter = rssAfterRound[ROUNDS - 1];
const store = listStore(dataDir);

check(stats.accepted === RENDERS, `all ${RENDERS} renders were accepted in the end (${stats.accepted}; ${stats.queueFull} × 429 queue_full on the way)`);
check(stats.identical === stats.accepted && stats.differing === 0 && stats.failed === 0,
  `every accepted render is byte-identical to vocalmix render (${stats.identical} identical, ${stats.differing} differing, ${stats.failed} failed)`);
check(stats.badRefusals === 0 && stats.otherRefusals === 0, 'every 429 carried a JSON error; nothing else was refused');
check(junkBad === 0, `all ${JUNK} junk requests got 4xx JSON errors (${JSON.stringify(junkStatus)})`);
check(store.temps.length === 0, `no temp files left in the data dir (${store.temps.join(', ')})`);
check(store.renders.filter((f) => f.endsWith('.wav')).length === RENDERS + CLIENTS, 'one delivered file per render');
if (!SANITIZED) {
  check(rssAfterRound[0] <= rssBefore + RSS_SLACK_MB,
    `resident memory near its baseline after round 1: ${rssBefore.toFixed(1)} → ${rssAfterRound[0].toFixed(1)} MB (allowed +${RSS_SLACK_MB} MB)`);
  check(rssAfter <= rssAfterRound[0] + RSS_GROWTH_MB,
    `no growth from round to round (no leak): ${rssAfterRound.map((r) => r.toFixed(1)).join(' → ')} MB (allowed +${RSS_GROWTH_MB} MB)`);
}

console.log(`figures: ${RENDERS} renders from ${CLIENTS} clients + ${JUNK} junk + ${DROPOUTS} dropped uploads in ${seconds.toFixed(1)} s ` +
  `= ${(RENDERS / seconds).toFixed(1)} renders/s; render latency (submit → file downloaded) p50 ${percentile(latencies, 50)} ms, ` +
  `p95 ${percentile(latencies, 95)} ms; upload p50 ${percentile(uploadLatencies, 50)} ms, p95 ${percentile(uploadLatencies, 95)} ms; ` +
  `429 queue_full ${stats.queueFull}; junk statuses ${JSON.stringify(junkStatus)}; RSS ${rssBefore.toFixed(1)} (warmed up) → ${rssAfterRound.map((r) => r.toFixed(1)).join(' → ')} MB`);
await stopServer(server);
fs.rmSync(tmpRoot, { recursive: true, force: true });
finish();
