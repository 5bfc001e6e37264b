/**
 * A worker crash: the app says so in a banner, starts a new worker on the next backend of the
 * fallback order, reloads the model and keeps the analysis and the view (layer, mode, image).
 * Three crashes are simulated: a lost WebGPU device (the worker reports it, as its device.lost
 * watcher does), an uncaught error in the worker, and the worker terminated from the page.
 */
import { loadOwn, openDemo, setSteps } from './lib/app.mjs';
import { expect, shot, state, test, until } from './lib/harness.mjs';

const view = (page) => state(page, (s) => ({ id: s.analysis?.id ?? null, layers: s.analysis?.layers.map((l) => l.name).join() ?? '', layer: s.layer, mode: s.mode, source: s.source, image: s.image, model: s.model?.name ?? null, backend: s.backend?.active ?? null }));
const ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'];
const nextOf = (b) => ORDER[Math.min(ORDER.indexOf(b) + 1, ORDER.length - 1)];

async function recovered(page, gen, what) {
  await until(async () => (await page.evaluate(() => window.__codec.controller.client.generation)) > gen && (await state(page, (s) => s.job.kind === 'idle' && s.messages.some((m) => /worker crashed/.test(m.title)))), `${what}: the restart`, 30000);
}

test('crash: a lost device and an uncaught error restart the worker on the next backend, keeping the view', async ({ page, baseUrl }) => {
  // The test fixture's bundle (tiny CNN): the restarted worker ends on the CPU backend, slow for the demo.
  await openDemo(page, baseUrl, '?bundle=fixture/bundle/');
  // A view that is not the default one: the third mode, image 5.
  const cards = await state(page, (s) => s.grid.data.cards.map((c) => c.id));
  await page.evaluate((m) => { window.__codec.store.getState().pickMode(m, 'contributions'); window.__codec.store.getState().pickImage(5); }, cards[Math.min(2, cards.length - 1)]);
  await until(() => state(page, (s) => s.heatmap.status === 'ready' && s.heatmap.data.mode === s.mode && s.image === 5), 'the picked view');
  const before = await view(page);
  let gen = await page.evaluate(() => window.__codec.controller.client.generation);
  // 1. The WebGPU device is lost (simulated: the worker reports it as its watcher would).
  // Not awaited: the restart drops the dead worker's pending calls, this one included.
  await page.evaluate(() => void window.__codec.controller.client.api.crashForTest('device-lost'));
  await recovered(page, gen, 'device lost');
  await until(() => state(page, (s) => s.heatmap.status === 'ready' && s.heatmap.data.mode === s.mode), 'the heatmap from the new worker', 30000);
  const after1 = await view(page);
  const banner = await page.locator('[data-testid="banner-error"]').first().textContent();
  console.log(`      ${before.backend} -> ${after1.backend}: ${banner}`);
  await page.locator('[data-testid="banner-error"]').first().scrollIntoViewIfNeeded();
  await shot(page, 'crash-banner');
  expect(/crashed/.test(banner) && banner.includes(nextOf(before.backend)), `the banner says it crashed and names the next backend: ${banner}`);
  expect(after1.backend === nextOf(before.backend), `restarted on the next backend: ${before.backend} -> ${after1.backend}`);
  for (const k of ['id', 'layers', 'layer', 'mode', 'source', 'image']) expect(after1[k] === before[k], `${k} is kept: ${before[k]} -> ${after1[k]}`);
  // The new worker has the model: a live ablation of the kept view runs.
  await until(() => state(page, (s) => s.ablation.status === 'ready' && s.ablation.data !== null), 'an ablation in the new worker', 30000);
  // 2. An uncaught error in the worker.
  await page.evaluate(() => window.__codec.store.getState().clearMessages());
  gen = await page.evaluate(() => window.__codec.controller.client.generation);
  // Not awaited: the restart drops the dead worker's pending calls, this one included.
  await page.evaluate(() => void window.__codec.controller.client.api.crashForTest('throw'));
  await recovered(page, gen, 'uncaught error');
  await until(() => state(page, (s) => s.heatmap.status === 'ready' && s.heatmap.data.mode === s.mode), 'the heatmap after the second restart', 30000);
  const after2 = await view(page);
  expect(after2.backend === nextOf(after1.backend), `restarted on the next backend again: ${after1.backend} -> ${after2.backend}`);
  for (const k of ['id', 'layer', 'mode', 'image']) expect(after2[k] === before[k], `${k} is kept after the second crash: ${before[k]} -> ${after2[k]}`);
});

test('crash: a worker killed after an upload analysis comes back with the model, analysis and view', async ({ page, baseUrl }) => {
  await loadOwn(page, baseUrl);
  await setSteps(page, 6, false, false);
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.analysis?.origin === 'analysis'), 'the analysis', 60000);
  const layer = await state(page, (s) => s.analysis.layers[1].name);
  await page.evaluate((l) => { window.__codec.store.getState().pickLayer(l); window.__codec.store.getState().pickImage(11); }, layer);
  await until(() => state(page, (s) => s.decomposition.status === 'ready' && s.layer === s.decomposition.data.layer), 'the picked view');
  const before = await view(page);
  const gen = await page.evaluate(() => window.__codec.controller.client.generation);
  await page.evaluate(() => window.__codec.controller.client.kill());
  await recovered(page, gen, 'killed');
  await until(() => state(page, (s) => s.decomposition.status === 'ready' && s.pixels.status === 'ready'), 'the views from the new worker', 30000);
  const after = await view(page);
  console.log(`      ${before.backend} -> ${after.backend}; analysis ${after.id === before.id ? 'kept' : 'changed'}`);
  expect(after.backend === nextOf(before.backend), `restarted on the next backend: ${before.backend} -> ${after.backend}`);
  for (const k of ['id', 'layers', 'layer', 'image', 'model']) expect(after[k] === before[k], `${k} is kept: ${before[k]} -> ${after[k]}`);
  // (That the restarted worker runs a new analysis is checked in upload.spec.mjs, on a cancel restart.)
});
