#!/usr/bin/env node
/**
 * The benchmark's browser part (run by bench/run.ts, or alone): in Debian's Chromium through
 * playwright-core, with the e2e runner's launch flags (WebGPU and WebGL on SwiftShader, a software
 * adapter: read those as correctness, not speed),
 *   1. the Node bench's conductance workload (vs its floor, vs one layer) and SAE epochs on each
 *      backend that starts in the page (bench/browser/main.ts), saying which could not start;
 *   2. the interactive paths of the static demo (dist/): time from navigation to the app's
 *      scripts loaded, to the demo bundle open, to the first drawn mode grid; live-ablation
 *      latency p50/p95 over 200 slider updates (the worker's time and the page's round trip).
 *   node bench/browser.mjs [--quick] [--json out.json] [--backends webgpu,webgl,wasm,wasm:2,cpu] [--big]
 *   (wasm:N: WASM asking for N threads; plain wasm is tfjs's default, half the logical cores)
 *   (--big: also one 224x224 image of a ResNet-50-shaped model, one block and all 16, budget 1 GiB)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ablationLatency, percentile as pct } from '../e2e/lib/ablationLatency.mjs';
import { serve } from '../e2e/lib/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const quick = args.includes('--quick');
const backends = opt('--backends', 'webgpu,webgl,wasm,wasm:2,cpu').split(',');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// The e2e runner's flags (scripts/e2e.mjs).
const COMMON = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const BASE_ARGS = [...COMMON, '--disable-gpu'];
const WEBGPU_ARGS = [...COMMON, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader'];
const log = (s) => console.error(`[bench:browser] ${s}`);

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const e of readdirSync(p)) if (e !== 'node_modules' && e !== 'dist') t = Math.max(t, newest(path.join(p, e)));
  return t;
}
function sh(cmd, argv, what) {
  const t0 = Date.now();
  const r = spawnSync(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed: ${(r.stderr || r.stdout || '').slice(-2000)}`);
  log(`${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

// Builds: the app's dist/ (and fixtures) through the e2e runner with no test picked, the bench page.
sh('node', ['scripts/e2e.mjs', '--grep', '__no_test__'], 'dist/ checked (scripts/e2e.mjs)');
const pageDist = path.join(root, 'bench', 'browser', 'dist', 'index.html');
const pageSrc = Math.max(newest(path.join(root, 'bench', 'browser')), newest(path.join(root, 'src', 'core')), newest(path.join(root, 'src', 'worker')), newest(path.join(root, 'bench', 'workload.ts')));
if (!existsSync(pageDist) || statSync(pageDist).mtimeMs < pageSrc) sh('npx', ['vite', 'build', '-c', 'bench/browser/vite.config.ts', '--logLevel', 'warn'], 'built the bench page');

const server = await serve([
  ['/', path.join(root, 'dist')],
  ['/bench/', path.join(root, 'bench', 'browser', 'dist')],
]);
const browsers = {};
const browserFor = async (kind) => (browsers[kind] ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: kind === 'gpu' ? WEBGPU_ARGS : BASE_ARGS }));
const rows = [];
const info = { chromium: null, backends: {}, interactive: {} };
const add = (r) => {
  rows.push(r);
  log(`${r.section} | ${r.model} | ${r.backend} | ${r.what}: ${r.value.toFixed(3)} ${r.unit}`);
};

// 1. Engine workloads per backend.
for (const entry of backends) {
  const [backend, threadsText] = entry.split(':');
  const threads = threadsText ? Number(threadsText) : null;
  const kind = backend === 'webgpu' || backend === 'webgl' ? 'gpu' : 'plain';
  const browser = await browserFor(kind);
  info.chromium ??= browser.version();
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const label = backend === 'webgpu' || backend === 'webgl' ? `${backend}-swiftshader (chromium)` : threads ? `${backend}, ${threads} threads asked (chromium)` : `${backend} (chromium)`;
  try {
    await page.goto(`${server.url}bench/`);
    await page.waitForFunction(() => typeof window.codecBench === 'function', null, { timeout: 60000 });
    const slow = backend === 'cpu' || backend === 'webgpu' || backend === 'webgl';
    const o = {
      backend,
      threads,
      model: '/demo/models/fashion-cnn',
      // WebGPU on SwiftShader is the slowest by far (about 4.7 s per image): 2 images in a full run.
      images: slow ? (quick ? 1 : backend === 'webgpu' ? 2 : 4) : quick ? 8 : 16,
      warm: quick && slow ? 0 : 1,
      steps: 10,
      reps: quick || slow ? 1 : 3,
      // SAE epochs: every size on WASM; one size elsewhere (software GPUs and CPU are slow, and the
      // full run must stay within 10 minutes).
      sae: quick ? (backend === 'wasm' && !threads ? [{ kind: 'stsae', d: 64 }, { kind: 'topk', d: 64 }] : []) : backend === 'wasm' ? [{ kind: 'stsae', d: 16 }, { kind: 'stsae', d: 64 }, { kind: 'topk', d: 16 }, { kind: 'topk', d: 64 }] : [{ kind: 'stsae', d: 64 }, { kind: 'topk', d: 64 }],
      saeRows: 2000,
      // Epoch times are the median gap after the first epoch: 2 epochs give one on the slow backends.
      saeEpochs: quick || slow ? 2 : 3,
      big: args.includes('--big') ? { size: 224, budgetMiB: 1024 } : undefined,
    };
    const t0 = Date.now();
    let timer;
    const r = await Promise.race([page.evaluate((o) => window.codecBench(o), o), new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`timed out after ${o.big ? 20 : 8} min`)), (o.big ? 20 : 8) * 60 * 1000)))]).finally(() => clearTimeout(timer));
    const mine = r.report.candidates.find((c) => c.name === backend);
    info.backends[entry] = { ran: r.active === backend, status: mine?.status, reason: mine?.reason, fellBackTo: r.active === backend ? null : r.active, seconds: (Date.now() - t0) / 1000, wasmThreads: r.report.wasmThreads, crossOriginIsolated: r.report.crossOriginIsolated };
    log(`${entry}: ${r.active === backend ? 'ran' : `could not start (${mine?.status}: ${mine?.reason})`}`);
    for (const m of r.rows) add({ ...m, section: `${m.section} (browser)`, backend: label });
  } catch (e) {
    info.backends[entry] = { ran: false, error: String(e.message ?? e).split('\n')[0], pageErrors: errors.slice(0, 3) };
    log(`${entry}: failed: ${info.backends[entry].error}`);
  }
  await page.close().catch(() => {});
}

// 2. Interactive paths on the static demo (auto backend).
try {
  const browser = await browserFor('plain');
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  const tBundle = await (await page.waitForFunction(() => (window.__codec?.store.getState().analysis ? performance.now() : 0), null, { timeout: 120000, polling: 'raf' })).jsonValue();
  const tGrid = await (await page.waitForFunction(() => (document.querySelectorAll('[data-testid="modes-contributions"] .mode-card').length > 0 ? performance.now() : 0), null, { timeout: 120000, polling: 'raf' })).jsonValue();
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    const js = performance.getEntriesByType('resource').filter((r) => /\.js$/.test(r.name));
    return { domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd, jsBytes: js.reduce((t, r) => t + (r.encodedBodySize || 0), 0), model: window.__codec.store.getState().analysis.modelName, backend: window.__codec.store.getState().backend?.active };
  });
  const demo = `${nav.model} demo`;
  const be = `${nav.backend} (chromium, auto)`;
  add({ section: 'interactive (browser)', model: demo, backend: be, what: `app scripts loaded (load event; ${(nav.jsBytes / 2 ** 20).toFixed(1)} MiB of JS)`, value: nav.load, unit: 'ms' });
  add({ section: 'interactive (browser)', model: demo, backend: be, what: 'open -> demo bundle loaded (store has the analysis)', value: tBundle, unit: 'ms' });
  add({ section: 'interactive (browser)', model: demo, backend: be, what: 'open -> first drawn mode grid', value: tGrid, unit: 'ms' });
  await page.waitForFunction(() => window.__codec?.store.getState().ablation.status === 'ready', null, { timeout: 120000 });
  // 220 updates over p in a scrambled order; the first 20 warm up.
  const lat = await ablationLatency(page, Array.from({ length: 220 }, (_, i) => 1 + ((i * 37) % 99)), 20);
  const r = { ...lat, layer: `${lat.layer} ${lat.shape.join('x')}` };
  // Memory over time: 1,000 more ablations (both kinds, every p, the first 10 modes' worth of
  // picks) after the warm-up above; tfjs's count and bytes in the worker before and after.
  const mem = await page.evaluate(async () => {
    const { store, controller } = window.__codec;
    const s = store.getState();
    const api = controller.client.api;
    const base = { layer: s.layer, source: s.source, mode: s.mode, image: s.image };
    const modes = (s.grid.data?.cards ?? []).map((c) => c.id).slice(0, 10);
    const m0 = await api.memory();
    for (let i = 0; i < 1000; i++) {
      const mode = modes.length ? modes[i % modes.length] : s.mode;
      await api.ablate({ ...base, mode, kind: i % 2 ? 'preserve' : 'destroy', pct: 1 + ((i * 13) % 99) });
    }
    return { m0, m1: await api.memory() };
  });
  add({ section: 'memory over time (browser)', model: `${demo}, ${r.layer}`, backend: be, what: `tensors in the worker, after 1,000 ablations minus before (${mem.m0.numTensors} before)`, value: mem.m1.numTensors - mem.m0.numTensors, unit: 'tensors' });
  add({ section: 'memory over time (browser)', model: `${demo}, ${r.layer}`, backend: be, what: `bytes in the worker, after 1,000 ablations minus before (${mem.m0.numBytes} before)`, value: mem.m1.numBytes - mem.m0.numBytes, unit: 'bytes' });
  for (const [k, xs] of [['round trip from the page', r.trip], ['worker time', r.worker]]) {
    add({ section: 'live ablation (browser)', model: `${demo}, ${r.layer}`, backend: be, what: `${k}, p50 over ${xs.length} updates`, value: pct(xs, 50), unit: 'ms' });
    add({ section: 'live ablation (browser)', model: `${demo}, ${r.layer}`, backend: be, what: `${k}, p95 over ${xs.length} updates`, value: pct(xs, 95), unit: 'ms' });
  }
  await page.close();
} catch (e) {
  info.interactive = { error: String(e.message ?? e).split('\n')[0] };
  log(`interactive paths failed: ${info.interactive.error}`);
}

if (opt('--json', null)) writeFileSync(opt('--json'), JSON.stringify({ rows, info }, null, 2));
else console.log(JSON.stringify({ rows, info }, null, 2));
for (const b of Object.values(browsers)) await Promise.race([b.close(), new Promise((r) => setTimeout(r, 10000).unref())]);
await Promise.race([server.close(), new Promise((r) => setTimeout(r, 5000).unref())]);
process.exit(0);
