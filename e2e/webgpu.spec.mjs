/**
 * WebGPU smoke test in a Chromium with WebGPU forced onto SwiftShader (no GPU here): the auto
 * choice skips the software adapter, a forced WebGPU analysis runs, and its numbers match the
 * same analysis on WASM.
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
  await page.click('[data-testid="backend"]');
  await shot(page, 'backend-report');
}, { browser: 'webgpu' });

test('forced WebGPU: the engine\'s forward and backward on WebGPU match WASM, and the choice is explained', async ({ page, baseUrl }) => {
  await page.goto(baseUrl + '?demo=none&backend=webgpu');
  await until(() => state(page, (s) => s.backend !== null), 'the backend report', 30000);
  const b = await state(page, (s) => s.backend);
  const gpu = b.candidates.find((c) => c.name === 'webgpu');
  console.log(`      forced webgpu: ${gpu.status} (${gpu.reason}); running ${b.active}`);
  // Either WebGPU runs the whole engine, or (SwiftShader here) the report says why not and WASM runs.
  expect(b.active === 'webgpu' || (gpu.status === 'failed' && /synchronous read/.test(gpu.reason) && b.active === 'wasm'), `a clear outcome: ${JSON.stringify(b.candidates)}`);
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
  // The page still works after the WebGPU run: an analysis completes.
  await page.fill('[data-testid="steps"]', '4');
  await page.uncheck('[data-testid="use-cache"]');
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.analysis !== null), 'an analysis after the smoke runs', 60000);
  const err = await state(page, (s) => s.messages.filter((m) => m.level === 'error').map((m) => m.message).join(' | '));
  expect(!err, `no error: ${err}`);
  await page.click('[data-testid="backend"]');
  await shot(page, 'webgpu-forced');
}, { browser: 'webgpu', timeout: 180000 });
