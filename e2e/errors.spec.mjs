/**
 * Bad input gets a clear message naming the file and the problem, and the page keeps working
 * with the previous analysis on screen.
 */
import path from 'node:path';
import { MODEL, openDemo } from './lib/app.mjs';
import { expect, FIXTURES, shot, state, test, until } from './lib/harness.mjs';

const BAD = path.join(FIXTURES, 'bad');

async function lastError(page, before) {
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.messages.some((m) => m.level === 'error')), 'an error banner');
  const s = await state(page, (s) => ({ id: s.analysis?.id, msg: s.messages.filter((m) => m.level === 'error').map((m) => `${m.title}: ${m.message}`).pop() }));
  expect(s.id === before, 'the previous analysis is still shown');
  expect(await page.locator('[data-testid="banner-error"]').isVisible(), 'the banner is visible');
  return s.msg;
}

async function dismissAll(page) {
  await page.evaluate(() => window.__codec.store.getState().clearMessages());
}

test('a bad model shows the error banner and keeps the previous analysis', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  const before = await state(page, (s) => s.analysis.id);
  await page.setInputFiles('[data-testid="model-input"]', path.join(BAD, 'notjson', 'model.json'));
  const m1 = await lastError(page, before);
  expect(/model\.json/.test(m1) && /not valid JSON/.test(m1), `names the file and the problem: ${m1}`);
  await shot(page, 'error-bad-model');
  await dismissAll(page);
  await page.setInputFiles('[data-testid="model-input"]', path.join(BAD, 'noshard', 'model.json'));
  const m2 = await lastError(page, before);
  expect(/group1-shard1of1\.bin/.test(m2) && /missing/.test(m2), `names the missing shard: ${m2}`);
  await dismissAll(page);
  // The page still works: picking a mode still draws a heatmap.
  await page.locator('[data-testid="modes-contributions"] .mode-card').nth(2).click();
  await until(() => state(page, (s) => s.heatmap.status === 'ready' && s.heatmap.data.mode === s.mode), 'a heatmap after the errors');
});

test('non-image, huge image and zero images give clear messages', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  const before = await state(page, (s) => s.analysis.id);
  await page.setInputFiles('[data-testid="model-input"]', MODEL);
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the model');
  await page.setInputFiles('[data-testid="images-input"]', path.join(BAD, 'not-an-image.png'));
  const m1 = await lastError(page, before);
  expect(/not-an-image\.png/.test(m1) && /not an image/.test(m1), `non-image: ${m1}`);
  await dismissAll(page);
  await page.setInputFiles('[data-testid="images-input"]', path.join(BAD, 'huge.png'));
  const m2 = await lastError(page, before);
  expect(/huge\.png/.test(m2) && /10000x10000/.test(m2), `huge image: ${m2}`);
  await shot(page, 'error-huge-image');
  await dismissAll(page);
  await page.setInputFiles('[data-testid="images-folder-input"]', path.join(BAD, 'no-images'));
  const m3 = await lastError(page, before);
  expect(/no usable images/.test(m3), `zero images: ${m3}`);
  await dismissAll(page);
  // A mix: the good images load, the bad ones are listed in a warning.
  await page.setInputFiles('[data-testid="images-input"]', [path.join(FIXTURES, 'images', 'ring', 'img00.png'), path.join(BAD, 'not-an-image.png')]);
  await until(() => state(page, (s) => s.images?.count === 1 && s.messages.some((m) => m.level === 'warning')), 'a partial load with a warning');
  const w = await state(page, (s) => s.messages.find((m) => m.level === 'warning').message);
  expect(/not-an-image\.png/.test(w), `the warning names the skipped file: ${w}`);
});
