/**
 * Live ablation, shareable links, sweeps and bundle export on the demo (or, while no demo ships,
 * the test fixture): the slider moves the bars and the numbers equal the CLI's `ablate`; a link
 * restores exactly its view (asserted on what is drawn); back / forward; a stale link falls back
 * with a notice; export then import gives the same view.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDemo } from './lib/app.mjs';
import { close, E2E_DIR, expect, shot, SHOTS, state, test, until } from './lib/harness.mjs';

const ROOT = path.resolve(E2E_DIR, '..');

/** The bundle on screen as a folder on disk (for the CLI), from its URL. */
function bundleDir(ref) {
  if (ref.includes('fixture/')) return path.join(E2E_DIR, 'fixtures', 'out', 'bundle');
  return path.join(ROOT, 'public', ref.replace(/^\.?\//, ''));
}

function cliAblate(dir, { layer, mode, pct, kind, image }) {
  const r = spawnSync('npx', ['tsx', 'src/cli/bin.ts', 'ablate', dir, '--layer', layer, '--mode', String(mode), '--pct', String(pct), '--kind', kind, '--image', String(image), '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`codec ablate failed: ${r.stderr.slice(-1500)}`);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
}

/** What the ablation panel draws: the key, the bars' numbers and the k/C text. */
async function drawnAblation(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('[data-testid="abl-bars"]');
    const rows = Array.from(document.querySelectorAll('[data-testid="abl-bars"] g.abl-row')).map((g) => ({ cls: Number(g.getAttribute('data-class')), before: Number(g.getAttribute('data-before')), after: Number(g.getAttribute('data-after')), logit: Number(g.getAttribute('data-logit-after')), width: Number(g.querySelector('rect.after').getAttribute('width')) }));
    return { key: svg?.getAttribute('data-key') ?? null, rows, fraction: document.querySelector('[data-testid="abl-fraction"]')?.textContent ?? '' };
  });
}

async function waitAblation(page, key) {
  return until(async () => {
    const d = await drawnAblation(page);
    return d.key === key && d.rows.length > 0 ? d : null;
  }, `the ablation bars for ${key}`, 30000);
}

test('ablation: the slider moves the bars and the numbers equal the CLI', async ({ page, baseUrl, logs }) => {
  await openDemo(page, baseUrl);
  const s = await state(page, (s) => ({ layer: s.layer, mode: s.mode, image: s.image, source: s.source, pct: s.ablPct, kind: s.ablKind, bundle: window.__codec.controller.bundleRef }));
  const d0 = await waitAblation(page, `${s.layer}|${s.source}|${s.mode}|${s.image}|${s.kind}|${s.pct}`);
  // Slide to 50% with the keyboard: every step is a live update.
  await page.locator('[data-testid="abl-pct"]').focus();
  for (let i = s.pct; i < 50; i++) await page.keyboard.press('ArrowRight', { delay: 15 });
  const d1 = await waitAblation(page, `${s.layer}|${s.source}|${s.mode}|${s.image}|${s.kind}|50`);
  // The test fixture's tiny CNN is saturated (probabilities 1 and 0 whatever is removed): its
  // bars' logits change; a real demo's bars change visibly.
  const changed = (key) => d1.rows.some((r) => { const o = d0.rows.find((x) => x.cls === r.cls); return !o || Math.abs(o[key] - r[key]) > 1e-6; });
  expect(changed('logit'), `the bars' outputs changed between p=${s.pct} and p=50: ${JSON.stringify(d0.rows)} vs ${JSON.stringify(d1.rows)}`);
  if (!s.bundle.includes('fixture/')) expect(changed('after'), `the bars changed visibly between p=${s.pct} and p=50`);
  // The same numbers as the CLI for the same settings.
  const cli = cliAblate(bundleDir(s.bundle), { layer: s.layer, mode: s.mode, pct: 50, kind: s.kind, image: s.image });
  const names = await state(page, (s) => s.analysis.images.names);
  expect(cli.rows[0].image === names[s.image], `the CLI's image ${cli.rows[0].image} is the app's #${s.image} (${names[s.image]})`);
  for (const r of d1.rows) {
    close(r.before, cli.rows[0].before[r.cls], 1e-4, 1e-5, `class ${r.cls} before`);
    close(r.after, cli.rows[0].after[r.cls], 1e-4, 1e-5, `class ${r.cls} after`);
  }
  const bars = await page.evaluate(() => Array.from(document.querySelectorAll('[data-testid="abl-bars"] g.abl-row text.num')).map((t) => t.textContent));
  const pctText = (v) => `${(100 * v).toFixed(1)}%`;
  expect(bars[0] === `${pctText(cli.rows[0].before[d1.rows[0].cls])} → ${pctText(cli.rows[0].after[d1.rows[0].cls])}`, `the printed numbers (${bars[0]}) are the CLI's`);
  expect(d1.fraction.includes(`${cli.k}/`), `k/C shown (${d1.fraction}) has the CLI's k = ${cli.k}`);
  // Preserve: the bars change again, and match the CLI too.
  await page.click('[data-testid="abl-kind-preserve"]');
  const d2 = await waitAblation(page, `${s.layer}|${s.source}|${s.mode}|${s.image}|preserve|50`);
  const cli2 = cliAblate(bundleDir(s.bundle), { layer: s.layer, mode: s.mode, pct: 50, kind: 'preserve', image: s.image });
  for (const r of d2.rows) close(r.after, cli2.rows[0].after[r.cls], 1e-4, 1e-5, `preserve class ${r.cls} after`);
  // Accuracy on release: recomputed for the committed p, with per-class paired bars.
  await until(() => page.evaluate(() => document.querySelector('[data-testid="abl-accuracy"]')?.getAttribute('data-key')?.endsWith('|preserve|50')), 'the accuracy for preserve 50%', 30000);
  const acc = await page.locator('[data-testid="abl-accuracy"] g.acc-class').count();
  expect(acc >= 2, `per-class accuracy bars (${acc})`);
  const lat = await page.locator('[data-testid="abl-latency"]').getAttribute('data-p95');
  const p50 = await page.locator('[data-testid="abl-latency"]').getAttribute('data-p50');
  const n = await page.locator('[data-testid="abl-latency"]').getAttribute('data-n');
  console.log(`      live update round trip: p50 ${Number(p50).toFixed(1)} ms, p95 ${Number(lat).toFixed(1)} ms over ${n} updates (${await state(page, (s) => s.backend.active)})`);
  expect(!logs.some((l) => l.includes('pageerror')), `no page errors: ${logs.join(' | ')}`);
  await page.locator('[data-testid="panel-ablation"]').scrollIntoViewIfNeeded();
  await shot(page, 'ablation');
});

test('a link restores exactly its view; back and forward work', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  const layers = await state(page, (s) => s.analysis.layers.filter((l) => (l.modes.contributions ?? 0) > 1).map((l) => l.name));
  const layer = layers[0];
  await page.selectOption('[data-testid="layer-select"]', layer);
  await until(() => state(page, (s) => s.grid.status === 'ready' && s.grid.data.layer === s.layer), 'the grid');
  const cards = await state(page, (s) => s.grid.data.cards.map((c) => c.id));
  const mode = cards[cards.length - 1];
  const image = Math.min(17, (await state(page, (s) => s.analysis.images.count)) - 1);
  const bundle = await state(page, () => window.__codec.controller.bundleRef);
  const link = `${baseUrl}#bundle=${bundle}&layer=${layer}&mode=${mode}&image=${image}&ablate=preserve:30`;
  await page.goto('about:blank');
  await openDemo(page, link.replace(baseUrl, baseUrl));
  // What is drawn: the layer picker, the grid's title and picked card, the image, the slider, the bars.
  await until(async () => (await page.locator('[data-testid="layer-select"]').inputValue()) === layer, 'the layer select');
  await until(async () => (await page.locator('.panel-head h2', { hasText: `of ${layer}` }).count()) >= 1, 'the grid title');
  await until(async () => (await page.locator(`[data-testid="modes-contributions"] .mode-card.selected[data-mode="${mode}"]`).count()) === 1, `mode card ${mode} selected`);
  await until(async () => (await page.locator('[data-testid="panel-image"] .panel-head h2').textContent()).includes(`#${image}`), 'the image title');
  expect((await page.locator('[data-testid="abl-pct"]').inputValue()) === '30', 'the slider is at 30');
  expect((await page.locator('[data-testid="abl-kind-preserve"]').getAttribute('aria-checked')) === 'true', 'preserve is on');
  await waitAblation(page, `${layer}|contributions|${mode}|${image}|preserve|30`);
  await until(() => state(page, (s) => s.heatmap.status === 'ready' && s.heatmap.data.mode === s.mode && s.heatmap.data.image === s.image), 'the heatmap of the linked mode and image');
  expect((await page.locator('[data-testid="banner-warning"], .banner.warning').count()) === 0, 'no fallback notice for a valid link');
  const h0 = await page.evaluate(() => location.hash);
  expect(h0.includes(`mode=${mode}`) && h0.includes('ablate=preserve:30'), `the hash is kept (${h0})`);
  // Share copies this view's link.
  await page.click('[data-testid="share"]');
  await until(() => page.evaluate(() => typeof window.__codecLastShare === 'string'), 'the shared link');
  const shared = await page.evaluate(() => window.__codecLastShare);
  expect(shared.endsWith(h0), `Share's link ends with the view's hash (${shared})`);
  await shot(page, 'link-restored');
  // A pick pushes a history entry; back returns to the linked mode, forward to the pick.
  const other = cards.find((c) => c !== mode);
  await page.locator(`[data-testid="modes-contributions"] .mode-card[data-mode="${other}"]`).click();
  await until(() => page.evaluate((m) => location.hash.includes(`mode=${m}&`), other), 'the hash follows the pick');
  await page.goBack();
  await until(() => state(page, (s) => s.mode === Number(new URLSearchParams(location.hash.slice(1)).get('mode')) && s.mode), 'back');
  expect((await state(page, (s) => s.mode)) === mode, 'back returns to the linked mode');
  await waitAblation(page, `${layer}|contributions|${mode}|${image}|preserve|30`);
  await page.goForward();
  await until(async () => (await state(page, (s) => s.mode)) === other, 'forward returns to the pick');
  // A layer pick is one history entry (its first mode completes it, not a second entry).
  const len0 = await page.evaluate(() => history.length);
  const another = layers.find((l) => l !== layer) ?? (await state(page, (s) => s.analysis.layers.map((l) => l.name).find((n) => n !== s.layer)));
  await page.selectOption('[data-testid="layer-select"]', another);
  await until(() => state(page, (s) => s.layer === s.grid.data?.layer && s.mode !== null && location.hash.includes(`mode=${s.mode}&`)), 'the new layer with its first mode in the hash');
  expect((await page.evaluate(() => history.length)) === len0 + 1, 'a layer pick adds one history entry');
  await page.goBack();
  await until(async () => (await state(page, (s) => `${s.layer}|${s.mode}`)) === `${layer}|${other}`, 'back returns to the previous layer and mode');
});

test('a stale link falls back to a valid view with a notice', async ({ page, baseUrl, logs }) => {
  await openDemo(page, baseUrl, '#layer=nolayer&mode=99999&image=999999&ablate=melt:5');
  const s = await state(page, (s) => ({ layer: s.layer, mode: s.mode, image: s.image, layers: s.analysis.layers.map((l) => l.name), msgs: s.messages.map((m) => m.message) }));
  expect(s.layers.includes(s.layer) && s.mode !== null && s.image === 0, `a valid view: ${JSON.stringify(s)}`);
  expect(s.msgs.some((m) => m.includes('no layer "nolayer"')), `a notice names the unknown layer: ${s.msgs.join(' | ')}`);
  expect((await page.locator('[data-testid="modes-contributions"] .mode-card').count()) > 0, 'the grid is drawn');
  // A mode out of range on a real layer.
  await page.goto('about:blank');
  await openDemo(page, baseUrl, `#layer=${s.layer}&mode=99999`);
  const m = await state(page, (s) => ({ mode: s.mode, msgs: s.messages.map((m) => m.message) }));
  expect(m.mode !== null && m.msgs.some((x) => x.includes('mode 99999 is out of range')), `mode fallback: ${JSON.stringify(m)}`);
  expect(!logs.some((l) => l.includes('pageerror')), `no page errors: ${logs.join(' | ')}`);
  await shot(page, 'link-stale');
});

test('sweep: computed in the worker with AUC and selectivity', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  await page.locator('[data-testid="panel-sweep"]').scrollIntoViewIfNeeded();
  await until(() => state(page, (s) => s.sweep.status === 'ready'), 'the sweep lookup', 20000);
  // The bundle's own sweep when it has one (a swept mode is a click away), else computed here.
  if ((await page.locator('[data-testid="swept-modes"] button').count()) > 0) await page.locator('[data-testid="swept-modes"] button').first().click();
  else if ((await page.locator('[data-testid="sweep-compute"]').count()) > 0) await page.click('[data-testid="sweep-compute"]');
  await until(async () => (await page.locator('[data-testid="sweep-chart"] g.sweep-line path').count()) >= 2, 'sweep lines', 60000);
  const rows = await page.locator('[data-testid="sweep-table"] tbody tr').count();
  expect(rows >= 1, `AUC rows (${rows})`);
  const sel = await page.locator('[data-testid="sweep-table"] td.sel').first().textContent();
  expect(sel.length > 0, `selectivity printed (${sel})`);
  await shot(page, 'sweep');
});

