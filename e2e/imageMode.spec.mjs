/**
 * The image's own modes and one colour scale per image (#19 item 1): the demo opens on image 0's
 * largest-share mode (it opened on mode 92, which is not in image 0's decomposition), an image
 * picked from the strip moves to its largest-share mode, and every mode's heatmap on an image
 * shares one colour scale, equal to the largest |value| over the layer's alive modes' maps
 * (recomputed here mode by mode through the worker), so a mode that barely acts draws faint.
 */
import { openDemo } from './lib/app.mjs';
import { expect, shot, state, test, until } from './lib/harness.mjs';

const topMode = (p) => state(p, (s) => (s.decomposition.status === 'ready' ? s.decomposition.data.bars[0]?.mode ?? null : null));

test('the view starts from the image\'s largest-share mode, and one colour scale per image over its modes', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  await until(async () => {
    const v = await state(page, (s) => ({ mode: s.mode, image: s.image, d: s.decomposition.status === 'ready' && s.decomposition.data.image === s.image ? s.decomposition.data.bars[0]?.mode : undefined }));
    return v.d !== undefined && v.mode === v.d;
  }, 'the first view on image 0\'s largest-share mode', 30000);
  // A thumbnail of the strip: the mode follows to that image's largest-share mode.
  await page.click('[data-testid="image-strip"] [data-image="5"]');
  await until(async () => {
    const v = await state(page, (s) => ({ mode: s.mode, image: s.image }));
    const top = await topMode(page);
    return v.image !== 0 && top !== null && v.mode === top;
  }, 'the picked image\'s largest-share mode', 30000);
  // One scale for the image: every alive mode's map at layer resolution, mode by mode.
  const r = await page.evaluate(async () => {
    const s = window.__codec.store.getState();
    const api = window.__codec.controller.client.api;
    const grid = await api.modeGrid(s.layer, 'contributions');
    const maps = [];
    for (const c of grid.cards) maps.push(await api.heatmap({ image: s.image, layer: s.layer, mode: c.id, source: 'contributions', resolution: 'layer' }));
    return { scales: [...new Set(maps.map((m) => m.scale))], maxes: maps.map((m) => m.maxAbs), top: s.mode, over: maps[0].scaleOver, n: maps.length };
  });
  const largest = Math.max(...r.maxes);
  expect(r.scales.length === 1 && r.over === 'every alive mode', `one scale for the image over its ${r.n} modes: ${JSON.stringify(r.scales)}`);
  // Bilinear upsampling never exceeds the layer-grid maximum the scale is taken on.
  expect(r.scales[0] >= largest && r.scales[0] <= largest * 1.5 + 1e-9, `the scale (${r.scales[0]}) is the largest mode's reach (${largest})`);
  const weak = r.maxes.filter((m) => m < 0.25 * r.scales[0]).length;
  console.log(`      image scale ${r.scales[0].toPrecision(3)} over ${r.n} modes; ${weak} of them reach under a quarter of it (drawn faint)`);
  await shot(page, 'image-top-mode');
}, { timeout: 240000 });
