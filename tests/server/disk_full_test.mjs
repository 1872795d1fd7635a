// A full disk and an unusable data directory, on loopback. A file-size limit (`ulimit -f`,
// SIGXFSZ ignored by the server) stands in for a disk that fills up — no small filesystem or
// root needed. Outcomes: with no room at all the server refuses to start with a clear message;
// with a little room an upload that does not fit gets 507 with a JSON error, a render that does
// not fit fails cleanly with its reason, nothing partial lands under a final name, no temp file
// is left, and the server keeps serving (a render that fits afterwards is byte-identical to the
// CLI). A data directory that is a file, or under /proc, fails at start-up naming it.
//   node tests/server/disk_full_test.mjs SERVER_BIN CLI_BIN MAKE_TEST_VOCAL TMP_DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checker } from '../support/harness.mjs';
import {
  cliRender, isJsonError, listStore, request, sha256, spawnServer, stopServer, waitForRender,
} from './stress_support.mjs';

const [serverBin, cliBin, makeVocal, tmpRoot] = process.argv.slice(2);
const { check, finish } = checker();

fs.rmSync(tmpRoot, { recursive: true, force: true });
fs.mkdirSync(tmpRoot, { recursive: true });
const make = (name, seconds) => {
  const file = path.join(tmpRoot, name);
  execFileSync(makeVocal, [file, String(seconds)]);
  return { file, bytes: fs.readFileSync(file) };
};
const small = make('small.wav', 1);   // ~290 KB (48 kHz stereo 24-bit)
const mid = make('mid.wav', 2);       // ~580 KB
const big = make('big.wav', 3);       // ~860 KB
const LIMIT_KB = 600;

// 1. No room at all: start-up fails, naming the directory.
{
  const dataDir = path.join(tmpRoot, 'full');
  const s = await spawnServer(serverBin, dataDir, [], { fileLimitKb: 0 });
  const { code, signal } = await s.exited;
  check(!s.started && code === 1 && signal === null, `no room at all: the server exits with status 1 instead of starting (code ${code}, signal ${signal})`);
  check(s.stderr().includes(dataDir) && s.stderr().includes('not writable'), `…and says why: ${s.stderr().trim()}`);
}

// 2. A little room: per-request errors, and the server carries on.
{
  const dataDir = path.join(tmpRoot, 'tight');
  const s = await spawnServer(serverBin, dataDir, [], { fileLimitKb: LIMIT_KB });
  check(s.started, `with ${LIMIT_KB} KB of room per file the server starts`);
  const port = s.port;
  const ok = await request(port, 'POST', '/api/uploads?name=small.wav', { body: small.bytes });
  check(ok.status === 201, `an upload that fits is stored (${ok.status})`);
  const tooBig = await request(port, 'POST', '/api/uploads?name=big.wav', { body: big.bytes });
  check(tooBig.status === 507 && isJsonError(tooBig, 'storage_error'), `an upload that does not fit: 507 with a JSON error (${tooBig.status} ${tooBig.body})`);
  check(!fs.existsSync(path.join(dataDir, 'blobs', `${sha256(big.bytes)}.bin`)), '…and no blob under its final name');

  // 2 s of 24-bit stereo (~576 KB) fits as an upload; its 32-bit float render (~768 KB, and the
  // chain's float scratch file of the same size) does not.
  const up = await request(port, 'POST', '/api/uploads?name=mid.wav', { body: mid.bytes });
  check(up.status === 201, `a 2 s upload fits (${up.status})`);
  const r0 = await request(port, 'POST', '/api/renders', { body: JSON.stringify({ upload: JSON.parse(up.body).id, format: 'wav32f' }) });
  check(r0.status === 202, `its render request is accepted (${r0.status})`);
  const failedJob = r0.status === 202 ? await waitForRender(port, JSON.parse(r0.body).id) : null;
  check(failedJob && failedJob.status === 'failed' && failedJob.error && failedJob.error.message.length > 0,
    `a render whose file does not fit fails with its reason: ${failedJob && JSON.stringify(failedJob.error)}`);
  if (failedJob) {
    const file = await request(port, 'GET', `/api/renders/${failedJob.id}/file`);
    check(file.status === 409 && isJsonError(file, 'not_ready'), `…its file is never served (${file.status})`);
    check(!fs.existsSync(path.join(dataDir, 'renders', `${failedJob.id}.wav`)), '…and nothing sits under its final name');
  }
  const store = listStore(dataDir);
  check(store.temps.length === 0, `no temp files left (${store.temps.join(', ')})`);
  const health = await request(port, 'GET', '/api/health');
  check(health.status === 200, 'the server is still serving');
  // A render that fits, after all that: byte-identical to the CLI.
  const r = await request(port, 'POST', '/api/renders', { body: JSON.stringify({ upload: JSON.parse(ok.body).id, format: 'wav16' }) });
  const done = r.status === 202 ? await waitForRender(port, JSON.parse(r.body).id) : null;
  const file = done && done.status === 'done' ? await request(port, 'GET', `/api/renders/${done.id}/file`) : null;
  check(file && sha256(file.body) === sha256(cliRender(cliBin, small.file, 'modern_clean', tmpRoot, 'wav16')),
    'a render that fits afterwards is byte-identical to vocalmix render');
  await stopServer(s);
}

// 3. Data directories that cannot be one.
{
  const notADir = path.join(tmpRoot, 'a-file');
  fs.writeFileSync(notADir, 'x');
  for (const dataDir of [notADir, '/proc/vocalmix-data']) {
    const s = await spawnServer(serverBin, dataDir);
    const { code } = await s.exited;
    check(!s.started && code === 1 && s.stderr().includes(dataDir), `--data ${dataDir}: refuses to start, naming it (${s.stderr().trim()})`);
  }
}

fs.rmSync(tmpRoot, { recursive: true, force: true });
finish();
