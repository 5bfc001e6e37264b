/**
 * Share links of an analysis that is not a hosted bundle (#19 item 7): the link names the
 * analysis by its tag, and opened where that analysis is not (another browser) it says so and
 * shows no view of it on the demo; opened where it is (this browser, restored from storage) the
 * view comes back whole, with the display fields (heatmap resolution, mask, sort, activation modes).
 */
import { loadOwn, setSteps } from './lib/app.mjs';
import { expect, state, test, until } from './lib/harness.mjs';

test('a link to an analysis made in the page names it: elsewhere it says so, here its whole view comes back', async ({ page, baseUrl }) => {
  await loadOwn(page, baseUrl);
  await setSteps(page, 4, false, false);
  await page.evaluate(() => window.__codec.store.getState().setSettings({ layers: ['conv2', 'conv3'] }));
  await page.click('[data-testid="analyze"]');
  await until(() => state(page, (s) => s.job.kind === 'idle' && s.analysis?.origin === 'analysis'), 'the analysis', 120000);
  const layers = await state(page, (s) => s.analysis.layers.map((l) => l.name));
  await page.evaluate((l) => {
    const st = window.__codec.store.getState();
    st.pickLayer(l);
    st.pickImage(3);
    st.setSort('share');
    st.setResolution('input');
  }, layers[0]);
  await until(() => page.evaluate(() => /image=3/.test(location.hash) && /sort=share/.test(location.hash) && /res=input/.test(location.hash)), 'the view with its display fields in the link');
  await page.evaluate(() => window.__codec.controller.saved());
  const link = await page.evaluate(() => window.__codec.controller.shareLink());
  const tag = /analysis=([0-9a-f]{8})/.exec(link)?.[1];
  expect(tag && !/bundle=/.test(link), `the link names the analysis, not a bundle: ${link}`);
  // Another browser (a fresh context: no storage): the demo opens, with a plain warning, and the
  // link's layer and image are not applied to it.
  const other = await page.context().browser().newContext({ viewport: { width: 1280, height: 800 } });
  const p2 = await other.newPage();
  await p2.goto(link.replace(/\?[^#]*/, ''));
  await until(() => state(p2, (s) => s.analysis !== null && s.job.kind === 'idle' && s.messages.some((m) => m.title === 'Link')), 'the demo and a link notice', 60000);
  const elsewhere = await state(p2, (s) => ({ origin: s.analysis.origin, image: s.image, msg: s.messages.filter((m) => m.title === 'Link').map((m) => m.message).join(' | ') }));
  expect(elsewhere.origin === 'demo' && elsewhere.image === 0 && elsewhere.msg.includes(tag) && /cannot be opened here/.test(elsewhere.msg), `elsewhere: the demo, not the link's view, and a notice naming ${tag}: ${JSON.stringify(elsewhere)}`);
  await other.close();
  // This browser: a new page restores the analysis from storage and applies the whole view.
  const p3 = await page.context().newPage();
  await p3.goto(link.replace(/\?[^#]*/, '?demo=none'));
  await until(() => state(p3, (s) => s.analysis !== null && s.job.kind === 'idle' && s.image === 3), 'the restored analysis with the link\'s view', 60000);
  const here = await state(p3, (s) => ({ layer: s.layer, image: s.image, sort: s.sort, res: s.resolution, links: s.messages.filter((m) => m.title === 'Link').length }));
  expect(here.layer === layers[0] && here.sort === 'share' && here.res === 'input' && here.links === 0, `here: the link's whole view, no notice: ${JSON.stringify(here)}`);
  await p3.close();
}, { timeout: 240000 });