test('export then import of the bundle gives the same view', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  const v = await state(page, (s) => ({ layer: s.layer, mode: s.mode, image: s.image, source: s.source, pct: s.ablPct, kind: s.ablKind, layers: s.analysis.layers.map((l) => l.name), count: s.analysis.images.count }));
  const before = await waitAblation(page, `${v.layer}|${v.source}|${v.mode}|${v.image}|${v.kind}|${v.pct}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-bundle"]')]);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'codec-export-')), download.suggestedFilename());
  await download.saveAs(file);
  expect(file.endsWith('.zip'), `a zip (${file})`);
  await page.setInputFiles('[data-testid="bundle-input"]', file);
  await until(() => state(page, (s) => s.analysis.origin === 'files' && s.job.kind === 'idle'), 'the imported bundle', 30000);
  const after = await state(page, (s) => ({ layer: s.layer, mode: s.mode, image: s.image, layers: s.analysis.layers.map((l) => l.name), count: s.analysis.images.count, hasModel: s.analysis.hasModel }));
  expect(JSON.stringify(after.layers) === JSON.stringify(v.layers) && after.count === v.count, `same layers and images: ${JSON.stringify(after)}`);
  expect(after.layer === v.layer && after.mode === v.mode && after.image === v.image, `same view: ${JSON.stringify(after)} vs ${JSON.stringify(v)}`);
  expect(after.hasModel, 'the zip carries the model');
  const again = await waitAblation(page, `${v.layer}|${v.source}|${v.mode}|${v.image}|${v.kind}|${v.pct}`);
  for (const r of again.rows) close(r.after, before.rows.find((x) => x.cls === r.cls).after, 1e-5, 1e-6, `class ${r.cls} after, imported`);
  await until(() => state(page, (s) => s.heatmap.status === 'ready'), 'the heatmap from the imported bundle', 20000);
  await shot(page, 'export-import');
});

test('panels download as SVG, PNG and CSV', async ({ page, baseUrl, logs }) => {
  await openDemo(page, baseUrl);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codec-fig-'));
  const { readFileSync } = await import('node:fs');
  const get = async (id) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${id}"]`)]);
    const f = path.join(dir, d.suggestedFilename());
    await d.saveAs(f);
    return readFileSync(f);
  };
  const svg = (await get('export-class-matrix-svg')).toString('utf8');
  expect(svg.startsWith('<svg') && (svg.match(/<rect/g) ?? []).length > 20 && / fill="[^"]+"/.test(svg) && !/ style="/.test(svg), `a standalone SVG of the matrix, styled by presentation attributes (${svg.slice(0, 120)})`);
  // Each figure says what it shows (the panel's title line, then the analysis).
  const model = await state(page, (s) => s.analysis.modelName);
  const layer = await state(page, (s) => s.matrix.data.layer);
  expect(svg.includes(`Modes × classes at ${layer}`) && svg.includes(`${model} · `), `the matrix SVG names its layer and analysis: ${svg.slice(0, 600)}`);
  const trends = (await get('export-layer-trends-svg')).toString('utf8');
  expect((trends.match(/<path/g) ?? []).length >= 3, 'the three trend charts in one SVG');
  expect(trends.includes('contributions (solid, orange) and activations (dashed, blue)'), 'the trends SVG has its legend in words');
  const dec = (await get('export-decomposition-svg')).toString('utf8');
  const dF = await state(page, (s) => s.decomposition.data.dF);
  expect(/Decomposition of image #\d+ at /.test(dec) && dec.includes('ΔF = F(x) − F(x₀) = '), `the decomposition SVG has its title and dF (${dF})`);
  const heat = await get('export-heatmap-png');
  expect(heat[0] === 0x89 && heat.length > 1000, `the image with its heatmap as PNG (${heat.length} bytes)`);
  const png = await get('export-class-matrix-png');
  expect(png[0] === 0x89 && png.toString('latin1', 1, 4) === 'PNG' && png.length > 1000, `a PNG (${png.length} bytes)`);
  const csv = (await get('export-class-matrix-csv')).toString('utf8');
  const nModes = await state(page, (s) => s.matrix.data.modes.length);
  expect(csv.split('\n').filter(Boolean).length === nModes + 1 && csv.startsWith('layer,source,mode,'), `the matrix CSV has a row per mode (${nModes})`);
  const modes = (await get('export-modes-csv')).toString('utf8');
  expect(modes.split('\n').filter(Boolean).length === (await state(page, (s) => s.grid.data.cards.length)) + 1, 'the modes CSV has a row per card');
  await until(() => page.locator('[data-testid="export-ablation-image-csv"]').count(), 'the ablation export');
  await until(() => state(page, (s) => s.ablation.status === 'ready'), 'the ablation');
  const abl = (await get('export-ablation-image-csv')).toString('utf8');
  const nClasses = await state(page, (s) => s.ablation.data.before.length);
  expect(abl.split('\n').filter(Boolean).length === nClasses + 1 && abl.includes('prob_after'), 'the ablation CSV has a row per class');
  const ablPng = await get('export-ablation-image-png');
  expect(ablPng.length > 500, 'the ablation bars as PNG');
  // Kept for a look: what the downloads draw.
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path.join(SHOTS, 'download-class-matrix.png'), png);
  writeFileSync(path.join(SHOTS, 'download-layer-trends.png'), await get('export-layer-trends-png'));
  writeFileSync(path.join(SHOTS, 'download-ablation-image.png'), ablPng);
  writeFileSync(path.join(SHOTS, 'download-heatmap.png'), heat);
  // No Content-Security-Policy violation (inline styles) and no other console error on the way.
  const errs = logs.filter((l) => /console\.error|pageerror/.test(l));
  expect(errs.length === 0, `no console error through the exports (${errs.length}): ${errs.slice(0, 3).join(' | ')}`);
});

