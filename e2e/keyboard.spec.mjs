/**
 * Keyboard and layout of the panels (#19 items 8 and 10): a list is one tab stop that takes the
 * arrow keys (the image strip made each of its 400 thumbnails a tab stop: 433 presses to the
 * ablation slider); the class matrix and the decomposition bars work from the keys; the strip
 * pages through every image (it stopped at the first 400); no decomposition value is cut off.
 */
import { openDemo } from './lib/app.mjs';
import { expect, shot, state, test, until } from './lib/harness.mjs';

test('keyboard: lists are one tab stop each; the matrix and the decomposition take the arrow keys; the strip reaches every image', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  await until(() => state(page, (s) => s.ablation.status === 'ready'), 'the ablation panel', 60000);
  // Tab from the top of the page to the ablation slider.
  await page.evaluate(() => document.activeElement?.blur());
  let presses = 0;
  for (; presses < 150; presses++) {
    if (await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'abl-pct')) break;
    await page.keyboard.press('Tab');
  }
  expect(presses < 80, `the ablation slider is ${presses} Tab presses away (433 before)`);
  console.log(`      ${presses} Tab presses to the ablation slider`);

  // The class matrix: down picks the next mode row, right the next class's top image of that mode.
  const m = await state(page, (s) => ({ mode: s.mode, image: s.image }));
  await page.focus('[data-testid="matrix-keys"]');
  await page.keyboard.press('ArrowDown');
  await until(async () => {
    const now = await state(page, (s) => s.mode);
    return now !== null && now !== m.mode;
  }, 'the next mode row from the keys');
  await page.keyboard.press('ArrowRight');
  const want = await page.evaluate(() => {
    const s = window.__codec.store.getState();
    const mx = s.matrix.data;
    const r = mx.modes.indexOf(s.mode);
    return mx.topImage[r * mx.classNames.length + 1];
  });
  await until(() => state(page, (s) => s.image), 'an image from the keys');
  const got = await state(page, (s) => s.image);
  expect(want < 0 || got === want, `right arrow picks class 1's top image of the mode (${got} vs ${want})`);
  expect(await page.locator('[data-testid="matrix-cursor"]').count() === 1, 'a cursor shows the cell');
  expect(await page.locator('[data-testid="matrix-legend"]').count() === 1, 'the matrix has a colour legend');

  // The decomposition: down picks the image's next mode by share.
  await until(() => state(page, (s) => s.decomposition.status === 'ready' && s.decomposition.data.image === s.image), 'the decomposition');
  const bars = await state(page, (s) => s.decomposition.data.bars.map((b) => b.mode));
  const before = await state(page, (s) => s.mode);
  await page.focus('[data-testid="decomposition"]');
  await page.keyboard.press('ArrowDown');
  await until(async () => {
    const now = await state(page, (s) => s.mode);
    return bars.includes(now) && (bars.length < 2 || now !== before);
  }, `another mode of the image's decomposition (${bars.slice(0, 4)}; was ${before}; focus ${await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))})`);
  // Every value label fits in the bars' SVG.
  const clipped = await page.evaluate(() => {
    const svg = document.querySelector('[data-testid="decomposition"] svg');
    const right = svg.getBoundingClientRect().right;
    return [...svg.querySelectorAll('text.val')].filter((t) => t.getBoundingClientRect().right > right + 0.5).map((t) => t.textContent);
  });
  expect(clipped.length === 0, `no decomposition value cut off: ${clipped.join(', ')}`);

  // The layer trends: left picks the previous layer (the points are one tab stop with the arrow keys).
  const layers = await state(page, (s) => ({ all: s.analysis.layers.map((l) => l.name), now: s.layer }));
  await page.focus('[data-testid="trends-keys"]');
  await page.keyboard.press('ArrowLeft');
  const prev = layers.all[Math.max(0, layers.all.indexOf(layers.now) - 1)];
  await until(async () => (await state(page, (s) => s.layer)) === prev, `the previous layer (${prev}) from the keys`);

  // The strip pages: the next page starts at the 401st image.
  const first = async () => Number(await page.locator('[data-testid="image-strip"] [data-image]').first().getAttribute('data-image'));
  await page.click('[data-testid="strip-next"]');
  await until(async () => (await first()) === 400, 'the strip\'s second page (image 400 first)');
  const pager = await page.locator('[data-testid="strip-pager"]').textContent();
  expect(/401–800 of 2000/.test(pager), `the pager says where it is: ${pager}`);
  // A pick on that page stays on it.
  await page.click('[data-testid="image-strip"] [data-image="401"]');
  await until(() => state(page, (s) => s.image === 401), 'image 401 picked');
  expect((await first()) === 400, 'the page follows the picked image');
  // The ablation panel is below the fold: the image panel's peek shows the live ablation and
  // takes the visitor there.
  await until(() => page.locator('[data-testid="ablation-peek"]').count(), 'the ablation peek in the image panel');
  const peek = await page.locator('[data-testid="ablation-peek"]').textContent();
  const abl = await state(page, (s) => ({ kind: s.ablation.data.kind, pct: s.ablation.data.pct, mode: s.ablation.data.mode }));
  expect(peek.includes(`${abl.kind} ${abl.pct}% of #${abl.mode}`), `the peek says the ablation on screen: ${peek} (${JSON.stringify(abl)})`);
  await page.click('[data-testid="ablation-peek"]');
  await until(() => page.evaluate(() => {
    const r = document.querySelector('[data-testid="panel-ablation"]').getBoundingClientRect();
    return r.top >= 0 && r.top < window.innerHeight;
  }), 'the ablation panel scrolled into view');
  await shot(page, 'keyboard-matrix-strip');
}, { timeout: 180000 });
