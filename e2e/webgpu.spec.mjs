/**
 * WebGPU smoke test in a Chromium with WebGPU forced onto SwiftShader (no GPU here): the auto
 * choice skips the software adapter; forced WebGPU runs the engine's passes and a whole analysis
 * (contributions, SAEs, metrics) whose numbers match the same analysis on WASM.
 */
import path from 'node:path';
import { MODEL } from './lib/app.mjs';
import { close, expect, FIXTURES, shot, state, test, until } from './lib/harness.mjs';

const IMAGES = ['top-left', 'centre', 'ring', 'bottom-right'].flatMap((c) => [0, 1].map((i) => path.join(FIXTURES, 'images', c, `img0${i}.png`)));

test('auto backend choice skips the SwiftShader WebGPU adapter', async ({ page, baseUrl }) => {
  await page.goto(baseUrl + '?demo=none');
  await until(() => state(page, (s) => s.backend !== null), 'the backend report', 30000);
  const b = await state(page, (s) => s.backend);
  const gpu = b.candidates.find((c) => c.name === 'webgpu');
  console.log(`      auto: ${b.active}; webgpu ${gpu.status}: ${gpu.reason}`);
  expect(gpu.status === 'skipped' && /software|swiftshader/i.test(gpu.reason), `webgpu skipped as a software adapter: ${JSON.stringify(gpu)}`);
  expect(b.active === 'wasm', `WASM runs (${b.active})`);
  // Multi-threaded WASM: the server's COOP/COEP headers isolate the page; the header shows the
  // count tfjs reports.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const wasm = b.candidates.find((c) => c.name === 'wasm');
  console.log(`      wasm: ${wasm.reason}; crossOriginIsolated ${b.crossOriginIsolated}, ${b.wasmThreads} threads on ${cores} cores`);
  expect(b.crossOriginIsolated === true, 'the page is cross-origin isolated');
  // tfjs runs half the logical cores by itself (1 here, on 2 cores); e2e/threads.spec.mjs asks for more.
  expect(Number.isInteger(b.wasmThreads) && b.wasmThreads >= 1, `a WASM thread count: ${b.wasmThreads}`);
  expect((await page.locator('[data-testid="backend"]').textContent()).includes(`${b.wasmThreads} thread`), 'the header shows the thread count');
  await page.click('[data-testid="backend"]');
  await shot(page, 'backend-report');
}, { browser: 'webgpu' });

/**
 * Opens `url` (which forces WebGPU) and waits for the backend report. Headless Chromium's
 * SwiftShader WebGPU now and then gives no adapter (requestAdapter() is null: "webgpu did not
 * start"); a fresh page gets one. Up to three tries, each logged.
 */
async function openOnWebgpu(page, url) {
  let b;
  let gpu;
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (attempt > 1) await page.goto('about:blank');
    await page.goto(url);
    await until(() => state(page, (s) => s.backend !== null), 'the backend report', 30000);
    b = await state(page, (s) => s.backend);
    gpu = b.candidates.find((c) => c.name === 'webgpu');
    if (b.active === 'webgpu' || !/did not start/.test(gpu.reason)) break;
    console.log(`      try ${attempt}: no WebGPU adapter this time (${gpu.reason}); a fresh page`);
  }
  return { b, gpu };
}

