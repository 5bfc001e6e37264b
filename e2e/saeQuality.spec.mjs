/**
 * Dictionary fit quality in the page (issue 15): a fit made poor on purpose (one SAE step, set in
 * the analysis settings' advanced fold) shows the poor mark and its plain warning in the mode
 * grid's head, with the validation R² and alive modes the bundle holds.
 */
import { loadOwn, setSteps } from './lib/app.mjs';
import { expect, shot, state, test, until } from './lib/harness.mjs';

test('a one-step SAE fit shows the poor-fit warning in the mode grid', async ({ page, baseUrl }) => {
  await loadOwn(page, baseUrl);
  await setSteps(page, 4);
  await page.evaluate(() => window.__codec.store.getState().setSettings({ layers: ['conv3'] }));
  await page.click('[data-testid="sae-advanced"] summary');
  await page.fill('[data-testid="sae-steps"]', '1');
  await until(() => state(page, (s) => s.settings.saeSteps === 1), 'SAE steps = 1 in the settings');
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.analysis?.origin === 'analysis'), 'the analysis to finish', 120000);
  const q = await state(page, (s) => s.analysis.layers.find((l) => l.name === 'conv3').dictionaries.contributions.quality);
  expect(q && q.mark === 'poor' && q.steps === 1, `the bundle's quality record: ${JSON.stringify(q)}`);
  const warning = page.locator('[data-testid="fit-warning-contributions"]');
  await until(() => warning.count(), 'the poor-fit warning in the mode grid', 30000);
  const text = await warning.textContent();
  expect(/^Poor fit \(R² -?\d+\.\d\d, \d+ of \d+ modes alive.*\): these modes do not describe the layer well\. Try more images \(\d+ were used\), more steps, or fewer modes\.$/.test(text), `the warning says what to do: ${text}`);
  const head = await page.locator('[data-testid="fit-quality-contributions"]').textContent();
  expect(head.startsWith('poor') && head.includes(`val R² ${q.r2.toFixed(2)}`) && head.includes(`${q.alive}/${q.alive + q.dead} alive`), `the head shows mark, R² and alive: ${head}`);
  console.log(`      head: ${head}`);
  await warning.scrollIntoViewIfNeeded();
  await shot(page, 'sae-poor-fit');
});
