// The web app on a server that requires an API token, in headless Chromium: opened once as
// /?token=…, the app keeps the token in sessionStorage, drops it from the address bar, sends it
// as "Authorization: Bearer …" with its uploads and render requests, and delivers the same bytes
// as `vocalmix render`. A write without the token is refused with 401.
//   node tests/server/web_token_test.mjs SERVER_BIN CLI_BIN MAKE_TEST_VOCAL TMP_DIR WEB_DIR WASM_DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checker, launchChromium } from '../support/harness.mjs';
import { spawnServer, stopServer } from './stress_support.mjs';

const [serverBin, cliBin, makeVocal, tmpRoot, webDir, wasmDir] = process.argv.slice(2);
const { check, finish } = checker();
fs.rmSync(tmpRoot, { recursive: true, force: true });
fs.mkdirSync(tmpRoot, { recursive: true });
const vocal = path.join(tmpRoot, 'token_take.wav');
execFileSync(makeVocal, [vocal, '4']);
const TOKEN = 'a-long-random-token-0123456789';

const server = await spawnServer(serverBin, path.join(tmpRoot, 'data'),
  ['--web-root', webDir, '--wasm-root', wasmDir, '--token', TOKEN]);
check(server.started, 'server started with --token');
const browser = await launchChromium();
try {
  const page = await browser.newPage({ acceptDownloads: true });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const writes = [];
  page.on('request', (r) => { if (r.method() === 'POST') writes.push({ url: r.url(), auth: r.headers().authorization, body: r.postData() }); });
  const statuses = [];
  page.on('response', (r) => { if (r.request().method() === 'POST') statuses.push(r.status()); });

  await page.goto(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  await page.waitForSelector('.card', { state: 'attached' });
  check(!page.url().includes('token'), `the token is removed from the address bar (${page.url()})`);
  check(await page.evaluate(() => sessionStorage.getItem('vocalmix.token')) === TOKEN, 'the token is kept in sessionStorage');

  await page.setInputFiles('#file', vocal);
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('previewing'), null, { timeout: 60000 });
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120000 }), page.click('#render')]);
  const downloaded = path.join(tmpRoot, 'downloaded.wav');
  await download.saveAs(downloaded);
  check(writes.length >= 2 && writes.every((w) => w.auth === `Bearer ${TOKEN}`),
    `every write the app made carried the token (${writes.map((w) => new URL(w.url).pathname).join(', ')})`);
  check(statuses.length >= 2 && statuses.every((s) => s === 201 || s === 202), `…and was accepted (${statuses.join(', ')})`);

  const renderRequest = JSON.parse(writes.find((w) => w.url.endsWith('/api/renders')).body);
  const presetFile = path.join(tmpRoot, 'preset.json');
  fs.writeFileSync(presetFile, JSON.stringify(renderRequest.preset));
  const cliOut = path.join(tmpRoot, 'cli.wav');
  execFileSync(cliBin, ['render', vocal, '-p', presetFile, '-o', cliOut, '--format', renderRequest.format]);
  check(fs.readFileSync(downloaded).equals(fs.readFileSync(cliOut)), 'the download is byte-identical to vocalmix render');

  const refused = await page.evaluate(async () => {
    const r = await fetch('/api/renders', { method: 'POST', body: '{}' });
    return { status: r.status, body: await r.json() };
  });
  check(refused.status === 401 && refused.body.error.code === 'unauthorized', `a write without the token gets 401 (${refused.status})`);
  check(pageErrors.length === 0, `no page errors${pageErrors.length ? ': ' + pageErrors.join('; ') : ''}`);
} finally {
  await browser.close();
  await stopServer(server);
  fs.rmSync(tmpRoot, { recursive: true, force: true });
}
finish();
