/**
 * The built app runs under its Content-Security-Policy: the page and its workers start (tfjs WASM
 * needs 'wasm-unsafe-eval', its pthreads blob: workers), the demo opens, an ablation runs, and no
 * `securitypolicyviolation` fires in the page nor a CSP report in any console; eval is refused.
 */
import { openDemo } from './lib/app.mjs';
import { expect, shot, state, test, until } from './lib/harness.mjs';

/** Records CSP violations in the page (event) and in the page's and workers' consoles. */
function watchViolations(page) {
  const seen = [];
  const onConsole = (m) => /Content[- ]Security[- ]Policy/i.test(m.text()) && seen.push(`console: ${m.text().slice(0, 300)}`);
  page.on('console', onConsole);
  page.on('worker', (w) => w.on?.('console', onConsole));
  return seen;
}

const violationsInPage = (page) => page.evaluate(() => window.__cspViolations ?? []);

test('CSP: the app runs under its policy with no violation; eval is refused', async ({ page, baseUrl }) => {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  const seen = watchViolations(page);
  const res = await page.goto(baseUrl);
  const header = res.headers()['content-security-policy'] ?? '';
  expect(/script-src 'self' 'wasm-unsafe-eval'/.test(header) && !/'unsafe-eval'|'unsafe-inline'/.test(header), `the page is served with the strict policy: ${header}`);
  const meta = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
  expect(meta === header, `the built index.html carries the same policy as a meta tag: ${meta}`);
  await openDemo(page, baseUrl);
  const backend = await state(page, (s) => s.backend);
  const ran = backend.candidates.filter((c) => c.status === 'running' || c.status === 'failed').map((c) => `${c.name}: ${c.status} (${c.reason})`);
  console.log(`      backends under the CSP: ${ran.join('; ')}`);
  expect(backend.active === 'wasm' || backend.active === 'webgl' || backend.active === 'webgpu', `a fast backend runs under the CSP (not only cpu): ${ran.join('; ')}`);
  if (backend.active === 'wasm' && backend.crossOriginIsolated) expect(backend.wasmThreads > 1 || backend.wasmThreads === null || backend.wasmThreads === 1, 'threads reported');
  // An ablation (the slider's live update) runs in the worker.
  const s = await state(page, (s) => ({ layer: s.layer, mode: s.mode, image: s.image }));
  expect(s.mode !== null && s.image !== null, 'a mode and an image are picked');
  await until(() => state(page, (s) => s.ablation.status === 'ready' && s.ablation.data !== null), 'an ablation result', 30000);
  await page.locator('[data-testid="abl-pct"]').focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight', { delay: 15 });
  await until(() => state(page, (s) => s.ablation.status === 'ready' && JSON.parse(s.ablation.key).pct === s.ablPct), 'the ablation after the slider', 30000);
  const inPage = await violationsInPage(page);
  expect(inPage.length === 0 && seen.length === 0, `no CSP violation while opening the demo and ablating: ${[...inPage, ...seen].join(' | ')}`);
  // The policy is in force: code from a string (setTimeout's eval) and an inline script do not run.
  // (DevTools' own evaluate is exempt, so the page is made to try them.)
  await page.evaluate(() => {
    window.__ran = [];
    setTimeout('window.__ran.push("eval")', 0);
    const el = document.createElement('script');
    el.textContent = 'window.__ran.push("inline")';
    document.head.appendChild(el);
  });
  await until(async () => (await violationsInPage(page)).length >= 2, 'the two refusals to be reported', 5000);
  const after = await page.evaluate(() => ({ ran: window.__ran, v: window.__cspViolations }));
  expect(after.ran.length === 0, `neither ran: ${after.ran}`);
  expect(after.v.some((v) => /^script-src eval/.test(v)) && after.v.some((v) => /^script-src-elem inline/.test(v)), `both were refused as violations: ${after.v.join(' | ')}`);
  console.log(`      0 violations; string eval and an inline script refused`);
  await shot(page, 'csp-demo');
});
