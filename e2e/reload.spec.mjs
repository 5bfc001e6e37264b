/**
 * Nothing lost on a reload: an analysis of an uploaded model and images, with a layer, mode and
 * image picked, comes back after a page reload from IndexedDB (the files and the view saved by
 * the app, the results from the worker's cache) without being computed again.
 */
import { loadOwn, setSteps } from './lib/app.mjs';
import { expect, shot, state, test, until } from './lib/harness.mjs';

const view = (page) => state(page, (s) => ({ id: s.analysis?.id ?? null, origin: s.analysis?.origin ?? null, layers: s.analysis?.layers.map((l) => l.name).join() ?? '', layer: s.layer, mode: s.mode, source: s.source, image: s.image, model: s.model?.name ?? null, n: s.images?.count ?? 0 }));

test('a reload restores the uploaded analysis and its view without re-analysis', async ({ page, baseUrl }) => {
  await loadOwn(page, baseUrl);
  await setSteps(page, 8, true, true);
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.analysis?.origin === 'analysis'), 'the analysis', 90000);
  // Pick a layer other than the one shown first, image 7, and the layer's last mode where it has
  // modes (the fixture's tiny CNN may have none: then the view is the layer and the image).
  const first = await state(page, (s) => s.layer);
  const all = await state(page, (s) => s.analysis.layers.map((l) => ({ name: l.name, c: l.modes.contributions, a: l.modes.activations })));
  const layer = (all.find((l) => l.name !== first && l.c > 0) ?? all.find((l) => l.name !== first)).name;
  await page.evaluate((l) => window.__codec.store.getState().pickLayer(l), layer);
  await page.evaluate(() => window.__codec.store.getState().pickImage(7));
  await until(() => state(page, (s) => s.grid.status === 'ready' && s.grid.data.layer === s.layer && s.decomposition.status === 'ready'), 'the picked layer and image on screen');
  const cards = await state(page, (s) => s.grid.data.cards.map((c) => c.id));
  if (cards.length) {
    await page.evaluate((m) => window.__codec.store.getState().pickMode(m, 'contributions'), cards[cards.length - 1]);
    await until(() => state(page, (s) => s.heatmap.status === 'ready' && s.heatmap.data.mode === s.mode), 'the heatmap of the picked view', 30000);
  }
  console.log(`      layers (contribution modes): ${all.map((l) => `${l.name} (${l.c})`).join(', ')}; picked ${layer}`);
  const before = await view(page);
  expect(before.layer === layer && before.image === 7 && before.layer !== first, `the picked view: ${JSON.stringify(before)}`);
  // The view is saved as it changes: wait for the hash (written with it), then for the write to storage.
  await until(() => page.evaluate(() => /image=7/.test(location.hash)), 'the view in the hash');
  await page.evaluate(() => window.__codec.controller.saved());
  const progress = [];
  await page.reload();
  await until(async () => {
    const j = await state(page, (s) => (s.job.kind === 'analyzing' ? 'analyzing' : null)).catch(() => null);
    if (j) progress.push(j);
    return state(page, (s) => s.analysis !== null && s.job.kind === 'idle');
  }, 'the restored analysis', 30000, 50);
  await until(() => state(page, (s) => s.decomposition.status === 'ready' && s.grid.status === 'ready' && (s.mode === null || s.heatmap.status === 'ready')), 'the restored views drawn', 30000);
  const after = await view(page);
  console.log(`      before: ${JSON.stringify(before)}\n      after:  ${JSON.stringify(after)}`);
  expect(after.origin === 'cache' && progress.length === 0, `the results came from the cache, no analysis ran (origin ${after.origin}, ${progress.length} analyzing samples)`);
  for (const k of ['id', 'layers', 'layer', 'mode', 'source', 'image', 'model', 'n']) expect(after[k] === before[k], `${k} is restored: ${before[k]} -> ${after[k]}`);
  const msg = await state(page, (s) => s.messages.map((m) => `${m.title}: ${m.message}`).join(' | '));
  expect(/Restored/.test(msg), `a notice says it was restored: ${msg}`);
  // The restored model is live: where there is a mode, an ablation of the restored view runs.
  if (after.mode !== null) await until(() => state(page, (s) => s.ablation.status === 'ready' && s.ablation.data !== null), 'an ablation on the restored analysis', 30000);
  await shot(page, 'reload-restored');
});
