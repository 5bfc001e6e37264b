/**
 * The app on its demo bundle: it opens with every panel drawn, and the panels follow each other
 * (layer -> mode grid, mode -> heatmap, matrix cell -> mode and image, bar -> mode, keys).
 */
import { openDemo } from './lib/app.mjs';
import { expect, shot, state, test, until } from './lib/harness.mjs';

test('opens on the demo with every panel drawn', async ({ page, baseUrl, logs }) => {
  // The built app asks only for what it ships: no request fails on a first load (it probed the
  // test fixture's bundle, a 404 on any static host).
  const failed = [];
  // (A HEAD probe that the browser ends once it has the headers reports ERR_ABORTED: not a failure.)
  page.on('requestfailed', (r) => !(r.method() === 'HEAD' && /ERR_ABORTED/.test(r.failure()?.errorText ?? '')) && failed.push(`${r.method()} ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.request().method()} ${r.url()} (${r.status()})`));
  const fixture = [];
  page.on('request', (r) => r.url().includes('/fixture/') && fixture.push(r.url()));
  await openDemo(page, baseUrl);
  expect(failed.length === 0, `no failed request while the demo opens: ${failed.join(', ')}`);
  // The e2e server serves the test fixture, so a probe of it would not fail here: none is made.
  expect(fixture.length === 0, `no request for the test fixture (absent from a real host): ${fixture.join(', ')}`);
  const s = await state(page, (s) => ({ id: s.analysis.id, layers: s.analysis.layers.length, layer: s.layer, mode: s.mode, image: s.image, heat: s.heatmap.status, backend: s.backend?.active, demos: s.demos.map((d) => d.name) }));
  console.log(`      demo: ${s.demos.join(', ')}; ${s.layers} layers; backend ${s.backend}`);
  expect(s.layer && s.mode !== null && s.image === 0, `a layer, a mode and image 0 are picked: ${JSON.stringify(s)}`);
  expect(s.heat === 'ready', `the heatmap is drawn (status ${s.heat})`);
  expect((await page.locator('.trend-chart path').count()) >= 3, 'trend lines are drawn');
  expect((await page.locator('[data-testid="class-matrix"] rect[data-mode]').count()) > 0, 'the class matrix has cells');
  expect((await page.locator('[data-testid="decomposition"] .row').count()) >= 2, 'the decomposition has bars and a residual');
  expect((await page.locator('[data-testid="banner-error"]').count()) === 0, 'no error banner');
  expect(!logs.some((l) => l.includes('pageerror')), `no page errors: ${logs.join(' | ')}`);
  // The thumbnails (mode cards, image strip) are cut from the bundle's sprite once it is decoded.
  await until(() => page.evaluate(() => {
    const t = [...document.querySelectorAll('.thumb-img')];
    return t.length > 0 && t.every((el) => el.style.backgroundImage.startsWith('url('));
  }), 'every thumbnail drawn from the sprite', 15000);
  let problems = await layoutProblems(page);
  expect(problems.length === 0, `layout at 1280x800: ${problems.join('; ')}`);
  await shot(page, 'demo-1280x800');
  await shot(page, 'main-view');
  // With the activation modes beside the contribution modes the cards are narrow.
  await page.evaluate(() => window.__codec.store.getState().setShowActivations(true));
  await until(() => page.locator('[data-testid="modes-activations"] .mode-card').count(), 'the activation mode cards');
  problems = await layoutProblems(page);
  expect(problems.length === 0, `layout at 1280x800 with activation modes: ${problems.join('; ')}`);
  await shot(page, 'demo-1280x800-activations');
  await page.evaluate(() => window.__codec.store.getState().setShowActivations(false));
  await page.setViewportSize({ width: 1920, height: 1080 });
  // The panels re-lay out after the resize (ResizeObserver, then React): wait until nothing is clipped.
  await until(async () => (await layoutProblems(page)).length === 0, 'the layout at 1920x1080 to settle with nothing clipped', 10000).catch(() => undefined);
  problems = await layoutProblems(page);
  expect(problems.length === 0, `layout at 1920x1080: ${problems.join('; ')}`);
  await shot(page, 'demo-1920x1080');
});

/** What does not fit: a page that scrolls sideways, a panel past the right edge or with no room, clipped text in a panel head or a mode card head. */
function layoutProblems(page) {
  return page.evaluate(() => {
    const out = [];
    const vw = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > vw + 1) out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw} px)`);
    for (const p of document.querySelectorAll('.panel')) {
      const r = p.getBoundingClientRect();
      const name = p.getAttribute('data-testid');
      if (r.right > vw + 1) out.push(`panel ${name} ends at ${Math.round(r.right)} px of ${vw}`);
      if (r.width < 200 || r.height < 120) out.push(`panel ${name} is ${Math.round(r.width)}x${Math.round(r.height)} px`);
      const head = p.querySelector('.panel-head');
      if (head && head.scrollWidth > head.clientWidth + 1) out.push(`panel ${name}'s head is clipped (${head.scrollWidth} > ${head.clientWidth} px)`);
    }
    document.querySelectorAll('.mode-head').forEach((h, i) => {
      if (h.scrollWidth > h.clientWidth + 1) out.push(`mode card ${i}'s head is clipped (${h.scrollWidth} > ${h.clientWidth} px)`);
      // The class name in full, not cut to "Tr…".
      const c = h.querySelector('.mode-class');
      if (c && c.scrollWidth > c.clientWidth + 1) out.push(`mode card ${i}'s class name is cut (${c.textContent})`);
    });
    return out;
  });
}

