/** Steps the specs share: opening the demo, loading the fixture model and images. */
import path from 'node:path';
import { FIXTURES, state, until } from './harness.mjs';

export const MODEL = ['model.json', 'group1-shard1of1.bin', 'card.json'].map((f) => path.join(FIXTURES, 'tiny-model', f));

/** Opens the app without a demo and loads the fixture model and its image folder. */
export async function loadOwn(page, baseUrl, query = '?demo=none') {
  await page.goto(baseUrl + query);
  await until(() => state(page, (s) => s.backend !== null), 'the backend report', 20000);
  await page.setInputFiles('[data-testid="model-input"]', MODEL);
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the model to load');
  await page.setInputFiles('[data-testid="images-folder-input"]', path.join(FIXTURES, 'images'));
  await until(() => state(page, (s) => s.images !== null && s.job.kind === 'idle'), 'the images to load');
}

export async function setSteps(page, steps, useCache = false, modes = true) {
  await page.fill('[data-testid="steps"]', String(steps));
  if (!useCache) await page.uncheck('[data-testid="use-cache"]');
  if (!modes) await page.uncheck('[data-testid="train-modes"]');
}

/** Opens the app and waits for the demo (or, while no demo ships, the test fixture) to draw. */
export async function openDemo(page, baseUrl, query = '') {
  await page.goto(baseUrl + query);
  await until(() => state(page, (s) => s.analysis !== null), 'a bundle to open', 20000);
  await until(() => page.locator('[data-testid="modes-contributions"] .mode-card').count(), 'mode cards');
  await until(() => state(page, (s) => s.heatmap.status === 'ready' || s.heatmap.status === 'error'), 'the first heatmap', 20000);
}

