// Table and JSON for scripts/bench.sh: reads the rows it measured (TSV: name, input, audio
// seconds, hyperfine JSON, peak RSS kB, target LUFS, LUFS, dBTP) and the WASM rows, prints the table with the
// issue's goals checked, and writes everything to one JSON file.
//   node bench/report.mjs ROWS.tsv WASM.json OUT.json RUNS LONG_RUNS
import fs from 'node:fs';
import os from 'node:os';

const [rowsFile, wasmFile, outFile, runs, longRuns] = process.argv.slice(2);
const CEILING_DBTP = -1, LU_TOLERANCE = 0.5;

const rows = fs.readFileSync(rowsFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => {
  const [name, input, seconds, hfJson, rssKb, target, lufs, dbtp] = line.split('\t');
  const r = JSON.parse(fs.readFileSync(hfJson, 'utf8')).results[0];
  return {
    tool: name, input, seconds_audio: Number(seconds), runs: r.times.length,
    median_s: r.median, min_s: r.min, max_s: r.max, x_realtime: Number(seconds) / r.median,
    peak_rss_mb: Number(rssKb) / 1024, target_lufs: Number(target), output_lufs: Number(lufs), output_dbtp: Number(dbtp),
  };
});
for (const r of rows) {
  const ref = rows.find((x) => x.input === r.input && x.tool.startsWith('vocalmix:modern_clean'));
  r.time_vs_vocalmix = ref ? r.median_s / ref.median_s : null;  // > 1: vocalmix is that much faster
  r.on_target = Math.abs(r.output_lufs - r.target_lufs) <= LU_TOLERANCE;
  r.under_ceiling = r.output_dbtp <= CEILING_DBTP;
}
const wasm = JSON.parse(fs.readFileSync(wasmFile, 'utf8'));

const pad = (s, n) => String(s).padEnd(n);
const num = (v, d, n) => (v == null || Number.isNaN(v) ? '—' : v.toFixed(d)).padStart(n);
console.log('');
console.log(`${pad('tool', 34)}${pad('input', 7)}${'median s'.padStart(9)}${'min–max s'.padStart(14)}` +
  `${'× RT'.padStart(8)}${'vs vocalmix'.padStart(12)}${'RSS MB'.padStart(8)}${'target'.padStart(7)}` +
  `${'LUFS'.padStart(8)}${'dBTP'.padStart(7)}  on target / ceiling`);
for (const r of rows) {
  console.log(`${pad(r.tool, 34)}${pad(r.input, 7)}${num(r.median_s, 2, 9)}` +
    `${(r.min_s.toFixed(2) + '–' + r.max_s.toFixed(2)).padStart(14)}${num(r.x_realtime, 1, 8)}` +
    `${(r.time_vs_vocalmix == null ? '—' : r.time_vs_vocalmix.toFixed(2) + '×').padStart(12)}` +
    `${num(r.peak_rss_mb, 1, 8)}${num(r.target_lufs, 0, 7)}${num(r.output_lufs, 2, 8)}${num(r.output_dbtp, 2, 7)}  ` +
    `${r.on_target ? 'yes' : 'NO '} / ${r.under_ceiling ? 'under' : 'OVER'}`);
}
if (wasm.node) {
  console.log('');
  for (const c of wasm.node.chain || []) {
    console.log(`${pad(`WASM in node: live chain ${c.preset}`, 48)}${num(c.x_realtime, 1, 8)} × RT (128-frame blocks)`);
  }
  if (wasm.node.render) {
    console.log(`${pad('WASM in node: full delivery modern_clean', 48)}${num(wasm.node.render.x_realtime, 1, 8)} × RT`);
  }
}
if (wasm.chromium) {
  for (const c of wasm.chromium.rows) {
    console.log(`${pad(`Chromium AudioWorklet: ${c.preset}`, 48)}${num(c.us_per_block, 1, 8)} µs per 128-frame block ` +
      `(${(100 * c.us_per_block / c.budget_us).toFixed(1)} % of the 2667 µs budget)`);
  }
}

// The issue's goals, as ratios from this one run. "vs vocalmix": the tool's median time over
// vocalmix modern_clean's on the same input (above 1: vocalmix is that many times faster).
const vm3 = rows.find((r) => r.input === '3min' && r.tool === 'vocalmix:modern_clean');
const ff3 = rows.find((r) => r.input === '3min' && r.tool === 'ffmpeg chain');
const vmLong = rows.find((r) => r.input !== '3min' && r.tool.startsWith('vocalmix:'));
const vmRows = rows.filter((r) => r.tool.startsWith('vocalmix:'));
const peers = rows.filter((r) => !r.tool.startsWith('vocalmix:'));
const goals = {
  faster_than_ffmpeg_5x: ff3 && vm3 ? { value: ff3.median_s / vm3.median_s, goal: 5, met: ff3.median_s / vm3.median_s >= 5 } : null,
  realtime_100x: vmRows.length ? { value: Math.min(...vmRows.map((r) => r.x_realtime)), goal: 100,
    met: vmRows.every((r) => r.x_realtime >= 100) } : null,
  long_rss_64mb: vmLong ? { value: vmLong.peak_rss_mb, goal: 64, met: vmLong.peak_rss_mb <= 64 } : null,
  vocalmix_on_target: { met: vmRows.every((r) => r.on_target && r.under_ceiling) },
  peers_missing: peers.filter((r) => !(r.on_target && r.under_ceiling)).map((r) => r.tool),
};
console.log('');
const say = (label, g, fmt) => console.log(`  ${g ? (g.met ? 'met    ' : 'NOT MET') : 'n/a    '}  ${label}${g && fmt ? `: ${fmt(g)}` : ''}`);
console.log('goals:');
say('vocalmix render ≥ 5× faster than the ffmpeg chain (3 min)', goals.faster_than_ffmpeg_5x, (g) => `${g.value.toFixed(2)}×`);
say('vocalmix render ≥ 100× real time (every preset)', goals.realtime_100x, (g) => `slowest ${g.value.toFixed(1)}×`);
say('peak RSS ≤ 64 MB on the long input', goals.long_rss_64mb, (g) => `${g.value.toFixed(1)} MB`);
say('vocalmix on its target (±0.5 LU) and under −1 dBTP', goals.vocalmix_on_target);
console.log(`  peers off target or over the ceiling: ${goals.peers_missing.join(', ') || 'none'}`);

const cpu = (os.cpus()[0] || {}).model || 'unknown';
const out = {
  date: new Date().toISOString(), machine: { cpu, cores: os.cpus().length, memory_gb: os.totalmem() / 2 ** 30 },
  runs: Number(runs), long_runs: Number(longRuns), meter: "ffmpeg ebur128 (peak=true)",
  ceiling_dbtp: CEILING_DBTP, rows, wasm, goals,
};
fs.writeFileSync(outFile, JSON.stringify(out, null, 2));
console.log(`\nresults: ${outFile}`);
