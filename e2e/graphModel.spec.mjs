/**
 * A converted GraphModel dropped on the page (model.json with format "graph-model", its shard and
 * a card): the worker lists its graph nodes as layers (the residual add among them), analyzes two
 * of them with progress, and live ablation at the residual add moves the bars.
 */
import path from 'node:path';
import { expect, FIXTURES, shot, state, test, until } from './lib/harness.mjs';

const GRAPH = ['model.json', 'group1-shard1of1.bin', 'card.json'].map((f) => path.join(FIXTURES, 'graph-model', f));

test('a GraphModel uploads, its nodes are layers, and they analyze and ablate', async ({ page, baseUrl }) => {
  await page.goto(baseUrl + '?demo=none');
  await until(() => state(page, (s) => s.backend !== null), 'the backend report', 20000);
  await page.setInputFiles('[data-testid="model-input"]', GRAPH);
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the graph model to load');
  const m = await state(page, (s) => ({ format: s.model.format, notes: s.model.notes, classes: s.model.numClasses, layers: s.model.layers.map((l) => [l.name, l.className, l.analyzable, l.isCut]) }));
  expect(m.format === 'graph-model' && m.notes.length === 0 && m.classes === 10, `a GraphModel with 10 classes: ${JSON.stringify(m)}`);
  const add = m.layers.find((l) => l[0] === 'add/add');
  expect(add && add[1] === 'AddV2' && add[2] && add[3], `the residual add is an analyzable cut: ${JSON.stringify(m.layers)}`);
  expect((await page.locator('[data-testid="model-info"]').textContent()).includes('GraphModel'), 'the model card says GraphModel');
  await page.setInputFiles('[data-testid="images-folder-input"]', path.join(FIXTURES, 'images'));
  await until(() => state(page, (s) => s.images !== null && s.job.kind === 'idle'), 'the images to load');
  await page.evaluate(() => window.__codec.store.getState().setSettings({ layers: ['add/add', 'c3/Relu'] }));
  await page.fill('[data-testid="steps"]', '4');
  await page.uncheck('[data-testid="use-cache"]');
  await page.uncheck('[data-testid="train-modes"]');
  const hint = await page.locator('[data-testid="budget-hint"]').textContent();
  expect(/path point needs about [\d.]+ MiB: up to 5 of 5 points per pass/.test(hint), `the budget hint: ${hint}`);
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.analysis !== null), 'the analysis of the graph model', 90000);
  const a = await state(page, (s) => ({ origin: s.analysis.origin, layers: s.analysis.layers.map((l) => l.name), partial: s.analysis.partial }));
  expect(a.origin === 'analysis' && !a.partial && a.layers.join() === 'add/add,c3/Relu', `both nodes analyzed: ${JSON.stringify(a)}`);
  // Ablation at the residual add (the channel modes): the panel draws the bars for it.
  await page.selectOption('[data-testid="layer-select"]', 'add/add');
  const bars = await until(async () => {
    const d = await page.evaluate(() => {
      const svg = document.querySelector('[data-testid="abl-bars"]');
      const rows = Array.from(document.querySelectorAll('[data-testid="abl-bars"] g.abl-row')).map((g) => ({ before: Number(g.getAttribute('data-before')), after: Number(g.getAttribute('data-after')) }));
      return { key: svg?.getAttribute('data-key') ?? '', rows };
    });
    return d.key.startsWith('add/add|') && d.rows.length > 0 ? d : null;
  }, 'the ablation bars at add/add', 30000);
  const sum = bars.rows.reduce((t, r) => t + r.before, 0);
  expect(Math.abs(sum - 1) < 1e-3 || bars.rows.length < 10, `the probabilities before: ${JSON.stringify(bars.rows.slice(0, 3))}`);
  expect(bars.rows.some((r) => Math.abs(r.after - r.before) > 1e-6), `destroying channels changes the outputs: ${JSON.stringify(bars.rows.slice(0, 3))}`);
  await shot(page, 'graph-model');
});

test('a Lambda layer and a graph op without a gradient are named, with the usable layers; the worker keeps working', async ({ page, baseUrl }) => {
  const BAD = path.join(FIXTURES, 'bad');
  await page.goto(baseUrl + '?demo=none');
  await until(() => state(page, (s) => s.backend !== null), 'the backend report', 20000);
  await page.setInputFiles('[data-testid="model-input"]', ['model.json', 'group1-shard1of1.bin'].map((f) => path.join(BAD, 'lambda', f)));
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.messages.some((m) => m.level === 'error')), 'an error banner');
  const msg = await state(page, (s) => s.messages.filter((m) => m.level === 'error').map((m) => m.message).pop());
  expect(/layer class Lambda \(layer conv2\) is not supported by tfjs .*; the layers before it are conv1 \(Conv2D\), pool1 \(MaxPooling2D\) /.test(msg), `the refusal names Lambda and the layers before it: ${msg}`);
  // The worker is alive: the graph with DepthToSpace loads, with a note naming the op and the usable layers.
  await page.setInputFiles('[data-testid="model-input"]', ['model.json', 'group1-shard1of1.bin'].map((f) => path.join(BAD, 'graph-no-gradient', f)));
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the graph model to load');
  const note = await page.locator('[data-testid="model-note"]').textContent();
  expect(/^op DepthToSpace \(node d2s\/DepthToSpace\) has no gradient in tfjs, so the layers before it cannot be analyzed; usable layers: .*c3\/Relu/.test(note), `the note: ${note}`);
  const m = await state(page, (s) => s.model.layers.map((l) => [l.name, l.analyzable]));
  expect(m.some(([n, a]) => n === 'add/add' && !a) && m.some(([n, a]) => n === 'c3/Relu' && a), `add/add listed but not analyzable, c3/Relu analyzable: ${JSON.stringify(m)}`);
  await page.setInputFiles('[data-testid="images-folder-input"]', path.join(FIXTURES, 'images'));
  await until(() => state(page, (s) => s.images !== null && s.job.kind === 'idle'), 'the images to load');
  await page.evaluate(() => window.__codec.store.getState().setSettings({ layers: ['add/add'], steps: 2, modes: false, useCache: false }));
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.messages.some((m) => m.level === 'error' && /DepthToSpace/.test(m.message))), 'the refusal to analyze add/add');
  await page.evaluate(() => window.__codec.store.getState().setSettings({ layers: ['c3/Relu'] }));
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.analysis !== null), 'the analysis at c3/Relu', 60000);
  expect((await state(page, (s) => s.analysis.layers.map((l) => l.name))).join() === 'c3/Relu', 'c3/Relu analyzed after the refusal');
});
