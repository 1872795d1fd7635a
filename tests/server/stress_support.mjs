// Shared by the server's load, crash and disk-full tests (node, loopback only): start
// vocalmix-server with any options (optionally under a file-size limit), plain HTTP requests
// from a chosen loopback source address (each simulated client has its own 127.0.0.x), the
// server's resident memory, hashes, and CLI reference renders.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort } from '../support/harness.mjs';

export const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// Starts the server on a free port; resolves once it prints that it listens. `fileLimitKb`
// runs it under `ulimit -f` (a disk that fills up, without needing a small filesystem).
export async function spawnServer(serverBin, dataDir, args = [], { fileLimitKb } = {}) {
  const port = await freePort();
  const argv = ['--port', String(port), '--data', dataDir, ...args];
  const proc = fileLimitKb === undefined
    ? spawn(serverBin, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('/bin/bash', ['-c', `ulimit -f ${fileLimitKb}; exec "$0" "$@"`, serverBin, ...argv],
      { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const started = await new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), 15000);
    proc.stdout.on('data', (d) => { if (String(d).includes('listening')) { clearTimeout(t); resolve(true); } });
    exited.then(() => { clearTimeout(t); resolve(false); });
  });
  return { proc, port, started, exited, stderr: () => stderr };
}

export async function stopServer(s) {
  if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGTERM');
  await s.exited;
}

// One HTTP request on its own connection. Resolves { status, headers, body (Buffer) }, or
// { status: 0, error } when the connection failed.
export function request(port, method, urlPath, { body, headers = {}, from = '127.0.0.1', timeoutMs = 60000 } = {}) {
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1', port, method, path: urlPath, localAddress: from, agent: false,
      headers: { ...headers, ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (error) => resolve({ status: 0, error }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, error }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// A JSON error as the API promises it: {"error":{"code","message"}} with application/json.
export function isJsonError(res, code) {
  if (res.headers?.['content-type'] !== 'application/json') return false;
  try {
    const e = JSON.parse(res.body).error;
    return typeof e.message === 'string' && e.message.length > 0 && (code === undefined || e.code === code);
  } catch {
    return false;
  }
}

// VmRSS of a process in MB.
export function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))] : NaN;
}

// The CLI's render of a file with a bundled preset: what the server must deliver, byte for byte.
export function cliRender(cliBin, input, preset, outDir, format = 'wav24') {
  const out = path.join(outDir, `${path.basename(input, '.wav')}-${preset}-${format}.wav`);
  execFileSync(cliBin, ['render', input, '-p', preset, '--format', format, '-o', out], { stdio: 'ignore' });
  return fs.readFileSync(out);
}

// Polls a render until done/failed; resolves the record (or null on timeout / lost server).
export async function waitForRender(port, id, { from, timeoutMs = 120000 } = {}) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = await request(port, 'GET', `/api/renders/${id}`, { from });
    if (r.status !== 200) return null;
    const j = JSON.parse(r.body);
    if (j.status === 'done' || j.status === 'failed') return j;
    await sleep(50);
  }
  return null;
}

// Files under final names in the data dir, and temp files (".tmp-" in the name).
export function listStore(dataDir) {
  const out = { blobs: [], uploads: [], renders: [], temps: [] };
  for (const sub of ['blobs', 'uploads', 'renders']) {
    const dir = path.join(dataDir, sub);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir)) {
      if (f.includes('.tmp')) out.temps.push(path.join(sub, f));
      else out[sub].push(f);
    }
  }
  return out;
}
