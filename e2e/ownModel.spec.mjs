/**
 * A researcher's own model as some converters ship it (#17): the shard named `group1-shard1of1`,
 * no `.bin`. Upload, analyze, export the view on screen, and import the zip in a fresh browser
 * context (nothing cached there): the model comes from the zip (its shards as model.json names
 * them), the view is the exported one, and heatmap and ablation work.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOwn, openDemo, setSteps } from './lib/app.mjs';
import { expect, FIXTURES, shot, SHOTS, state, test, until } from './lib/harness.mjs';

const shotPath = (name) => path.join(SHOTS, `${name}.png`);

/** tiny-model with its shard renamed to group1-shard1of1 (model.json's paths follow). */
function extensionlessModel() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codec-noext-'));
  const src = path.join(FIXTURES, 'tiny-model');
  const json = JSON.parse(readFileSync(path.join(src, 'model.json'), 'utf8'));
  for (const g of json.weightsManifest) g.paths = g.paths.map((p) => p.replace(/\.bin$/, ''));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  copyFileSync(path.join(src, 'group1-shard1of1.bin'), path.join(dir, 'group1-shard1of1'));
  copyFileSync(path.join(src, 'card.json'), path.join(dir, 'card.json'));
  return ['model.json', 'group1-shard1of1', 'card.json'].map((f) => path.join(dir, f));
}

test('the model picker takes any file the manifest names, and a folder', async ({ page, baseUrl }) => {
  await page.goto(baseUrl + '?demo=none');
  await until(() => state(page, (s) => s.backend !== null), 'the backend report', 20000);
  const accept = await page.locator('[data-testid="model-input"]').getAttribute('accept');
  expect(!accept, `no accept filter hides extension-less shards (accept=${accept})`);
  await page.setInputFiles('[data-testid="model-folder-input"]', path.dirname(extensionlessModel()[0]));
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the model from its folder', 30000);
  const files = await state(page, (s) => s.model.files);
  expect(files.includes('group1-shard1of1'), `the extension-less shard was read: ${files}`);
}, { timeout: 60000 });

const viewOf = (page) => state(page, (s) => ({ layer: s.layer, source: s.source, mode: s.mode, image: s.image, kind: s.ablKind, pct: s.ablPct }));
const ablKey = (v) => `${v.layer}|${v.source}|${v.mode}|${v.image}|${v.kind}|${v.pct}`;
const ablDrawn = (page, key) => until(async () => (await page.locator(`[data-testid="abl-bars"][data-key="${key}"] g.abl-row`).count()) > 0, `the ablation bars for ${key}`, 30000);

test('a model with extension-less shards: export then import keeps the model and the view', async ({ page, context, baseUrl }) => {
  await page.goto(baseUrl + '?demo=none');
  await until(() => state(page, (s) => s.backend !== null), 'the backend report', 20000);
  await page.setInputFiles('[data-testid="model-input"]', extensionlessModel());
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the extension-less model to load', 30000);
  await page.setInputFiles('[data-testid="images-folder-input"]', path.join(FIXTURES, 'images'));
  await until(() => state(page, (s) => s.images !== null && s.job.kind === 'idle'), 'the images to load');
  await setSteps(page, 6, false, true);
  // One layer keeps the run short on a busy machine (the deepest analyzable one).
  await page.evaluate(() => {
    const s = window.__codec.store.getState();
    s.setSettings({ layers: s.model.layers.filter((l) => l.analyzable).slice(-1).map((l) => l.name) });
  });
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.analysis?.origin === 'analysis'), 'the analysis to finish', 120000);
  // A view other than the default: the second mode of the deepest layer with modes, image 5, preserve 40%.
  const layer = await state(page, (s) => [...s.analysis.layers].reverse().find((l) => l.modes.contributions > 1)?.name ?? null);
  expect(layer, 'a layer with two or more contribution modes');
  await page.evaluate((layer) => window.__codec.store.setState({ layer, image: 5 }), layer);
  await until(async () => (await page.locator('[data-testid="modes-contributions"] .mode-card').count()) > 1, 'two mode cards');
  await page.locator('[data-testid="modes-contributions"] .mode-card').nth(1).click();
  await page.evaluate(() => window.__codec.store.setState({ ablKind: 'preserve', ablPct: 40, ablCommitted: 40 }));
  const v = await viewOf(page);
  expect(v.layer === layer && v.image === 5 && v.kind === 'preserve' && v.pct === 40 && v.mode !== null, `the view set: ${JSON.stringify(v)}`);
  await ablDrawn(page, ablKey(v));
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), page.click('[data-testid="export-bundle"]')]);
  const zip = path.join(mkdtempSync(path.join(os.tmpdir(), 'codec-export-')), download.suggestedFilename());
  await download.saveAs(zip);

  // A fresh context: no model loaded, no last session; the zip alone.
  const fresh = await (await context.browser().newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  try {
    await fresh.goto(baseUrl + '?demo=none');
    await until(() => state(fresh, (s) => s.backend !== null), 'the backend report (fresh page)', 20000);
    await fresh.setInputFiles('[data-testid="bundle-input"]', zip);
    await until(() => state(fresh, (s) => s.analysis?.origin === 'files' && s.job.kind === 'idle'), 'the imported bundle', 30000);
    const got = await state(fresh, (s) => ({ hasModel: s.analysis.hasModel, messages: s.messages.map((m) => m.message) }));
    expect(got.hasModel, `the zip's model loaded (shard without .bin): ${JSON.stringify(got.messages)}`);
    const after = await viewOf(fresh);
    expect(JSON.stringify(after) === JSON.stringify(v), `the exported view is restored: ${JSON.stringify(after)} vs ${JSON.stringify(v)}`);
    await until(() => state(fresh, (s) => s.heatmap.status === 'ready'), 'the heatmap from the imported bundle', 30000);
    await ablDrawn(fresh, ablKey(v));
    await shot(fresh, 'import-extensionless');
  } finally {
    await fresh.context().close();
  }
}, { timeout: 300000 });

