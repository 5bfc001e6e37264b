/**
 * Bad input gets a clear message naming the file and the problem, and the page keeps working
 * with the previous analysis on screen.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import pngjs from 'pngjs';
import { MODEL, openDemo } from './lib/app.mjs';
import { expect, FIXTURES, shot, state, test, until } from './lib/harness.mjs';

const BAD = path.join(FIXTURES, 'bad');
const { PNG } = pngjs;

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
  await until(() => state(page, (s) => s.images?.count === 1 && s.messages.some((m) => m.level === 'warning' && /skipped/.test(m.title))), 'a partial load with a warning');
  const w = await state(page, (s) => s.messages.find((m) => m.level === 'warning' && /skipped/.test(m.title)).message);
  expect(/not-an-image\.png/.test(w), `the warning names the skipped file: ${w}`);
});

/**
 * A browser sample of the hostile inputs the engine's fuzz test covers: each broken file, given
 * through the page's file inputs (what a drop does), ends in a message naming the file, the demo
 * analysis stays on screen, and the page still works afterwards.
 */
function hostileFiles() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codec-hostile-'));
  const model = path.join(FIXTURES, 'tiny-model');
  const json = readFileSync(path.join(model, 'model.json'), 'utf8');
  const shard = readFileSync(path.join(model, 'group1-shard1of1.bin'));
  const put = (rel, data) => {
    const f = path.join(dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, data);
    return f;
  };
  const withManifest = (fn) => {
    const m = JSON.parse(json);
    fn(m.weightsManifest[0].weights);
    return JSON.stringify(m);
  };
  const png1x1 = PNG.sync.write(Object.assign(new PNG({ width: 1, height: 1 }), { data: Buffer.from([200, 10, 10, 255]) }));
  return {
    // Model files: [label, files, what the message must name, what else it must say]
    model: [
      ['truncated model.json', [put('trunc/model.json', json.slice(0, Math.floor(json.length / 2))), put('trunc/group1-shard1of1.bin', shard)], /model\.json/, /JSON/i],
      ['truncated shard', [put('short/model.json', json), put('short/group1-shard1of1.bin', shard.subarray(0, Math.floor(shard.length / 3)))], /group1-shard1of1\.bin/, /bytes|short|size|truncat/i],
      ['zero-byte model.json', [put('zero/model.json', ''), put('zero/group1-shard1of1.bin', shard)], /model\.json/, /empty|JSON|0 bytes/i],
      ['wrong dtype in the manifest', [put('dtype/model.json', withManifest((w) => (w[0].dtype = 'float64'))), put('dtype/group1-shard1of1.bin', shard)], /model\.json|float64/, /dtype|float64/i],
      ['huge declared shape', [put('shape/model.json', withManifest((w) => (w[0].shape = [100000, 100000]))), put('shape/group1-shard1of1.bin', shard)], /model\.json|group1-shard1of1\.bin|shape/, /bytes|shape|size/i],
    ],
    images: [
      ['zero-byte image', [put('img/empty.png', '')], /empty\.png/, /empty|0 bytes|not an image/i],
      ['a .txt renamed .png', [path.join(FIXTURES, 'bad', 'not-an-image.png')], /not-an-image\.png/, /not an image/i],
      ['a huge declared PNG', [path.join(FIXTURES, 'bad', 'huge.png')], /huge\.png/, /10000x10000/],
      ['a 10000x10000 JPEG whose frame header lies past 128 KiB of metadata', [put('img/bigexif.jpg', bigExifJpeg())], /bigexif\.jpg/, /10000x10000/],
      ['a PNG cut in half', [put('img/half.png', readFileSync(path.join(FIXTURES, 'images', 'ring', 'img00.png')).subarray(0, 60))], /half\.png/, /./],
    ],
    onePixel: put('img/one.png', png1x1),
    bundles: [
      ['random bytes as a zip', [put('b/broken.zip', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)))], /broken\.zip/, /zip|bundle|manifest/i],
      ['a zip cut short', [put('b/cut.zip', zipSync({ 'manifest.json': strToU8(JSON.stringify({ format: 'codec-bundle' })) }).subarray(0, 40))], /cut\.zip/, /zip|bundle|manifest/i],
      ['a zip without a manifest', [put('b/nomanifest.zip', zipSync({ 'notes.txt': strToU8('hello') }))], /nomanifest\.zip|manifest\.json/, /manifest/i],
    ],
  };
}

test('hostile files: each gives a message naming the file; the analysis stays and the page works', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  const before = await state(page, (s) => s.analysis.id);
  const h = hostileFiles();
  const seen = [];
  const check = async (kind, [label, files, names, says]) => {
    await page.setInputFiles(`[data-testid="${kind}-input"]`, files);
    const msg = await lastError(page, before);
    seen.push(`${label}: ${msg}`);
    expect(names.test(msg) && says.test(msg), `${label}: the message names the file and the problem: ${msg}`);
    await dismissAll(page);
  };
  for (const c of h.model) await check('model', c);
  for (const c of h.bundles) await check('bundle', c);
  // Images need a model: the fixture's (its load keeps the analysis on screen).
  await page.setInputFiles('[data-testid="model-input"]', MODEL);
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the model');
  for (const c of h.images) await check('images', c);
  // A 1x1 image is a valid image: it is resized to the model input, or refused by name.
  await page.setInputFiles('[data-testid="images-input"]', h.onePixel);
  await until(() => state(page, (s) => s.job.kind === 'idle' && (s.images?.count === 1 || s.messages.some((m) => m.level === 'error'))), 'the 1x1 image');
  const one = await state(page, (s) => ({ n: s.images?.count ?? 0, msg: s.messages.map((m) => m.message).join(' | '), id: s.analysis.id }));
  expect(one.id === before && (one.n === 1 || /one\.png/.test(one.msg)), `1x1: loaded or refused by name, analysis kept: ${JSON.stringify(one)}`);
  seen.push(`1x1 image: ${one.n === 1 ? 'loaded (resized to the model input)' : one.msg}`);
  console.log(`      ${seen.length} hostile files:\n        ${seen.map((s) => s.slice(0, 200)).join('\n        ')}`);
  // The page still works: picking another mode draws its heatmap.
  await dismissAll(page);
  await page.locator('[data-testid="modes-contributions"] .mode-card').nth(1).click();
  await until(() => state(page, (s) => s.heatmap.status === 'ready' && s.heatmap.data.mode === s.mode), 'a heatmap after the hostile files');
  expect((await state(page, (s) => s.analysis.id)) === before, 'the demo analysis is still the one on screen');
});

/** A JPEG whose start-of-frame (10000x10000, 3 components) follows two full 64 KiB APP1 segments. */
function bigExifJpeg() {
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0xff, 0xff]), Buffer.alloc(0xffff - 2)]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 8, 0x27, 0x10, 0x27, 0x10, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, app1, sof, Buffer.from([0xff, 0xd9])]);
}
