// End-to-end in headless Chromium (Debian's chromium, driven by playwright-core): start the
// server, load the page, upload a real voice file through the UI, play, switch presets during
// playback, change a parameter, render, download — and check that the downloaded file is
// byte-identical to `vocalmix render` of the same input with the same settings.
//   node tests/e2e/web_e2e.mjs SERVER_BIN CLI_BIN WEB_DIR WASM_DIR MAKE_TEST_VOCAL ARTIFACT_DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checker, launchChromium, startServer } from '../support/harness.mjs';

const [serverBin, cliBin, webDir, wasmDir, makeVocal, artifactDir] = process.argv.slice(2);
const { check, finish } = checker();

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vocalmix-e2e-'));
fs.mkdirSync(artifactDir, { recursive: true });
const vocal = path.join(tmp, 'my_take.wav');
execFileSync(makeVocal, [vocal, '8']);
const beat = path.join(tmp, 'beat44.wav');  // stands in for an instrumental: another rate, longer
execFileSync(makeVocal, [beat, '9', '44100']);
const { server, port } = await startServer(serverBin, tmp, webDir, wasmDir);
const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1300 }, acceptDownloads: true });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  let renderRequest = null;
  page.on('request', (r) => { if (r.url().endsWith('/api/renders') && r.method() === 'POST') renderRequest = JSON.parse(r.postData()); });

  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('.card', { state: 'attached' });
  check((await page.$$('.card')).length === 3, 'three preset cards from /api/presets');
  check((await page.$$('#stages details')).length >= 10, 'a control group per stage, built from /api/params');

  await page.setInputFiles('#file', vocal);
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('previewing'), null, { timeout: 60000 });
  check((await page.textContent('#status')).includes('48000 Hz'), 'decoded at the file\'s own rate');
  check(await page.evaluate(() => window.AudioContext && true), 'an AudioContext exists');

  await page.setInputFiles('#beat-file', beat);
  await page.waitForFunction(() => document.getElementById('beat-status').textContent.startsWith('Beat:'), null, { timeout: 60000 });
  check((await page.textContent('#beat-status')).includes('resampled to 48000 Hz'), 'the beat is resampled to the vocal\'s rate');
  await page.click('#play');
  await page.waitForTimeout(1200);
  const t1 = await page.textContent('#time');
  check(!t1.startsWith('0:00 /'), `playback advances (${t1})`);
  await page.click('.card[data-name="smooth_rnb"]');  // switch while playing
  await page.waitForTimeout(600);
  check(await page.getAttribute('.card[data-name="smooth_rnb"]', 'aria-checked') === 'true', 'preset switched during playback');
  // Change a parameter: the reverb decay slider in the quick panel.
  await page.$eval('#quick .param[data-id="reverb.decay_s"] input', (el) => {
    el.value = '600';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForTimeout(800);
  const tempoBefore = await page.textContent('#quick .param[data-id="delay.bpm"] .value');
  await page.click('#bpm-half');
  const tempoAfter = await page.textContent('#quick .param[data-id="delay.bpm"] .value');
  check(parseFloat(tempoAfter) === Math.max(40, parseFloat(tempoBefore) / 2), `½× halves the delay tempo (${tempoBefore} → ${tempoAfter})`);
  check((await page.textContent('#tempo-detected')).length > 0, `tempo status shown: ${await page.textContent('#tempo-detected')}`);
  const peak = await page.textContent('#m-peak');
  const lufs = await page.textContent('#m-lufs');
  check(peak !== '–' && peak.includes('dBTP'), `true-peak meter updates while playing (${peak})`);
  check(lufs.includes('LUFS'), `short-term loudness meter updates while playing (${lufs})`);
  await page.click('#ab');
  check(await page.getAttribute('#ab', 'aria-pressed') === 'true', 'A/B switches to the original');
  await page.click('#ab');
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('Space');  // keyboard: pause (a focused button keeps Space for itself)
  await page.waitForTimeout(200);
  check((await page.textContent('#play')) === 'Play', 'space pauses');

  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 120000 }),
    page.click('#render'),
  ]);
  const downloaded = path.join(tmp, 'downloaded.wav');
  await download.saveAs(downloaded);
  check(download.suggestedFilename() === 'my_take-smooth_rnb.wav', `download named ${download.suggestedFilename()}`);
  check(renderRequest && typeof renderRequest.beat === 'string', 'the render request names the beat upload');
  check(renderRequest && renderRequest.preset && renderRequest.preset.params['reverb.decay_s'] !== undefined,
    'the render request carries the edited parameter');
  await page.screenshot({ path: path.join(artifactDir, 'web_e2e.png'), fullPage: true });

  // The same settings through the CLI.
  const presetFile = path.join(tmp, 'preset.json');
  fs.writeFileSync(presetFile, JSON.stringify(renderRequest.preset));
  const cliOut = path.join(tmp, 'cli.wav');
  execFileSync(cliBin, ['render', vocal, '--beat', beat, '-p', presetFile, '-o', cliOut, '--format', renderRequest.format]);
  const a = fs.readFileSync(downloaded);
  const b = fs.readFileSync(cliOut);
  check(a.length > 44 && a.equals(b), `downloaded file is byte-identical to vocalmix render (${a.length} bytes)`);

  // Match a reference (beta): drop a reference → the WASM fit in the worker → a fourth card,
  // chosen and applied like the others, with the report of what changed and why.
  const reference = path.join(tmp, 'reference44.wav');
  execFileSync(makeVocal, [reference, '6', '44100']);
  await page.setInputFiles('#match-file', reference);
  await page.waitForSelector('.card[data-name="matched"]', { timeout: 180000 });
  check((await page.$$('.card')).length === 4, 'a fourth preset card appears after a reference is dropped');
  check(await page.getAttribute('.card[data-name="matched"]', 'aria-checked') === 'true', 'the matched preset is chosen');
  check((await page.$$('#match-summary li')).length >= 1, `the match explains itself: ${await page.textContent('#match-status')}`);
  const targetShown = await page.textContent('#stages .param[data-id="output.target_lufs"] .value');
  check(/LUFS/.test(targetShown), `the matched preset's values are in the controls (target ${targetShown})`);
  await page.screenshot({ path: path.join(artifactDir, 'web_e2e_match.png'), fullPage: true });
  check(pageErrors.length === 0, `no page errors${pageErrors.length ? ': ' + pageErrors.join('; ') : ''}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
finish();