test('picking a layer updates the mode grid', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  const layers = await state(page, (s) => s.analysis.layers.map((l) => l.name));
  const before = await state(page, (s) => ({ layer: s.layer, grid: s.grid.data?.layer }));
  const other = layers.find((l) => l !== before.layer);
  await page.selectOption('[data-testid="layer-select"]', other);
  await until(() => state(page, (s) => s.grid.status === 'ready' && s.grid.data.layer), 'the new grid');
  const after = await state(page, (s) => ({ layer: s.layer, grid: s.grid.data.layer, cards: s.grid.data.cards.length, channels: s.grid.data.channels }));
  expect(after.layer === other && after.grid === other, `grid follows the layer: ${JSON.stringify(after)}`);
  await until(async () => (await page.locator('.panel-head h2', { hasText: `of ${other}` }).count()) === 1, 'the panel title names the layer');
  // The trend charts highlight the picked layer; a click on another layer there picks it too.
  await until(async () => (await page.locator(`.trend-chart rect.hit.picked[data-layer="${other}"]`).count()) === 3, 'trend highlight');
  await page.locator(`.trend-chart rect.hit[data-layer="${before.layer}"]`).first().click();
  await until(() => state(page, (s) => s.grid.status === 'ready' && s.grid.data.layer === s.layer && s.layer), 'grid after trend click');
  expect((await state(page, (s) => s.layer)) === before.layer, 'a click in the trends picks the layer');
  await shot(page, 'layer-picked');
});

test('picking a mode updates the heatmap', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  const first = await state(page, (s) => ({ mode: s.mode, key: s.heatmap.key }));
  const cards = page.locator('[data-testid="modes-contributions"] .mode-card');
  const n = await cards.count();
  expect(n >= 2, `at least two modes (${n})`);
  const target = await cards.nth(1).getAttribute('data-mode');
  await cards.nth(1).click();
  await until(() => state(page, (s) => s.heatmap.status === 'ready' && s.heatmap.data.mode === s.mode && s.mode), 'the new heatmap');
  const view = await page.locator('[data-testid="image-view"]').getAttribute('data-heatmap');
  expect(view.split('|')[1] === target, `the drawn heatmap is of mode ${target} (${view})`);
  expect(first.mode !== Number(target), 'the mode changed');
  // The overlay holds coloured pixels (not blank).
  const painted = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="image-view"] canvas.overlay');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let coloured = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && !(d[i] > 245 && d[i + 1] > 245 && d[i + 2] > 245)) coloured++;
    return coloured;
  });
  expect(painted > 0, 'the heatmap overlay is painted');
  // Input resolution too.
  await page.selectOption('[data-testid="resolution"]', 'input');
  await until(() => state(page, (s) => s.heatmap.status === 'ready' && s.heatmap.data.resolution === 'input'), 'input-resolution heatmap');
  await shot(page, 'mode-picked');
});

test('keyboard, matrix and decomposition picks are linked', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  const m0 = await state(page, (s) => s.mode);
  await page.locator('[data-testid="modes-contributions"]').focus();
  await page.keyboard.press('ArrowRight');
  await until(async () => (await state(page, (s) => s.mode)) !== m0, 'ArrowRight moves the pick');
  // A matrix cell picks its mode and the class's top image.
  const cell = page.locator('[data-testid="class-matrix"] rect[data-mode]').nth(5);
  const [cm, cc] = [Number(await cell.getAttribute('data-mode')), Number(await cell.getAttribute('data-class'))];
  await cell.click();
  await until(() => state(page, (s) => s.mode), 'matrix pick');
  const after = await state(page, (s) => ({ mode: s.mode, image: s.image, labels: s.analysis.images.labels ? Array.from(s.analysis.images.labels) : Array.from(s.analysis.images.predicted) }));
  expect(after.mode === cm, `matrix click picks mode ${cm} (got ${after.mode})`);
  expect(after.labels[after.image] === cc, `matrix click picks an image of class ${cc}`);
  // A decomposition bar picks its mode.
  await until(() => state(page, (s) => s.decomposition.status === 'ready' && s.decomposition.data.image === s.image), 'decomposition');
  const bar = page.locator('[data-testid="decomposition"] .row.mode').first();
  const bm = Number(await bar.getAttribute('data-mode'));
  await bar.click();
  await until(async () => (await state(page, (s) => s.mode)) === bm, `bar click picks mode ${bm}`);
  // Filter: misclassified images only.
  const hasLabels = await state(page, (s) => !!s.analysis.images.labels);
  if (hasLabels) {
    await page.selectOption('[data-testid="image-filter"]', 'misclassified');
    const shown = await page.locator('[data-testid="image-strip"] .thumb').count();
    const wrong = await state(page, (s) => Array.from(s.analysis.images.labels).filter((l, i) => l !== s.analysis.images.predicted[i]).length);
    expect(shown === Math.min(wrong, 400), `the strip shows the ${wrong} misclassified images (${shown})`);
  }
  await shot(page, 'linked-picks');
});

test('the built app works under a sub-path (relative base)', async ({ page, baseUrl }) => {
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await openDemo(page, baseUrl + 'sub/dir/');
  const outside = requests.filter((p) => p.startsWith('/') && !p.startsWith('/sub/dir/'));
  expect(outside.length === 0, `every request stays under /sub/dir/: ${outside.slice(0, 5).join(', ')}`);
  expect(requests.some((p) => p.endsWith('.wasm')), 'the WASM binary came from the sub-path');
});
