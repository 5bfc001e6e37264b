/**
 * The panels' controls on the demo, each checked against the worker's own numbers: the mode sort
 * orders the cards by the field named, the activation toggle shows the activation modes beside,
 * the opacity slider sets the overlay's opacity, and the image filters list exactly the images of
 * a label, a predicted class, or the misclassified ones.
 */
import { openDemo } from './lib/app.mjs';
import { expect, shot, state, test, until } from './lib/harness.mjs';

const order = (page, source) => page.locator(`[data-testid="modes-${source}"] .mode-card`).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-mode'))));

test('mode sort, activation toggle, opacity and image filters do what they say', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  const layer = await state(page, (s) => s.layer);
  const cards = await page.evaluate((l) => window.__codec.controller.client.api.modeGrid(l, 'contributions').then((g) => g.cards.map((c) => ({ id: c.id, frequency: c.frequency, selectivity: c.selectivity, share: c.share }))), layer);
  expect(cards.length >= 3, `modes to sort (${cards.length})`);
  for (const key of ['selectivity', 'share', 'frequency']) {
    await page.selectOption('[data-testid="mode-sort"]', key);
    await until(async () => {
      const ids = await order(page, 'contributions');
      const vals = ids.map((id) => cards.find((c) => c.id === id)[key]).map((v) => (Number.isFinite(v) ? v : -Infinity));
      return ids.length === cards.length && vals.every((v, i) => i === 0 || vals[i - 1] >= v);
    }, `cards in decreasing ${key}`);
  }
  // Activation modes beside the contribution modes.
  expect((await page.locator('[data-testid="modes-activations"]').count()) === 0, 'no activation modes before the toggle');
  await page.check('[data-testid="toggle-act"]');
  await until(async () => (await page.locator('[data-testid="modes-activations"] .mode-card').count()) > 0, 'activation mode cards');
  const actCount = await page.evaluate((l) => window.__codec.controller.client.api.modeGrid(l, 'activations').then((g) => g.cards.length), layer);
  expect((await page.locator('[data-testid="modes-activations"] .mode-card').count()) === actCount, `every activation mode is shown (${actCount})`);
  await shot(page, 'activation-modes');
  await page.uncheck('[data-testid="toggle-act"]');
  // Opacity.
  await page.locator('[data-testid="opacity"]').fill('0.3');
  await until(async () => (await page.locator('[data-testid="image-view"] canvas.overlay').evaluate((c) => getComputedStyle(c).opacity)) === '0.3', 'overlay opacity 0.3');
  // Filters: label k, predicted k, misclassified, against the analysis' labels and predictions.
  const facts = await state(page, (s) => ({ labels: s.analysis.images.labels, predicted: Array.from(s.analysis.images.predicted), count: s.analysis.images.count }));
  const stripCount = async () => Number(((await page.locator('[data-testid="strip-count"]').textContent()) ?? '').match(/^(\d+) image/)?.[1]);
  const cases = [
    ['class:3', facts.labels.filter((l) => l === 3).length],
    ['predicted:3', facts.predicted.filter((p) => p === 3).length],
    ['misclassified', facts.labels.filter((l, i) => l !== facts.predicted[i]).length],
    ['all', facts.count],
  ];
  for (const [value, want] of cases) {
    await page.selectOption('[data-testid="image-filter"]', value);
    await until(async () => (await stripCount()) === want, `filter ${value}: ${want} images`);
    if (value === 'misclassified') {
      // Every thumbnail shown is one the model gets wrong.
      const shown = await page.locator('[data-testid="image-strip"] [data-image], [data-testid="image-strip"] canvas[data-index], [data-testid="image-strip"] [data-index]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-image') ?? e.getAttribute('data-index'))).filter((v) => Number.isInteger(v)));
      expect(shown.every((i) => facts.labels[i] !== facts.predicted[i]), `misclassified strip shows only misclassified images (${shown.length} checked)`);
    }
  }
  console.log(`      ${cards.length} modes sorted 3 ways, ${actCount} activation modes, filters: ${cases.map(([v, n]) => `${v} ${n}`).join(', ')}`);
});
