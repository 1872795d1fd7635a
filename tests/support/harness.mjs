// Shared by the node-driven tests (parity and browser end-to-end): a check counter that ends
// with the 'N passed, N failed' line, the deterministic test signal, and starting the server and
// headless Debian chromium.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export function checker() {
  const counts = { checks: 0, failures: 0 };
  const check = (ok, what) => {
    counts.checks++;
    if (ok) console.log(`ok   ${what}`);
    else { counts.failures++; console.log(`FAIL ${what}`); }
  };
  const finish = () => {
    console.log(`${counts.checks - counts.failures} passed, ${counts.failures} failed`);
    process.exit(counts.failures ? 1 : 0);
  };
  return { check, finish, counts };
}

// xorshift32: the same noise every run.
export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296 * 2 - 1;
  };
}

// A deterministic stereo test signal: a quiet noise floor (what the denoiser learns), an
// exponential sine sweep 50 Hz → 0.45·rate with an unbalanced image and a DC offset, noise
// bursts (sibilance, onsets for the compressor), a loud burst (limiter), then 1 s of digital
// silence (tails, denormals).
export function synth(rate, seconds, seed) {
  const n = Math.round(rate * seconds);
  const silent = rate;  // last second
  const L = new Float32Array(n), R = new Float32Array(n);
  const rnd = rng(seed);
  const f0 = 50, f1 = 0.45 * rate, sweepEnd = Math.round((n - silent) * 0.8);
  let phase = 0;
  for (let i = 0; i < n - silent; ++i) {
    let s = 0;
    if (i > rate * 0.5 && i < sweepEnd) {
      const t = (i - rate * 0.5) / (sweepEnd - rate * 0.5);
      const f = f0 * Math.pow(f1 / f0, t);
      phase += 2 * Math.PI * f / rate;
      if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
      s = 0.25 * Math.sin(phase) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * i / rate));
    }
    const inBurst = (i % Math.round(rate * 0.5)) < rate * 0.12;
    const floor = 0.003 * rnd();
    const burst = inBurst ? 0.2 * rnd() : 0;
    const loud = (i > sweepEnd && i < sweepEnd + rate * 0.3) ? 0.9 * Math.sin(2 * Math.PI * 220 * i / rate) : 0;
    L[i] = s + floor + burst + loud + 0.01;
    R[i] = 0.6 * s + 0.003 * rnd() + 0.8 * burst + loud;
  }
  return { L, R, rate };
}

export async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// vocalmix-server on a free loopback port with a fresh data dir under `tmp`; resolves once it
// listens. Returns { server, port }.
export async function startServer(serverBin, tmp, webDir, wasmDir) {
  const port = await freePort();
  const server = spawn(serverBin, ['--port', String(port), '--data', path.join(tmp, 'data'),
    '--web-root', webDir, '--wasm-root', wasmDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('server did not start')), 10000);
    server.stdout.on('data', (d) => { if (String(d).includes('listening')) { clearTimeout(t); resolve(); } });
    server.on('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
  return { server, port };
}

// Debian's chromium, headless, with nothing reaching out to the network. playwright-core is
// loaded only here, so the node-only tests do not need it.
export async function launchChromium(extraArgs = []) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}
