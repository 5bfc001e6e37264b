/**
 * Preprocessing presets in the app: after the fixture model and images load, the sidebar shows
 * the first image as the model sees it and the model's top 3 classes; picking another preset
 * changes the value range and the probabilities at once (and says the images must be loaded
 * again), the colour presets are refused for a grayscale model, and loading the images again
 * applies the preset. The model line names the logits.
 */
import path from 'node:path';
import { loadOwn } from './lib/app.mjs';
import { expect, FIXTURES, shot, state, test, until } from './lib/harness.mjs';

const PREVIEW = '[data-testid="preprocess-preview"]';

async function read(page) {
  return {
    preset: await page.getAttribute(PREVIEW, 'data-preset'),
    range: (await page.textContent('[data-testid="preview-range"]')).trim(),
    top: (await page.textContent('[data-testid="preview-top"]')).trim(),
    reload: await page.locator('[data-testid="preview-reload"]').count(),
    // The canvas: how many distinct grey levels it shows (a blank or flat picture has one).
    levels: await page.evaluate(() => {
      const c = document.querySelector('.prep-canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      return new Set(Array.from({ length: d.length / 4 }, (_, i) => d[4 * i])).size;
    }),
  };
}

test('preprocessing presets: the preview shows the first image as the model sees it and follows the preset', async ({ page, baseUrl }) => {
  await loadOwn(page, baseUrl);
  const info = await page.textContent('[data-testid="model-info"]');
  expect(/logits: \S+/.test(info), `the model line names the logits: ${info}`);
  await until(() => page.locator(PREVIEW).count(), 'the preprocessing preview');
  const a = await read(page);
  console.log(`      [0,1]: ${a.range} | ${a.top}`);
  expect(a.preset === '[0,1]' && a.reload === 0, `the loaded preprocessing is [0,1]: ${JSON.stringify(a)}`);
  expect(/^values 0\.\d\d \.\. (0\.\d\d|1\.00)/.test(a.range), `values in [0, 1]: ${a.range}`);
  expect(a.levels > 8, `the picture is not flat: ${a.levels} grey levels`);
  expect((a.top.match(/%/g) ?? []).length === 3, `three classes with probabilities: ${a.top}`);
  const disabled = await page.evaluate(() => [...document.querySelectorAll('[data-testid="preprocess-preset"] option')].filter((o) => o.disabled).map((o) => o.value));
  expect(disabled.includes('caffe') && disabled.includes('imagenet'), `colour presets are refused for 1 channel: ${disabled}`);

  await page.selectOption('[data-testid="preprocess-preset"]', 'raw');
  await until(async () => (await read(page)).preset === 'raw', 'the preview under raw 0-255');
  const b = await read(page);
  console.log(`      raw: ${b.range} | ${b.top}`);
  expect(/^values [\d.]+ \.\. \d{2,3};/.test(b.range) && b.top !== a.top && b.reload === 1, `raw 0-255 changes the values and the classes and asks for a reload: ${JSON.stringify(b)}`);
  await shot(page, 'preprocess-preview-raw');

  await page.selectOption('[data-testid="preprocess-preset"]', '[-1,1]');
  await until(async () => (await read(page)).preset === '[-1,1]', 'the preview under [-1,1]');
  const c = await read(page);
  console.log(`      [-1,1]: ${c.range} | ${c.top}`);
  expect(/^values -\d\.\d\d \.\. /.test(c.range) && c.range !== a.range, `[-1,1] values: ${JSON.stringify(c)}`);
  // Loading the images again applies the preset: the preview then matches the loaded images.
  await page.setInputFiles('[data-testid="images-folder-input"]', path.join(FIXTURES, 'images'));
  await until(() => state(page, (s) => s.images !== null && s.images.preprocessing.scale === 2 && s.job.kind === 'idle'), 'the images loaded with [-1,1]');
  await until(async () => (await read(page)).reload === 0, 'the preview to match the loaded images');
  await page.locator('.sidebar').screenshot({ path: (await shot(page, 'preprocess-preview')).replace('.png', '-sidebar.png') });
});
