/**
 * The retina view (#retina, issue 7): it draws from public/demo/retina/, and what it shows agrees
 * with report.json (the CLI's `retina-report --json`), with view.json (decoded here independently),
 * and with the planted ground truth (groundTruth.json).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { E2E_DIR, close, expect, shot, test, until } from './lib/harness.mjs';

const DIR = path.join(E2E_DIR, '..', 'public', 'demo', 'retina');
const load = (f) => JSON.parse(readFileSync(path.join(DIR, f), 'utf8'));
const f2 = (v) => v.toFixed(2);

/** int8 / 127 * scale, decoded with Buffer (the app decodes with atob). */
function unpack(p) {
  const b = Buffer.from(p.b64, 'base64');
  return Float32Array.from({ length: p.length }, (_, i) => (((b[i] << 24) >> 24) / 127) * p.scale);
}

const text = (page, sel) => page.locator(sel).first().textContent();

test('retina view: draws the model retina with the numbers of report.json and view.json', async ({ page, baseUrl }) => {
  const report = load('report.json');
  const view = load('view.json');
  const gt = load('groundTruth.json');
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(baseUrl + '#retina');
  await until(() => page.locator('[data-testid="retina-view"]').count(), 'the retina view', 20000);

  // Scores: every number from report.json.
  expect((await text(page, '[data-testid="score-heldout"]')) === f2(report.heldOutCorrelation.mean), 'held-out correlation');
  expect((await text(page, '[data-testid="score-recovered"]')) === String(report.filterMatch.shifted.recovered), 'recovered types');
  const filterRows = await page.locator('[data-testid="score-filters"] tbody tr').allTextContents();
  expect(filterRows.length === report.types.length, `filter rows ${filterRows.length}`);
  report.types.forEach((t, j) => {
    const want = `${t}${report.filterMatch.shifted.typeToChannel[j]}${f2(report.filterMatch.shifted.matched[j])}${f2(report.filterMatch.separable.matched[j])}`;
    expect(filterRows[j] === want, `filter row ${j}: ${filterRows[j]} vs ${want}`);
  });
  const cellRows = await page.locator('[data-testid="score-cells"] tbody tr').allTextContents();
  report.cells.forEach((c, i) => {
    const want = `${c.id}${c.cellClass}${f2(report.heldOutCorrelation.perCell[i])}${f2(report.layers[0].cellWiring[i])}${f2(report.irf.perCell[i].full)}`;
    expect(cellRows[i] === want, `cell row ${i}: ${cellRows[i]} vs ${want}`);
  });
  expect((await text(page, '[data-testid="score-ari-relu1"]')).includes(f2(report.layers[0].ari)), 'ARI relu1');

  // The view opens on the first movie's moment where the most modes act for the first cell (not on
  // "no mode active"), and draws the movie's frame there (gray = 128 + v * 127).
  const m0 = view.movies[0];
  const busiest = m0.moments.reduce((b, m, i) => (m.cells[0].modes.length > m0.moments[b].cells[0].modes.length ? i : b), 0);
  const t0 = m0.moments[busiest].t;
  expect(m0.moments[busiest].cells[0].modes.length > 0, 'view.json has a moment with active modes for the first cell');
  expect((await page.locator('[data-testid="retina-view"]').getAttribute('data-moment')) === String(t0), `the view opens on moment ${t0}`);
  expect((await page.locator('[data-testid="active-modes"]').getAttribute('data-modes')) === m0.moments[busiest].cells[0].modes.map((m) => m.mode).join(','), 'its active modes are shown');
  const S = view.size;
  const px = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="retina-frame"]');
    return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0));
  });
  const frames = unpack(m0.frames);
  expect(px.length === S * S, `frame pixels ${px.length}`);
  px.forEach((g, i) => close(g, Math.max(0, Math.min(255, Math.round(128 + frames[t0 * S * S + i] * 127))), 0, 1, `frame pixel ${i}`));

  // Pick a cell and a movie, jump to a moment: the IRF cosines are view.json's for that cell and moment.
  const cell = 3;
  await page.selectOption('[data-testid="retina-cell"]', String(cell));
  await page.click('[data-testid="movie-objectMotion"]');
  const mv = view.movies.find((m) => m.family === 'objectMotion');
  const mom = mv.moments[2];
  await page.click(`[data-testid="retina-rates"] path.moment[data-t="${mom.t}"]`);
  await until(async () => (await page.locator('[data-testid="retina-view"]').getAttribute('data-moment')) === String(mom.t), 'the moment');
  const ag = await page.locator('[data-testid="irf-agreement"]').evaluate((e) => ({ full: Number(e.dataset.full), rank1: Number(e.dataset.rank1) }));
  close(ag.full, mom.cells[cell].agreement.full, 0, 1e-9, 'IRF full cosine');
  close(ag.rank1, mom.cells[cell].agreement.rank1, 0, 1e-9, 'IRF rank-1 cosine');
  expect((await text(page, '[data-testid="irf-report-mean"]')) === f2(report.irf.perCell[cell].full), 'report IRF mean');
  // Channel maps: one per student channel, with view.json's net contributions.
  const nets = await page.locator('[data-testid="retina-channels"] figure').evaluateAll((fs) => fs.map((f) => Number(f.dataset.net)));
  expect(nets.length === mom.cells[cell].channelNet.length, `channel maps ${nets.length}`);
  nets.forEach((v, c) => close(v, mom.cells[cell].channelNet[c], 0, 1e-9, `channel ${c} net`));

  // Wiring: the planted bars are groundTruth.json's inputs; CODEC's profile recomputed here from view.json.
  const planted = (await page.locator('[data-testid="wiring-planted"]').getAttribute('data-values')).split(',').map(Number);
  gt.bipolarTypes.forEach((b, j) => close(planted[j], gt.cells[cell].inputs[b.id], 0, 1e-6, `planted ${b.id}`));
  const prof = view.types.map(() => 0);
  let n = 0;
  for (const m of view.movies)
    for (const mo of m.moments) {
      mo.cells[cell].channelNet.forEach((v, ch) => view.channelType[ch] >= 0 && (prof[view.channelType[ch]] += v));
      n++;
    }
  const codec = (await page.locator('[data-testid="wiring-codec"]').getAttribute('data-values')).split(',').map(Number);
  prof.forEach((v, j) => close(codec[j], v / n, 1e-9, 1e-12, `CODEC type profile ${j}`));
  const dot = prof.reduce((s, v, j) => s + v * planted[j], 0) / Math.hypot(...prof) / Math.hypot(...planted);
  expect((await text(page, '[data-testid="wiring-cosine-view"]')) === f2(dot), 'wiring cosine');
  expect((await text(page, '[data-testid="wiring-cosine-report"]')) === f2(report.layers[0].cellWiring[cell]), 'report wiring cosine');
  const modes = await page.locator('[data-testid="family-modes"] tr').evaluateAll((rs) => rs.map((r) => Number(r.dataset.mode)));
  expect(JSON.stringify(modes) === JSON.stringify(report.layers[0].familyModes[cell].objectMotion.map((m) => m.mode)), `family modes ${modes}`);

  // The IRF maps are drawn (not blank).
  const spread = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="irf-true"]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    return new Set(Array.from(d.filter((_, i) => i % 4 === 0))).size;
  });
  expect(spread > 10, `IRF map has ${spread} distinct reds`);
  const shownModes = async () => page.locator('[data-testid="active-modes"]').getAttribute('data-modes');
  expect((await shownModes()) === mom.cells[cell].modes.map((m) => m.mode).join(','), 'active modes (objectMotion)');

  // A moment where STSAE modes are active for this cell: the flash onset.
  await page.click('[data-testid="movie-flash"]');
  const fl = view.movies.find((m) => m.family === 'flash');
  const fm = fl.moments.find((m) => m.cells[cell].modes.length > 0);
  expect(fm, 'a flash moment with active modes in view.json');
  await page.click(`[data-testid="retina-rates"] path.moment[data-t="${fm.t}"]`);
  await until(async () => (await shownModes()) === fm.cells[cell].modes.map((m) => m.mode).join(','), 'the active modes at the flash');
  expect((await page.locator('[data-testid="active-modes"] canvas').count()) === fm.cells[cell].modes.length, 'one heatmap per active mode');
  // Codes at the report's tau: every shown code is >= tau.
  for (const m of fm.cells[cell].modes) expect(m.code >= report.settings.tau, `mode ${m.mode} code ${m.code} below tau`);
  await shot(page, 'retina-view');
});

test('retina view: the explorer header links to it', async ({ page, baseUrl }) => {
  await page.goto(baseUrl);
  await until(() => page.locator('[data-testid="retina-link"]').count(), 'the header link', 20000);
  await page.click('[data-testid="retina-link"]');
  await until(() => page.locator('[data-testid="retina-view"]').count(), 'the retina view after the link', 20000);
  expect(new URL(page.url()).hash === '#retina', `the hash is #retina (${page.url()})`);
});

test('the header\'s "Model retina" link opens the retina view from a bundle on screen', async ({ page, baseUrl }) => {
  await page.goto(baseUrl + '?demo=fashion-cnn');
  await until(() => page.evaluate(() => window.__codec.store.getState().analysis !== null && /layer=/.test(location.hash)), 'the demo with its view in the link', 60000);
  await page.click('[data-testid="retina-link"]');
  // Before, the explorer read #retina as a view ("unknown field") and wrote its own hash over it.
  await until(() => page.locator('[data-testid="retina-view"]').count(), 'the retina view after the click', 30000);
  expect((await page.evaluate(() => location.hash)) === '#retina', 'the address is #retina');
});
