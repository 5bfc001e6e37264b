/**
 * What a first-time researcher's walk through the built app found misleading (a fresh user's
 * walkthrough on a real MobileNetV2, 2026-12-04), each checked here: the demo's dictionaries say
 * they carry no fit-quality record instead of showing nothing; with a model loaded for a new
 * analysis the header says the panels still show the previous one; the layer list marks a cut as
 * "cut" (a bare "✓" read as "selected"); a finished run says so and drops an earlier cancel's banner.
 */
import { MODEL, setSteps } from './lib/app.mjs';
import path from 'node:path';
import { expect, FIXTURES, state, test, until } from './lib/harness.mjs';

test('walkthrough findings: older bundles say they have no fit record, the previous analysis is labelled, cuts are named, a finished run says so', async ({ page, baseUrl }) => {
  await page.goto(baseUrl);
  await until(() => state(page, (s) => s.analysis !== null && s.grid.status === 'ready'), 'the demo');
  const note = await page.locator('[data-testid="fit-quality-contributions"]').textContent();
  expect(/no fit-quality record/.test(note), `the demo's dictionary says it has no fit-quality record: ${note}`);
  // Load another model: the panels still show the demo, and the header says so.
  await page.setInputFiles('[data-testid="model-input"]', MODEL);
  await until(() => state(page, (s) => s.model !== null && s.job.kind === 'idle'), 'the tiny model');
  await until(() => page.locator('[data-testid="previous-analysis"]').count(), 'the previous-analysis label in the header');
  const picker = await page.locator('[data-testid="layer-pick"]').textContent();
  expect(!picker.includes('✓') && /cut/.test(picker), `the layer list names cuts: ${picker.slice(0, 200)}`);
  // A cancelled run, then a finished one: the cancel's banner goes, a "done" note comes.
  await page.setInputFiles('[data-testid="images-folder-input"]', path.join(FIXTURES, 'images'));
  await until(() => state(page, (s) => s.images !== null && s.job.kind === 'idle'), 'the images');
  await setSteps(page, 256, false, false);
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'analyzing' && s.job.progress !== null), 'the run to start', 60000);
  await page.click('[data-testid="cancel"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.messages.some((m) => /cancel/i.test(m.title))), 'the cancel', 60000);
  await setSteps(page, 4, false, false);
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.analysis?.origin === 'analysis' && !s.analysis.partial), 'the finished run', 120000);
  const titles = await state(page, (s) => s.messages.map((m) => m.title));
  expect(titles.includes('Analysis done') && !titles.some((t) => /cancel/i.test(t)), `a done note, no cancel banner: ${titles.join(', ')}`);
  expect((await page.locator('[data-testid="previous-analysis"]').count()) === 0, 'the header no longer says previous analysis');
}, { timeout: 300000 });
