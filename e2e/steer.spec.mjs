/**
 * Steering by a mode (issue #28): the factor slider moves the picked image's bars live (scale:
 * factor 1 equals the unablated output, 0 equals destroy, 1.5 equals the CLI's `ablate --scale
 * 1.5`), the link holds the factor (`steer=1.5`), the per-class accuracy follows the release, and
 * an activation mode's atom direction ('add') moves the bars too.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { openDemo } from './lib/app.mjs';
import { close, E2E_DIR, expect, shot, state, test, until } from './lib/harness.mjs';

const ROOT = path.resolve(E2E_DIR, '..');

function bundleDir(ref) {
  if (ref.includes('fixture/')) return path.join(E2E_DIR, 'fixtures', 'out', 'bundle');
  return path.join(ROOT, 'public', ref.replace(/^\.?\//, ''));
}

async function drawn(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('[data-testid="abl-bars"]');
    const rows = Array.from(document.querySelectorAll('[data-testid="abl-bars"] g.abl-row')).map((g) => ({ cls: Number(g.getAttribute('data-class')), before: Number(g.getAttribute('data-before')), after: Number(g.getAttribute('data-after')), logit: Number(g.getAttribute('data-logit-after')) }));
    return { key: svg?.getAttribute('data-key') ?? null, steer: svg?.getAttribute('data-steer') ?? null, rows };
  });
}

/** The bars once they show `key` with steering `steer` (null: not steering). */
function waitBars(page, key, steer) {
  return until(async () => {
    const d = await drawn(page);
    return d.key === key && d.steer === steer && d.rows.length > 0 ? d : null;
  }, `the ablation bars for ${key} steered ${steer}`, 30000);
}

/** Moves the factor slider to `to` with the keyboard (0.05 a press): every step is a live update. */
async function slideFactor(page, from, to) {
  await page.locator('[data-testid="steer-factor"]').focus();
  const n = Math.round(Math.abs(to - from) / 0.05);
  for (let i = 0; i < n; i++) await page.keyboard.press(to > from ? 'ArrowRight' : 'ArrowLeft', { delay: 10 });
  await until(async () => (await page.locator('[data-testid="steer-value"]').textContent()) === `×${to}`, `the factor reads ×${to}`);
}

test('steer: the factor slider moves the bars, the link holds the factor', async ({ page, baseUrl }) => {
  await openDemo(page, baseUrl);
  const s = await state(page, (s) => ({ layer: s.layer, mode: s.mode, image: s.image, source: s.source, pct: s.ablPct, bundle: window.__codec.controller.bundleRef }));
  const key = `${s.layer}|${s.source}|${s.mode}|${s.image}|destroy|${s.pct}`;
  const destroyed = await waitBars(page, key, null);
  await page.click('[data-testid="abl-kind-scale"]');
  // Factor 1: exactly the unablated output.
  const one = await waitBars(page, key, 'scale:1');
  for (const r of one.rows) close(r.after, r.before, 0, 1e-6, `factor 1 leaves class ${r.cls} unchanged`);
  // Factor 0 equals destroy.
  await slideFactor(page, 1, 0);
  const zero = await waitBars(page, key, 'scale:0');
  for (const r of zero.rows) {
    const d = destroyed.rows.find((x) => x.cls === r.cls);
    if (d) close(r.logit, d.logit, 1e-5, 1e-5, `factor 0 equals destroy for class ${r.cls}`);
  }
  // Factor 1.5: the bars move away from both, and equal the CLI's --scale 1.5.
  await slideFactor(page, 0, 1.5);
  const up = await waitBars(page, key, 'scale:1.5');
  expect(up.rows.some((r) => Math.abs(r.logit - (one.rows.find((x) => x.cls === r.cls)?.logit ?? NaN)) > 1e-4 || !one.rows.some((x) => x.cls === r.cls)), `the bars moved between factor 1 and 1.5: ${JSON.stringify(one.rows)} vs ${JSON.stringify(up.rows)}`);
  const cli = spawnSync('npx', ['tsx', 'src/cli/bin.ts', 'ablate', bundleDir(s.bundle), '--layer', s.layer, '--mode', String(s.mode), '--pct', String(s.pct), '--scale', '1.5', '--image', String(s.image), '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  expect(cli.status === 0, `codec ablate --scale ran: ${cli.stderr.slice(-800)}`);
  const c = JSON.parse(cli.stdout.slice(cli.stdout.indexOf('{')));
  for (const r of up.rows) close(r.after, c.rows[0].after[r.cls], 1e-4, 1e-5, `class ${r.cls} after scaling by 1.5 (page vs CLI)`);
  // The link holds the factor; the accuracy follows the release (the idle commit of a key move).
  await until(() => page.evaluate(() => /(^|&|#)steer=1\.5(&|$)/.test(location.hash)), 'steer=1.5 in the link');
  await until(() => page.evaluate(() => document.querySelector('[data-testid="abl-accuracy"]')?.getAttribute('data-steer') === 'scale:1.5'), 'the per-class accuracy after scaling by 1.5', 60000);
  await shot(page, 'steer-scale');
  // A reload of the link restores the steering.
  const hash = await page.evaluate(() => location.hash);
  await page.reload();
  await until(() => state(page, (s) => s.analysis !== null && s.steerKind === 'scale' && s.steerFactor === 1.5), 'the link restores scale x1.5', 30000);
  await waitBars(page, key, 'scale:1.5');
  expect((await page.locator('[data-testid="steer-factor"]').inputValue()) === '1.5', 'the slider is at 1.5 after the reload');
  expect((await page.evaluate(() => location.hash)) === hash, 'the reload kept the link');
  // An activation mode: add its atom direction; the bars move from the unsteered output.
  await page.evaluate(() => window.__codec.store.getState().setShowActivations(true));
  await until(() => page.locator('[data-testid="modes-activations"] .mode-card').count(), 'activation mode cards', 30000);
  await page.locator('[data-testid="modes-activations"] .mode-card').first().click();
  await until(() => state(page, (s) => s.source === 'activations' && s.mode !== null), 'an activation mode picked');
  await page.click('[data-testid="abl-kind-add"]');
  const a = await state(page, (s) => ({ mode: s.mode, image: s.image, layer: s.layer, pct: s.ablPct }));
  const akey = `${a.layer}|activations|${a.mode}|${a.image}|destroy|${a.pct}`;
  await slideFactor(page, 1.5, 1);
  const add1 = await waitBars(page, akey, 'add:1');
  for (const r of add1.rows) close(r.after, r.before, 0, 1e-6, `add at factor 1 leaves class ${r.cls} unchanged`);
  await slideFactor(page, 1, 3);
  const add3 = await waitBars(page, akey, 'add:3');
  expect(add3.rows.some((r) => Math.abs(r.after - r.before) > 1e-4), `adding the atom direction (factor 3) moved the bars: ${JSON.stringify(add3.rows)}`);
  await until(() => page.evaluate(() => /(^|&|#)steer=add:3(&|$)/.test(location.hash)), 'steer=add:3 in the link');
  await shot(page, 'steer-add');
});
