#!/usr/bin/env node
/**
 * Live-ablation latency in Chromium (a benchmark, not a test): serves dist/ (build it first:
 * `node scripts/e2e.mjs --grep none` or `npx vite build`), opens each demo bundle (or the test
 * fixture) on each backend, and times ablation updates for the picked mode and image over p =
 * 1..99 after a warm-up: the worker's time (the network after the layer, plus reads) and the round
 * trip from the page (what a slider move waits for); then the same for the steering slider
 * (scale the mode's top 10% channels by factors -2..3 in steps of 0.05). Prints p50 / p95 per
 * model and backend.
 *   node e2e/bench-ablation.mjs [--backends wasm,cpu] [--demos fashion-cnn,fashion-resnet] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ablationLatency, percentile as pct } from './lib/ablationLatency.mjs';
import { serve } from './lib/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const backends = opt('--backends', 'wasm,cpu').split(',');
const demos = opt('--demos', '').split(',').filter(Boolean);
const server = await serve([
  ['/', path.join(root, 'dist')],
  ['/fixture/', path.join(root, 'e2e', 'fixtures', 'out')],
]);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const results = [];
const names = demos.length ? demos : [null];
for (const demo of names) {
  for (const backend of backends) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const q = new URLSearchParams({ backend, ...(demo ? { demo } : {}) });
    await page.goto(`${server.url}?${q}`);
    await page.waitForFunction(() => window.__codec?.store.getState().ablation.status === 'ready', null, { timeout: 120000 });
    // p = 1..99 twice; the first pass warms up.
    const ps = Array.from({ length: 99 }, (_, i) => i + 1);
    const r = await ablationLatency(page, [...ps, ...ps], ps.length);
    const row = { demo: demo ?? 'default', model: r.model, backend: r.backend, layer: `${r.layer} ${r.shape.join('x')}`, n: r.trip.length, workerP50: pct(r.worker, 50), workerP95: pct(r.worker, 95), tripP50: pct(r.trip, 50), tripP95: pct(r.trip, 95) };
    results.push(row);
    console.log(`${row.model} (${row.layer}, mode ${r.mode}, image ${r.image}) on ${row.backend}: worker p50 ${row.workerP50.toFixed(2)} ms, p95 ${row.workerP95.toFixed(2)} ms; round trip p50 ${row.tripP50.toFixed(2)} ms, p95 ${row.tripP95.toFixed(2)} ms (${row.n} updates)`);
    // Steering: factor -2..3 by 0.05 at p = 10, twice; the first pass warms up.
    const fs = Array.from({ length: 101 }, (_, i) => ({ kind: 'scale', factor: Math.round((-2 + i * 0.05) * 100) / 100 }));
    const st = await ablationLatency(page, fs.map(() => 10).concat(fs.map(() => 10)), fs.length, [...fs, ...fs]);
    Object.assign(row, { steerN: st.trip.length, steerWorkerP50: pct(st.worker, 50), steerWorkerP95: pct(st.worker, 95), steerTripP50: pct(st.trip, 50), steerTripP95: pct(st.trip, 95) });
    console.log(`  steer (scale, p 10%): worker p50 ${row.steerWorkerP50.toFixed(2)} ms, p95 ${row.steerWorkerP95.toFixed(2)} ms; round trip p50 ${row.steerTripP50.toFixed(2)} ms, p95 ${row.steerTripP95.toFixed(2)} ms (${row.steerN} updates)`);
    await page.close();
  }
}
if (opt('--json', null)) writeFileSync(opt('--json'), JSON.stringify(results, null, 2));
await browser.close();
await server.close();
