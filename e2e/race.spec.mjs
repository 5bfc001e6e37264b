/**
 * The disposal race (issue #14), provoked on purpose through the page as a user can: a model
 * dropped while the page restores the last session, a model dropped and a backend switch asked
 * while an analysis runs, and a reload in the middle of an analysis. The page runs these one at a
 * time in the order asked (src/app/opQueue.ts) and the worker frees a model only when nothing
 * uses it (src/worker/modelRefs.ts); before, CI saw "Analysis stopped: Container 'tiny_cnn' is
 * already disposed" (a restore and an upload interleaving in the worker), and this spec failed on
 * the old build (see the closing note of #14). Every wait has a bound and says what it waits for,
 * and stops early with the page's error banners when one appears.
 */
import path from 'node:path';
import { MODEL } from './lib/app.mjs';
import { expect, FIXTURES, state, test } from './lib/harness.mjs';

const GRAPH = ['model.json', 'group1-shard1of1.bin', 'card.json'].map((f) => path.join(FIXTURES, 'graph-model', f));
const IMAGES = path.join(FIXTURES, 'images');

/** The page's error banners (a failed wait reports them). */
const errors = (p) => state(p, (s) => s.messages.filter((m) => m.level === 'error').map((m) => `${m.title}: ${m.message}`));