test('the layer picker: suggested layers, none / all, and an estimate before Analyze', async ({ page, baseUrl }) => {
  await loadOwn(page, baseUrl);
  const m = await state(page, (s) => ({ picked: s.settings.layers, analyzable: s.model.layers.filter((l) => l.analyzable).map((l) => l.name) }));
  // tiny_cnn: conv1, conv2, conv3 suggested; the pooling and flatten layers are not.
  expect(JSON.stringify(m.picked) === JSON.stringify(['conv1', 'conv2', 'conv3']), `suggested layers: ${m.picked} of ${m.analyzable}`);
  await page.click('[data-testid="layers-none"]');
  await until(() => state(page, (s) => s.settings.layers.length === 0), 'no layer after "none"');
  expect(await page.locator('[data-testid="analyze"]').isDisabled(), 'Analyze is off without layers');
  await page.click('[data-testid="layers-all"]');
  await until(async () => (await state(page, (s) => s.settings.layers.length)) === m.analyzable.length, 'every analyzable layer after "all"');
  await page.click('[data-testid="layers-suggested"]');
  await until(() => state(page, (s) => s.settings.layers.join() === 'conv1,conv2,conv3'), 'the suggested layers again');
  const est = await until(async () => {
    const el = page.locator('[data-testid="analyze-estimate"][data-ms]');
    return (await el.count()) ? { ms: Number(await el.getAttribute('data-ms')), text: await el.textContent() } : null;
  }, 'the estimate next to Analyze', 30000);
  expect(est.ms > 0 && /^about /.test(est.text), `an estimate from the probe: ${JSON.stringify(est)}`);
  console.log(`      estimate: ${est.text} (${est.ms} ms)`);
  await page.locator('[data-testid="layer-pick"]').locator('xpath=ancestor::section[1]').screenshot({ path: shotPath('layer-picker') });
  // The demo Fashion-MNIST set fits the input (28x28x1, 10 classes) but not the fixture's class names: not offered, and why.
  expect((await page.locator('[data-testid="demo-images"]').count()) === 0, 'the demo image set is not offered to a model with other classes');
  const why = await page.locator('[data-testid="demo-images-unfit"]').textContent();
  expect(/Fashion-MNIST test set: not offered, its classes .* are not this model's \(top-left/.test(why), `says why not: ${why}`);
  await page.locator('[data-testid="model-info"]').locator('xpath=ancestor::section[1]').screenshot({ path: shotPath('model-section') });
}, { timeout: 120000 });

test('the image panel draws the picture as large as the panel allows', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  const m = await page.evaluate(() => {
    const stack = document.querySelector('[data-testid="image-view"]').getBoundingClientRect();
    const body = document.querySelector('[data-testid="panel-image"] .panel-body') ?? document.querySelector('.image-panel .panel-body');
    const b = body.getBoundingClientRect();
    return { side: stack.width, height: stack.height, bodyW: b.width, bodyH: b.height };
  });
  console.log(`      picture ${m.side} px in a ${Math.round(m.bodyW)}x${Math.round(m.bodyH)} panel`);
  expect(m.side === m.height && m.side > 168, `the picture grew past the old 168 px with the panel's room: ${JSON.stringify(m)}`);
  await page.locator('.image-panel').screenshot({ path: shotPath('image-panel-fit') });
}, { viewport: { width: 1600, height: 1100 }, timeout: 90000 });

