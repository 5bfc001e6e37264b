/**
 * The heatmap's colour bar and mask (#19 item 2): the colour bar always labels -max, 0 and +max
 * (at input resolution it showed only "0"), and the mask view says that it hides the heatmap and
 * disables the opacity slider that then did nothing; back at layer resolution the heatmap shows.
 */
import { openDemo } from './lib/app.mjs';
import { expect, shot, state, test, until } from './lib/harness.mjs';

const fmt = (v) => {
  // d3.format('.2~g') for the magnitudes a heatmap has (no exponent needed here).
  const s = Number(v.toPrecision(2)).toString();
  return s.replace('-', '−');
};

test('heatmap colour bar labels -max, 0, +max; the mask hides the heatmap and says so', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  await page.selectOption('[data-testid="resolution"]', 'input');
  await until(() => state(page, (s) => s.heatmap.status === 'ready' && s.heatmap.data.resolution === 'input'), 'the input-resolution heatmap', 60000);
  const m = await state(page, (s) => s.heatmap.data.maxAbs);
  const ticks = await page.locator('[data-testid="legend"] .tick text').allTextContents();
  expect(ticks.length === 3 && ticks[1] === '0' && ticks[0] === fmt(-m) && ticks[2] === fmt(m), `ticks -max, 0, +max for max ${m}: ${JSON.stringify(ticks)}`);
  await shot(page, 'heatmap-input-legend');
  await page.check('[data-testid="mask"]');
  await until(() => page.locator('[data-testid="mask-note"]').count(), 'the mask note');
  expect(await page.locator('[data-testid="opacity"]').isDisabled(), 'the opacity slider is disabled while the mask shows');
  expect((await page.locator('[data-testid="legend"]').count()) === 0, 'no colour bar for the mask');
  await shot(page, 'heatmap-mask');
  // At layer resolution there is no mask: the heatmap is drawn (opaque pixels on the overlay).
  await page.selectOption('[data-testid="resolution"]', 'layer');
  await until(() => state(page, (s) => s.heatmap.status === 'ready' && s.heatmap.data.resolution === 'layer'), 'the layer-resolution heatmap', 60000);
  const drawn = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="image-view"] canvas.overlay');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  expect(drawn > 0 && !(await page.locator('[data-testid="opacity"]').isDisabled()), `the heatmap is drawn at layer resolution (${drawn} opaque pixels) and opacity works`);
});