test('a shared link restores its view on the build under a sub-path', async ({ page, baseUrl }) => {
  const sub = baseUrl + 'sub/dir/';
  await openDemo(page, sub);
  const v = await state(page, (s) => ({ layer: s.analysis.layers[0].name, count: s.analysis.images.count }));
  await page.selectOption('[data-testid="layer-select"]', v.layer);
  await until(() => state(page, (s) => s.grid.status === 'ready' && s.grid.data.layer === s.layer && s.ablation.status === 'ready'), 'the grid and ablation');
  let mode = await state(page, (s) => s.grid.data.cards[s.grid.data.cards.length - 1].id);
  await page.locator(`[data-testid="modes-contributions"] .mode-card[data-mode="${mode}"]`).click();
  await page.locator('[data-testid="image-strip"] .thumb').nth(3).click();
  await page.click('[data-testid="abl-kind-preserve"]');
  await until(() => state(page, (s) => s.mode === Number(new URLSearchParams(location.hash.slice(1)).get('mode')) && s.image === 3), 'the picks in the hash');
  // An image picked on its own shows its largest-share mode: the view to share is the one now on screen.
  await until(() => state(page, (s) => s.followImage === null), 'the image\'s own mode to be picked');
  mode = await state(page, (s) => s.mode);
  await page.click('[data-testid="share"]');
  const link = await page.evaluate(() => window.__codecLastShare);
  expect(link.startsWith(sub), `the link stays under the sub-path (${link})`);
  const p = await state(page, (s) => s.ablPct);
  await page.goto('about:blank');
  await openDemo(page, link.replace(sub, sub));
  await waitAblation(page, `${v.layer}|contributions|${mode}|3|preserve|${p}`);
  await until(async () => (await page.locator(`[data-testid="modes-contributions"] .mode-card.selected[data-mode="${mode}"]`).count()) === 1, 'the linked mode is selected');
  expect((await page.locator('[data-testid="panel-image"] .panel-head h2').textContent()).includes('#3'), 'image #3 is shown');
});