test('the layer picker on a GraphModel: suggested layers and full names', async ({ page, baseUrl }) => {
  await page.goto(baseUrl + '?demo=none');
  await until(() => state(page, (s) => s.backend !== null), 'the backend report', 20000);
  await page.setInputFiles('[data-testid="model-input"]', ['model.json', 'group1-shard1of1.bin', 'card.json'].map((f) => path.join(FIXTURES, 'graph-model', f)));
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the GraphModel to load', 30000);
  const m = await state(page, (s) => ({ picked: s.settings.layers, layers: s.model.layers.map((l) => `${l.name}:${l.className}:${l.analyzable}`) }));
  console.log(`      suggested ${m.picked.length}: ${m.picked.join(', ')}`);
  expect(m.picked.length > 0 && m.picked.length <= 9, `a few suggested layers: ${m.picked.length} of ${m.layers.length}`);
  await page.locator('[data-testid="layer-pick"]').locator('xpath=ancestor::section[1]').screenshot({ path: shotPath('layer-picker-graph') });
}, { timeout: 60000 });

/** A folder with two class sub-folders, each a copy of fixture images (the folder names given). */
function twoClassFolder(names, from = ['ring', 'centre']) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codec-classes-'));
  names.forEach((n, k) => {
    mkdirSync(path.join(dir, n), { recursive: true });
    for (let i = 0; i < 3; i++) copyFileSync(path.join(FIXTURES, 'images', from[k], `img${String(i).padStart(2, '0')}.png`), path.join(dir, n, `img${i}.png`));
  });
  return dir;
}

test('folder labels are resolved against the model classes at load, with a note', async ({ page, baseUrl }) => {
  await page.goto(baseUrl + '?demo=none');
  await until(() => state(page, (s) => s.backend !== null), 'the backend report', 20000);
  await page.setInputFiles('[data-testid="model-input"]', ['model.json', 'group1-shard1of1.bin', 'card.json'].map((f) => path.join(FIXTURES, 'tiny-model', f)));
  await until(() => state(page, (s) => s.model?.classNames?.length === 10 && s.job.kind === 'idle'), 'the model with its 10 class names');
  // Two of the model's ten classes: their own outputs (9 and 4), said in a note.
  await page.setInputFiles('[data-testid="images-folder-input"]', twoClassFolder(['ring', 'centre']));
  await until(() => state(page, (s) => s.images !== null && s.job.kind === 'idle'), 'the two-class images');
  const got = await state(page, (s) => ({ labels: [...s.images.labels], notes: s.messages.map((m) => m.message) }));
  expect(JSON.stringify(got.labels) === JSON.stringify([4, 4, 4, 9, 9, 9]), `labels are the model's outputs for centre and ring: ${got.labels}`);
  expect(got.notes.some((m) => /folders centre → class 4, ring → class 9 \(matched to the model's class names, 10 classes\)/.test(m)), `a note says which folder is which class: ${got.notes}`);
  // Folders that are not classes: no labels, and how to fix it, at load (not at Analyze).
  await page.setInputFiles('[data-testid="images-folder-input"]', twoClassFolder(['Neutral', 'ring']));
  await until(async () => (await state(page, (s) => s.messages.map((m) => m.message))).some((m) => /folders Neutral match none of the model's class names/.test(m)), 'the note on a folder that is not a class');
  const msg = (await state(page, (s) => s.messages.map((m) => m.message))).find((m) => /Neutral/.test(m));
  expect(/matched: ring → class 9; .*classes\.txt.*card\.json/.test(msg), `names what matched and how to fix it: ${msg}`);
  expect(await state(page, (s) => s.images.labels === null), 'no labels from folders that are not all classes');
  await shot(page, 'labels-note');
}, { timeout: 90000 });