test('forced WebGPU: the engine\'s passes, a whole analysis (contributions, SAEs, metrics) and live ablation on WebGPU match WASM', async ({ page, baseUrl }) => {
  const { b, gpu } = await openOnWebgpu(page, baseUrl + '?demo=none&backend=webgpu');
  console.log(`      forced webgpu: ${gpu.status} (${gpu.reason}); running ${b.active}`);
  // Forced, WebGPU runs (the analysis path reads tensors asynchronously, so SwiftShader's lost
  // device on a synchronous read does not stop it).
  expect(b.active === 'webgpu' && gpu.status === 'running', `WebGPU runs when forced: ${JSON.stringify(b.candidates)}`);
  await page.setInputFiles('[data-testid="model-input"]', MODEL);
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the model');
  await page.setInputFiles('[data-testid="images-input"]', IMAGES);
  await until(() => state(page, (s) => s.images?.count === 8 && s.job.kind === 'idle'), 'the images');
  // The engine's executor and gradients on WebGPU (asynchronous reads), then on WASM.
  let t0 = Date.now();
  const onGpu = await page.evaluate(() => window.__codec.controller.client.api.smoke('webgpu', 8));
  const tGpu = Date.now() - t0;
  t0 = Date.now();
  const onWasm = await page.evaluate(() => window.__codec.controller.client.api.smoke('wasm', 8));
  const tWasm = Date.now() - t0;
  expect(onGpu.backend === 'webgpu' && onWasm.backend === 'wasm', 'ran on both backends');
  console.log(`      8 images, 3 layers, forward + backward: webgpu (SwiftShader) ${tGpu} ms, wasm ${tWasm} ms`);
  onGpu.F.forEach((f, i) => close(f, onWasm.F[i], 1e-3, 1e-4, `F[${i}]`));
  // Activations, and activation x gradient: raw dF/da can differ where a max-pool window ties
  // (each tfjs backend routes the gradient to a different one of equal inputs); a x g cannot
  // where the tie is at 0 (after a ReLU), the usual case.
  let compared = 0;
  for (const [layer, w] of Object.entries(onWasm.layers)) {
    const gw = onGpu.layers[layer];
    const ag = (v) => v.a.map((x, i) => x * v.g[i]);
    for (const [key, want, got] of [['a', w.a, gw.a], ['a*g', ag(w), ag(gw)]]) {
      const scale = Math.max(...want.map(Math.abs), 1e-6);
      want.forEach((v, i) => close(got[i], v, 0, 2e-3 * scale, `${layer} ${key}[${i}]`));
      compared += want.length;
    }
  }
  console.log(`      ${onGpu.F.length} F values and ${compared} activations and act x grad values agree`);
  // A whole analysis of one layer (contributions, SAEs, metrics) on WebGPU, then the same on WASM.
  const layer = await state(page, (s) => s.model.layers.filter((l) => l.isCut).at(-1).name);
  await page.evaluate((l) => window.__codec.store.getState().setSettings({ layers: [l], steps: 4, modes: true, useCache: false }), layer);
  // WASM in a second page (switching backends in one worker would move the model's weights off
  // WebGPU through a synchronous read).
  const run = async (p, backend) => {
    await p.evaluate((l) => window.__codec.store.getState().setSettings({ layers: [l], steps: 4, modes: true, useCache: false, saeEpochs: 8 }), layer);
    const t = Date.now();
    await p.click('[data-testid="analyze"]');
    try {
      await until(() => state(p, (s) => s.job.kind === 'idle' && s.analysis !== null && s.analysis.origin === 'analysis'), `an analysis on ${backend}`, 200000, 250);
    } catch (e) {
      console.log(`      stuck at: ${JSON.stringify(await state(p, (s) => ({ job: s.job.kind, stage: s.job.progress?.stage, done: s.job.progress?.done, elapsed: s.job.progress?.elapsedMs, messages: s.messages })))}`);
      throw e;
    }
    const ms = Date.now() - t;
    const err = await state(p, (s) => s.messages.filter((m) => m.level === 'error').map((m) => m.message).join(' | '));
    expect(!err, `no error on ${backend}: ${err}`);
    const sum = await state(p, (s) => ({ backend: s.analysis.settings.backend, layer: s.analysis.layers[0] }));
    const sums = await p.evaluate(() => window.__codec.controller.client.api.checksum());
    return { ...sum, sums, ms };
  };
  const gpuRun = await run(page, 'webgpu');
  expect(gpuRun.backend === 'webgpu' && gpuRun.sums.backend === 'webgpu', `the analysis ran on WebGPU (${gpuRun.backend})`);
  const other = await page.context().newPage();
  await other.goto(baseUrl + '?demo=none&backend=wasm');
  await until(() => state(other, (s) => s.backend !== null), 'the WASM page', 30000);
  await other.setInputFiles('[data-testid="model-input"]', MODEL);
  await until(() => state(other, (s) => s.model !== null && s.job.kind === 'idle'), 'the model (WASM page)');
  await other.setInputFiles('[data-testid="images-input"]', IMAGES);
  await until(() => state(other, (s) => s.images?.count === 8 && s.job.kind === 'idle'), 'the images (WASM page)');
  const wasmRun = await run(other, 'wasm');
  expect(wasmRun.sums.backend === 'wasm', 'the second analysis ran on WASM');
  console.log(`      ${layer}, 8 images, 4 steps, SAEs + metrics: webgpu (SwiftShader) ${gpuRun.ms} ms, wasm ${wasmRun.ms} ms`);
  gpuRun.sums.F.forEach((f, i) => close(f, wasmRun.sums.F[i], 1e-3, 1e-4, `analysis F[${i}]`));
  const want = wasmRun.sums.layers[layer];
  const got = gpuRun.sums.layers[layer];
  expect(want.length > 0 && got.length === want.length, `contributions of ${layer} on both`);
  const scale = Math.max(...want.map(Math.abs), 1e-6);
  want.forEach((v, i) => close(got[i], v, 0, 2e-3 * scale, `${layer} contribution[${i}]`));
  const m = gpuRun.layer.metrics;
  expect([m.hoyerContrib, m.hoyerAct, m.dimContrib, m.dimAct].every((v) => Number.isFinite(v)), `metrics on WebGPU: ${JSON.stringify(m)}`);
  for (const k of ['hoyerContrib', 'dimContrib']) {
    const a = m[k];
    const b2 = wasmRun.layer.metrics[k];
    if (a !== null && b2 !== null) close(a, b2, 2e-2, 1e-3, `metric ${k}`);
  }
  console.log(`      ${want.length} contributions of ${layer}, F of 8 images, and the contribution metrics agree (WebGPU vs WASM)`);
  // The SAEs on WebGPU: the same dictionary size, and the first epoch's loss (the same seeded
  // initial weights and dropout on the same data, before any update tells) equal to WASM's. Which
  // modes are alive is not compared: on 8 images and 8 epochs at the paper's learning rate an
  // STSAE keeps about the modes that cross tau = 0.8 at initialization (0 to 2 over seeds on WASM
  // alike), so a code within float error of tau can flip it; CI once saw 0 contribution modes on
  // WebGPU where this machine sees 1.
  for (const src of ['contributions', 'activations']) {
    const g = gpuRun.layer.dictionaries[src];
    const w = wasmRun.layer.dictionaries[src];
    expect(g && w && g.K === w.K, `an SAE on ${src} of size K on both (${g?.K} vs ${w?.K})`);
    expect(g.trainLoss.length > 0 && g.trainLoss.every(Number.isFinite) && g.valLoss.every(Number.isFinite), `a finite ${src} SAE loss curve on WebGPU: ${JSON.stringify(g.trainLoss)}`);
    close(g.trainLoss[0], w.trainLoss[0], 1e-2, 1e-7, `${src} SAE: first-epoch train loss`);
    const rel = Math.max(...g.trainLoss.map((v, i) => (i < w.trainLoss.length ? Math.abs(v - w.trainLoss[i]) / Math.max(Math.abs(w.trainLoss[i]), 1e-12) : 0)));
    console.log(`      ${src} SAE (K ${g.K}): ${g.trainLoss.length} epochs, train loss ${g.trainLoss.at(-1).toExponential(3)} (WebGPU) vs ${w.trainLoss.at(-1).toExponential(3)} (WASM), largest relative gap ${rel.toExponential(1)}; alive ${g.alive} vs ${w.alive}`);
  }
  await other.close();
  // Live ablation on WebGPU (its reads are asynchronous), on the shipped demo whose modes come
  // from 2000 images: the same ablations in a WASM page give the same channels and outputs.
  const openDemoOn = async (p, backend) => {
    // Named, so the page opens the demo and not the last session it saved (the upload above).
    if (backend === 'webgpu') await openOnWebgpu(p, `${baseUrl}?demo=fashion-cnn&backend=webgpu`);
    else await p.goto(`${baseUrl}?demo=fashion-cnn&backend=${backend}`);
    await until(() => state(p, (s) => s.analysis !== null && s.job.kind === 'idle'), `the demo on ${backend}`, 120000);
    const v = await state(p, (s) => ({ layer: s.layer, active: s.backend.active, bundle: window.__codec.controller.bundleRef }));
    expect(v.active === backend && /fashion-cnn/.test(v.bundle), `the demo fashion-cnn runs on ${backend}: ${JSON.stringify(v)}`);
    return v;
  };
  const demo = await openDemoOn(page, 'webgpu');
  const wasmPage = await page.context().newPage();
  const demoWasm = await openDemoOn(wasmPage, 'wasm');
  expect(demo.layer && demo.layer === demoWasm.layer && demo.bundle === demoWasm.bundle, `the same demo view on both: ${JSON.stringify([demo, demoWasm])}`);
  const mode = await page.evaluate(async (l) => (await window.__codec.controller.client.api.modeGrid(l, 'contributions')).cards[0].id, demo.layer);
  const reqs = [{ kind: 'destroy', pct: 50 }, { kind: 'preserve', pct: 25 }].map((r, i) => ({ ...r, layer: demo.layer, source: 'contributions', mode, image: i }));
  const ablateAll = (p) => p.evaluate(async (reqs) => {
    const api = window.__codec.controller.client.api;
    const out = [];
    for (const r of reqs) out.push(await api.ablate(r));
    return out.map((o) => ({ channels: o.channels, before: Array.from(o.before), after: Array.from(o.after) }));
  }, reqs);
  t0 = Date.now();
  const gpuAbl = await ablateAll(page);
  const tAbl = Date.now() - t0;
  const lost = await state(page, (s) => s.messages.filter((m) => m.level === 'error').map((m) => m.message).join(' | '));
  expect(!lost && (await state(page, (s) => s.backend.active)) === 'webgpu', `WebGPU still runs after the ablations: ${lost}`);
  const wasmAbl = await ablateAll(wasmPage);
  await wasmPage.close();
  gpuAbl.forEach((g, i) => {
    const w = wasmAbl[i];
    expect(JSON.stringify(g.channels) === JSON.stringify(w.channels), `ablation ${i}: the same channels (${g.channels.length})`);
    g.before.forEach((v, j) => close(v, w.before[j], 1e-3, 1e-4, `ablation ${i} before[${j}]`));
    g.after.forEach((v, j) => close(v, w.after[j], 1e-3, 1e-4, `ablation ${i} after[${j}]`));
    expect(g.after.some((v, j) => Math.abs(v - g.before[j]) > 1e-4), `ablation ${i} changes the output`);
  });
  console.log(`      live ablation on WebGPU (demo ${demo.layer}, destroy 50%, preserve 25% of mode ${mode}): ${tAbl} ms for 2, the same channels and outputs as WASM`);
  // The demo on WebGPU, with the backend report open (before the switch below).
  await page.click('[data-testid="backend"]');
  await shot(page, 'webgpu-forced');
  await page.click('[data-testid="backend"]');
  // Switching this worker from WebGPU to WASM rebuilds the model there (tfjs would move each weight
  // with a synchronous read, which loses this WebGPU device): no crash, the analysis stays, and the
  // same ablation gives the same numbers.
  await page.evaluate(() => window.__codec.controller.setBackend('wasm'));
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.backend.active === 'wasm'), 'the switch to WASM', 60000);
  const afterSwitch = await state(page, (s) => ({ errors: s.messages.filter((m) => m.level === 'error').map((m) => `${m.title}: ${m.message}`), layer: s.layer, bundle: window.__codec.controller.bundleRef }));
  expect(afterSwitch.errors.length === 0 && afterSwitch.layer === demo.layer && afterSwitch.bundle === demo.bundle, `switched without a crash, the analysis kept: ${JSON.stringify(afterSwitch)}`);
  const switched = await page.evaluate(async (r) => Array.from((await window.__codec.controller.client.api.ablate(r)).after), reqs[0]);
  switched.forEach((v, j) => close(v, wasmAbl[0].after[j], 1e-3, 1e-4, `after the switch, ablation after[${j}]`));
  console.log('      switched WebGPU -> WASM in the same worker: no crash, the analysis kept, the same ablation');
}, { browser: 'webgpu', timeout: 540000 });
