/**
 * Completeness in the app (issue #18): the demo bundle (format version 1, which stored the symmetric
 * measure) is read with the plain error |sum C - dF| / |dF| recomputed; the layer trends panel and the
 * image panel show it, checked here against the same number computed in this test from the bundle's
 * own files; the analysis settings offer "until converged".
 */
import { readFileSync } from 'node:fs';
import { openDemo } from './lib/app.mjs';
import { expect, state, test, until } from './lib/harness.mjs';

const f32 = (file) => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

test('completeness: the plain error of the picked layer and image, recomputed from the bundle', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  // conv1: where 10 steps are furthest from converged (the demo opens on conv5, where the trapezoid is exact).
  await page.selectOption('[data-testid="layer-select"]', 'conv1');
  await until(() => state(page, (s) => s.layer === 'conv1'), 'conv1 picked');
  const s = await state(page, (s) => ({ layer: s.layer, image: s.image, bundle: s.analysis.id }));
  // Independent: the demo bundle this app opened (the CNN is the default demo).
  const dir = 'public/demo/bundles/fashion-cnn';
  const m = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8'));
  const l = m.layers.find((x) => x.name === s.layer);
  expect(l && l.isCut, `the picked layer ${s.layer} is a cut of the CNN bundle (${s.bundle})`);
  const F = f32(`${dir}/${m.outputs.F.file}`);
  const F0 = f32(`${dir}/${m.outputs.F0.file}`);
  const net = f32(`${dir}/${l.arrays.contrib_net.file}`);
  const c = l.arrays.contrib_net.shape[1];
  const err = (i) => {
    let sum = 0;
    for (let k = 0; k < c; k++) sum += net[i * c + k];
    return Math.abs(sum - (F[i] - F0[i])) / Math.abs(F[i] - F0[i]);
  };
  const pct = (v) => `${(100 * v).toFixed(v < 0.1 ? 1 : 0)}%`;
  await until(async () => (await page.locator('[data-testid="image-completeness"]').innerText().catch(() => '')).includes('conv1'), 'the image panel shows the completeness at conv1');
  const imageText = await page.locator('[data-testid="image-completeness"]').innerText();
  console.log(`      image ${s.image}: ${imageText}`);
  expect(imageText.includes(`completeness error at ${s.layer}: ${pct(err(s.image))}`), `image panel shows ${pct(err(s.image))} for image ${s.image}: ${imageText}`);
  const shortText = await page.locator('[data-testid="layer-completeness"]').innerText();
  const layerText = await page.locator('[data-testid="layer-completeness"]').getAttribute('data-full');
  console.log(`      layer: ${shortText}`);
  const errs = Array.from({ length: m.images.length }, (_, i) => ({ e: err(i), d: Math.abs(F[i] - F0[i]) }));
  const medDF = [...errs.map((x) => x.d)].sort((a, b) => a - b);
  const thr = 0.01 * (medDF.length % 2 ? medDF[medDF.length >> 1] : (medDF[medDF.length / 2 - 1] + medDF[medDF.length / 2]) / 2);
  const kept = errs.filter((x) => x.d >= thr).map((x) => x.e).sort((a, b) => a - b);
  const med = kept.length % 2 ? kept[kept.length >> 1] : (kept[kept.length / 2 - 1] + kept[kept.length / 2]) / 2;
  expect(shortText.includes(`at ${s.layer}: median ${pct(med)}`) && shortText.includes('not converged'), `the visible line: ${shortText}`);
  expect(layerText.includes(`|ΣC − ΔF| / |ΔF| at ${s.layer}: median ${pct(med)}`), `layer trends show the median plain error ${pct(med)}: ${layerText}`);
  expect(layerText.includes('symmetric measure (extra)'), 'the symmetric measure is shown only as a named extra');
  expect(med > 0.05 && layerText.includes('above 5%'), `at 10 steps the CNN's median is above 5% (${pct(med)}) and the panel says so`);
});

test('completeness: an analysis run until converged in the page stores the steps used and reaches 5%', async ({ page, baseUrl }) => {
  await page.goto(baseUrl + '?demo=fashion-cnn');
  await until(() => state(page, (s) => s.analysis !== null && s.analysis.origin === 'demo'), 'the demo bundle', 60000);
  await page.click('[data-testid="demo-model-fashion-cnn"]');
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the demo model', 60000);
  await page.selectOption('select[aria-label="How many images"]', '50');
  await page.click('[data-testid="demo-images"]');
  await until(() => state(page, (s) => s.images?.count === 50 && s.job.kind === 'idle'), 'the first 50 demo images', 60000);
  await page.evaluate(() => window.__codec.store.getState().setSettings({ layers: ['conv1'], method: 'conductance', target: 'logit', baseline: 'zeros', steps: 10, modes: false, useCache: false }));
  // The checkbox beside Steps: Steps becomes the cap (raised to 128 at least).
  await page.click('[data-testid="steps-auto"]');
  const settings = await state(page, (s) => s.settings);
  expect(settings.stepsAuto === true && settings.steps === 128, `until converged is set, with a cap of 128: ${JSON.stringify(settings)}`);
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.analysis?.origin === 'analysis' && s.job.kind === 'idle'), 'the analysis', 240000);
  const a = await state(page, (s) => ({ settings: s.analysis.settings, l: s.analysis.layers.find((x) => x.name === 'conv1'), F: Array.from(s.analysis.images.F), F0: Array.from(s.analysis.images.F0) }));
  const used = a.l.stepsUsed;
  console.log(`      steps used: ${JSON.stringify(used)}`);
  expect(a.settings.stepsAuto && a.settings.stepsAuto.cap === 128 && a.settings.stepsAuto.target === 0.05, `the analysis records until-converged settings: ${JSON.stringify(a.settings)}`);
  expect(Array.isArray(used) && used.length === 50 && used.every((v) => [8, 16, 32, 64, 128].includes(v)), 'steps used per image, doubled from 8');
  expect(used.some((v) => v > 10), 'some images needed more than the fixed 10 steps');
  // Each image: under 5% (the plain error, recomputed from the stored gap and dF) unless it stopped at the cap.
  for (let i = 0; i < 50; i++) {
    const dF = a.F[i] - a.F0[i];
    const e = a.l.completenessGap[i] / Math.abs(dF);
    expect(Math.abs(e - a.l.completeness[i]) < 1e-3 * Math.max(1, e), `image ${i}: stored error ${a.l.completeness[i]} = gap / |dF| ${e}`);
    expect(e <= 0.05 || used[i] === 128, `image ${i}: error ${e} <= 5% or at the cap (${used[i]} steps)`);
  }
  expect((await page.locator('[data-testid="loaded"]').innerText()).includes('until converged'), 'the header says the steps were run until converged');
});