/** Waits (at most `timeout` ms) for `cond` on the page's store; fails at once, with the banners, when an error shows. */
async function settle(p, cond, what, timeout = 60000) {
  const t0 = Date.now();
  for (;;) {
    const errs = await errors(p);
    if (errs.length) throw new Error(`an error while waiting for ${what}: ${errs.join(' | ')}`);
    if (await state(p, cond)) return;
    if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const analyzed = (s) => s.job.kind === 'idle' && s.analysis !== null && s.analysis.origin === 'analysis';

test('model lifetime: a model dropped during a restore and during an analysis, a backend switch asked during an analysis, and a reload mid-analysis', async ({ page, context, baseUrl }) => {
  // 1. An analysis on the tiny model, saved for a reload of this browser.
  await page.goto(baseUrl + '?demo=none&backend=wasm');
  await settle(page, (s) => s.backend !== null && s.job.kind === 'idle', 'the first page to start');
  await page.setInputFiles('[data-testid="model-input"]', MODEL);
  await settle(page, (s) => s.model !== null && s.job.kind === 'idle', 'the tiny model');
  await page.setInputFiles('[data-testid="images-folder-input"]', IMAGES);
  await settle(page, (s) => s.images !== null && s.job.kind === 'idle', 'the images');
  await page.evaluate(() => window.__codec.store.getState().setSettings({ steps: 4, modes: false, useCache: false }));
  await page.click('[data-testid="analyze"]');
  await settle(page, analyzed, 'the first analysis', 120000);
  const first = await state(page, (s) => s.analysis.modelName);

  // 2. A second page of the same browser restores that analysis at start; the user drops another
  // model (a GraphModel) and the images at once, without waiting for the start-up.
  const p2 = await context.newPage();
  await p2.goto(baseUrl + '?demo=none&backend=wasm');
  await p2.setInputFiles('[data-testid="model-input"]', GRAPH);
  await p2.setInputFiles('[data-testid="images-folder-input"]', IMAGES);
  await settle(p2, (s) => s.job.kind === 'idle' && s.model?.name === 'residual-graph' && s.images !== null, 'the dropped GraphModel and images after the restore');
  const restored = await state(p2, (s) => ({ analysis: s.analysis?.modelName ?? null, info: s.messages.filter((m) => m.title === 'Restored').length }));
  expect(restored.analysis === first && restored.info === 1, `the restore ran first and brought back the first analysis, and the drop replaced its model: ${JSON.stringify(restored)} (first ${first})`);

  // 3. An analysis of the GraphModel; while it runs, the tiny model is dropped and a backend
  // switch is asked. Both wait for the analysis, which ends whole on its own model.
  const layers = await state(p2, (s) => s.model.layers.filter((l) => l.analyzable).map((l) => l.name).slice(-2));
  await p2.evaluate((l) => window.__codec.store.getState().setSettings({ layers: l, steps: 128, modes: false, useCache: false }), layers);
  await p2.click('[data-testid="analyze"]');
  await settle(p2, (s) => s.job.kind === 'analyzing' && s.job.progress !== null, 'the GraphModel analysis to report progress');
  const t0 = Date.now();
  await p2.setInputFiles('[data-testid="model-input"]', MODEL);
  await p2.evaluate(() => void window.__codec.controller.setBackend('cpu'));
  // Both were asked while the analysis ran (else this provoked nothing).
  const during = await state(p2, (s) => s.job.kind);
  expect(during === 'analyzing', `the drop and the switch were asked during the analysis (job: ${during})`);
  await settle(p2, (s) => s.job.kind === 'idle' && s.model?.name !== 'residual-graph' && s.backend?.active === 'cpu' && s.analysis?.origin === 'analysis', 'the analysis, then the dropped model and the switch to CPU', 180000);
  console.log(`      the analysis ran ${((Date.now() - t0) / 1000).toFixed(1)} s more after the drop and the switch were asked`);
  const after = await state(p2, (s) => ({ model: s.analysis.modelName, partial: s.analysis.partial, hasModel: s.analysis.hasModel, layers: s.analysis.layers.map((l) => l.name), layer: s.layer }));
  expect(after.model === 'residual-graph' && !after.partial && after.hasModel && JSON.stringify(after.layers) === JSON.stringify(layers), `the GraphModel analysis ended whole, with its model: ${JSON.stringify(after)}`);
  // Its model still works after the switch (moved to CPU): a live ablation of its first mode.
  const abl = await p2.evaluate(async (l) => {
    const api = window.__codec.controller.client.api;
    const grid = await api.modeGrid(l, 'contributions');
    const r = await api.ablate({ layer: l, source: 'contributions', mode: grid.cards[0].id, image: 0, pct: 50, kind: 'destroy' });
    return { after: Array.from(r.after), alive: await api.modelsAlive() };
  }, after.layers[0]);
  expect(abl.after.length > 0 && abl.after.every(Number.isFinite), `the analysis' model ablates after the switch: ${JSON.stringify(abl)}`);
  expect(abl.alive === 2, `two models alive (the analysis' and the dropped one), the replaced copies freed: ${abl.alive}`);

  // 4. A reload in the middle of an analysis: the page comes back with the last saved analysis
  // (the GraphModel's) and no error; the interrupted run is simply gone.
  await settle(p2, (s) => s.images === null && s.job.kind === 'idle', 'the dropped model to be ready for images');
  await p2.setInputFiles('[data-testid="images-folder-input"]', IMAGES);
  await settle(p2, (s) => s.images !== null && s.job.kind === 'idle', 'the images for the tiny model');
  await p2.evaluate(() => window.__codec.store.getState().setSettings({ steps: 64, modes: false, useCache: false }));
  await p2.click('[data-testid="analyze"]');
  await settle(p2, (s) => s.job.kind === 'analyzing' && s.job.progress !== null, 'the tiny model analysis to report progress');
  await p2.reload();
  await settle(p2, (s) => s.job.kind === 'idle' && s.analysis !== null, 'the reloaded page to restore the last analysis');
  const back = await state(p2, (s) => ({ model: s.analysis.modelName, restored: s.messages.some((m) => m.title === 'Restored') }));
  expect(back.model === 'residual-graph' && back.restored, `the reload brought back the last finished analysis: ${JSON.stringify(back)}`);
  await p2.close();
  console.log(`      restore + drop, drop + switch during an analysis, reload mid-analysis: no error; the GraphModel analysis of ${layers.join(', ')} kept whole`);
}, { timeout: 420000 });
