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

test('forced WebGPU: the engine\'s passes and a whole analysis (contributions, SAEs, metrics) on WebGPU match WASM', async ({ page, baseUrl }) => {
  // Headless Chromium's SwiftShader WebGPU now and then gives no adapter (requestAdapter() is null:
  // "webgpu did not start"); a fresh page gets one. Up to three tries, each logged.
  let b;
  let gpu;
  for (let attempt = 1; attempt <= 3; attempt++) {
    await page.goto(attempt === 1 ? baseUrl + '?demo=none&backend=webgpu' : 'about:blank');
    if (attempt > 1) await page.goto(baseUrl + '?demo=none&backend=webgpu');
    await until(() => state(page, (s) => s.backend !== null), 'the backend report', 30000);
    b = await state(page, (s) => s.backend);
    gpu = b.candidates.find((c) => c.name === 'webgpu');
    if (b.active === 'webgpu' || !/did not start/.test(gpu.reason)) break;
    console.log(`      try ${attempt}: no WebGPU adapter this time (${gpu.reason}); a fresh page`);
  }
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
  const m = gpuRun.layer.metrics;
  expect(gpuRun.layer.name === layer && gpuRun.layer.modes.contributions > 0 && gpuRun.layer.modes.activations > 0, `SAE modes on WebGPU: ${JSON.stringify(gpuRun.layer.modes)}`);
  expect(gpuRun.layer.dictionaries.contributions.trainLoss.length > 0, 'an SAE loss curve on WebGPU');
  expect([m.hoyerContrib, m.hoyerAct, m.dimContrib, m.dimAct].every((v) => Number.isFinite(v)), `metrics on WebGPU: ${JSON.stringify(m)}`);
  const other = await page.context().newPage();
  await other.goto(baseUrl + '?demo=none&backend=wasm');
  await until(() => state(other, (s) => s.backend !== null), 'the WASM page', 30000);
  await other.setInputFiles('[data-testid="model-input"]', MODEL);
  await until(() => state(other, (s) => s.model !== null && s.job.kind === 'idle'), 'the model (WASM page)');
  await other.setInputFiles('[data-testid="images-input"]', IMAGES);
  await until(() => state(other, (s) => s.images?.count === 8 && s.job.kind === 'idle'), 'the images (WASM page)');
  const wasmRun = await run(other, 'wasm');
  // Live ablation on WebGPU (its reads are asynchronous): the same ablations on WASM of the very
  // analysis the WebGPU page made (exported as a bundle .zip, opened in the WASM page's worker).
  const mode = await page.evaluate(async (l) => (await window.__codec.controller.client.api.modeGrid(l, 'contributions')).cards[0].id, layer);
  const reqs = [{ kind: 'destroy', pct: 50 }, { kind: 'preserve', pct: 25 }].map((r, i) => ({ ...r, layer, source: 'contributions', mode, image: i }));
  t0 = Date.now();
  const gpuAbl = await page.evaluate(async (reqs) => {
    const api = window.__codec.controller.client.api;
    const out = [];
    for (const r of reqs) out.push(await api.ablate(r));
    return out.map((o) => ({ channels: o.channels, before: Array.from(o.before), after: Array.from(o.after) }));
  }, reqs);
  const tAbl = Date.now() - t0;
  const zip = await page.evaluate(async () => Array.from(await window.__codec.controller.client.api.exportBundle()));
  const lost = await state(page, (s) => s.messages.filter((m) => m.level === 'error').map((m) => m.message).join(' | '));
  expect(!lost && (await state(page, (s) => s.backend.active)) === 'webgpu', `WebGPU still runs after the ablations: ${lost}`);
  const wasmAbl = await other.evaluate(async ({ zip, reqs }) => {
    const api = window.__codec.controller.client.api;
    await api.loadBundle({ files: [{ path: 'webgpu-analysis.zip', file: new File([new Uint8Array(zip)], 'webgpu-analysis.zip') }] });
    const out = [];
    for (const r of reqs) out.push(await api.ablate(r));
    return out.map((o) => ({ channels: o.channels, before: Array.from(o.before), after: Array.from(o.after) }));
  }, { zip, reqs });
  await other.close();
  gpuAbl.forEach((g, i) => {
    const w = wasmAbl[i];
    expect(JSON.stringify(g.channels) === JSON.stringify(w.channels), `ablation ${i}: the same channels (${g.channels.length})`);
    g.before.forEach((v, j) => close(v, w.before[j], 1e-3, 1e-4, `ablation ${i} before[${j}]`));
    g.after.forEach((v, j) => close(v, w.after[j], 1e-3, 1e-4, `ablation ${i} after[${j}]`));
    expect(g.after.some((v, j) => Math.abs(v - g.before[j]) > 1e-4), `ablation ${i} changes the output`);
  });
  console.log(`      live ablation on WebGPU (destroy 50%, preserve 25% of mode ${mode}): ${tAbl} ms for 2, the same channels and outputs as WASM on the exported bundle`);
  // Switching this worker from WebGPU to WASM rebuilds the model there (tfjs would move each weight
  // with a synchronous read, which loses this WebGPU device): no crash, the analysis stays, and the
  // same ablation gives the same numbers.
  await page.evaluate(() => window.__codec.controller.setBackend('wasm'));
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.backend.active === 'wasm'), 'the switch to WASM', 60000);
  const afterSwitch = await state(page, (s) => ({ errors: s.messages.filter((m) => m.level === 'error').map((m) => `${m.title}: ${m.message}`), origin: s.analysis?.origin, layer: s.analysis?.layers[0]?.name }));
  expect(afterSwitch.errors.length === 0 && afterSwitch.origin === 'analysis' && afterSwitch.layer === layer, `switched without a crash, the analysis kept: ${JSON.stringify(afterSwitch)}`);
  const switched = await page.evaluate(async (r) => Array.from((await window.__codec.controller.client.api.ablate(r)).after), reqs[0]);
  switched.forEach((v, j) => close(v, wasmAbl[0].after[j], 1e-3, 1e-4, `after the switch, ablation after[${j}]`));
  console.log('      switched WebGPU -> WASM in the same worker: no crash, the analysis kept, the same ablation');
  expect(wasmRun.sums.backend === 'wasm', 'the second analysis ran on WASM');
  console.log(`      ${layer}, 8 images, 4 steps, SAEs + metrics: webgpu (SwiftShader) ${gpuRun.ms} ms, wasm ${wasmRun.ms} ms`);
  gpuRun.sums.F.forEach((f, i) => close(f, wasmRun.sums.F[i], 1e-3, 1e-4, `analysis F[${i}]`));
  const want = wasmRun.sums.layers[layer];
  const got = gpuRun.sums.layers[layer];
  expect(want.length > 0 && got.length === want.length, `contributions of ${layer} on both`);
  const scale = Math.max(...want.map(Math.abs), 1e-6);
  want.forEach((v, i) => close(got[i], v, 0, 2e-3 * scale, `${layer} contribution[${i}]`));
  for (const k of ['hoyerContrib', 'dimContrib']) {
    const a = gpuRun.layer.metrics[k];
    const b2 = wasmRun.layer.metrics[k];
    if (a !== null && b2 !== null) close(a, b2, 2e-2, 1e-3, `metric ${k}`);
  }
  console.log(`      ${want.length} contributions of ${layer}, F of 8 images, and the contribution metrics agree (WebGPU vs WASM)`);
  await page.click('[data-testid="backend"]');
  await shot(page, 'webgpu-forced');
}, { browser: 'webgpu', timeout: 540000 });
