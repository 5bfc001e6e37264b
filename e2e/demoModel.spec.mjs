/**
 * A demo model analyzed afresh in the page: "analyze a demo model" loads the shipped fashion-cnn,
 * the demo test set's first 50 images go in, and conductance of conv5 (the bundle's settings:
 * 10 steps, zero baseline, the predicted class's logit) must equal the shipped demo bundle's numbers,
 * which the CLI computed in Node.
 */
import { close, expect, shot, state, test, until } from './lib/harness.mjs';

test('a demo model analyzed in the page reproduces the shipped bundle\'s contributions', async ({ page, baseUrl }) => {
  await page.goto(baseUrl + '?demo=fashion-cnn');
  await until(() => state(page, (s) => s.analysis !== null && s.analysis.origin === 'demo'), 'the demo bundle', 60000);
  const bundle = await page.evaluate(() => window.__codec.controller.client.api.checksum());
  await page.click('[data-testid="demo-model-fashion-cnn"]');
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the demo model', 60000);
  const model = await state(page, (s) => ({ name: s.model.name, layers: s.model.layers.filter((l) => l.analyzable).map((l) => l.name) }));
  expect(model.layers.includes('conv5'), `conv5 is analyzable: ${JSON.stringify(model)}`);
  await page.selectOption('select[aria-label="How many images"]', '50');
  await page.click('[data-testid="demo-images"]');
  await until(() => state(page, (s) => s.images?.count === 50 && s.job.kind === 'idle'), 'the first 50 demo images', 60000);
  await page.evaluate(() => window.__codec.store.getState().setSettings({ layers: ['conv5'], method: 'conductance', target: 'logit', baseline: 'zeros', steps: 10, modes: false, useCache: false }));
  // Every thumbnail drawn while the new analysis replaces the bundle must cut its own sprite: sample
  // each thumbnail's (sprite URL, sprite size) pair every 15 ms through the switch.
  await page.evaluate(() => {
    const seen = new Set();
    window.__thumbBefore = new Set([...document.querySelectorAll('.thumb-img')].map((el) => /url\("?([^")]+)"?\)/.exec(el.style.backgroundImage)?.[1]).filter(Boolean));
    window.__thumbPairs = seen;
    window.__thumbTimer = setInterval(() => {
      for (const el of document.querySelectorAll('.thumb-img')) {
        const m = /url\("?([^")]+)"?\)/.exec(el.style.backgroundImage);
        if (m) seen.add(`${m[1]} ${el.style.backgroundSize}`);
      }
    }, 15);
  });
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.analysis?.origin === 'analysis'), 'the analysis', 120000, 250);
  // Sampling goes on until every thumbnail shows the new analysis' sprite (a URL not seen before the click).
  await until(() => page.evaluate(() => {
    const urls = [...document.querySelectorAll('.thumb-img')].map((el) => /url\("?([^")]+)"?\)/.exec(el.style.backgroundImage)?.[1] ?? null);
    return urls.length > 0 && urls.every((u) => u !== null && !window.__thumbBefore.has(u));
  }), 'every thumbnail drawn from the new analysis\' sprite', 30000);
  const pairs = await page.evaluate(async () => {
    clearInterval(window.__thumbTimer);
    const out = [];
    for (const p of window.__thumbPairs) {
      const [url, w, h] = p.split(' ');
      const img = new Image();
      img.src = url;
      await img.decode();
      out.push({ url, size: [parseFloat(w), parseFloat(h)], natural: [img.naturalWidth, img.naturalHeight] });
    }
    return out;
  });
  expect(pairs.length >= 2, `thumbnails sampled before and after the switch: ${pairs.length} (sprite URL, size) pairs`);
  for (const p of pairs) {
    const drawn = p.size[0] / p.size[1];
    const sprite = p.natural[0] / p.natural[1];
    expect(Math.abs(drawn / sprite - 1) < 0.01, `a thumbnail cut a sprite of ${p.natural.join('x')} px as if it were ${p.size.join('x')} (aspect ${sprite.toFixed(3)} vs ${drawn.toFixed(3)}): another analysis' sprite`);
  }
  const errors = await state(page, (s) => s.messages.filter((m) => m.level === 'error').map((m) => m.message));
  expect(errors.length === 0, `no error: ${errors.join(' | ')}`);
  const mine = await page.evaluate(() => window.__codec.controller.client.api.checksum());
  const want = bundle.layers.conv5;
  const got = mine.layers.conv5;
  expect(want?.length > 0 && got?.length === want.length, `conv5 contributions in both (${want?.length}, ${got?.length})`);
  const scale = Math.max(...want.map(Math.abs));
  want.forEach((v, i) => close(got[i], v, 0, 1e-3 * scale, `conv5 contribution[${i}]`));
  mine.F.forEach((f, i) => close(f, bundle.F[i], 1e-4, 1e-4, `F[${i}]`));
  console.log(`      ${model.name}: conv5 contributions (${want.length} values) and F of ${mine.F.length} images equal the shipped bundle's`);
  await shot(page, 'demo-model-analyzed');
}, { timeout: 240000 });
