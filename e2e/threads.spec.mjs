/**
 * Multi-threaded WASM. tfjs runs half the logical cores by itself (1 thread on this 2-core
 * machine); `?threads=N` or the header's "WASM threads" asks for N. The thread count tfjs reports
 * must be the one asked, a new count restarts the worker keeping the model and images, and the
 * numbers must not depend on the count.
 */
import { loadOwn } from './lib/app.mjs';
import { close, expect, shot, state, test, until } from './lib/harness.mjs';

test('WASM threads: ?threads=2 runs 2 threads, the header switches to 1, and the numbers agree', async ({ page, baseUrl }) => {
  await loadOwn(page, baseUrl, '?demo=none&backend=wasm&threads=2');
  const b2 = await state(page, (s) => s.backend);
  console.log(`      asked 2: ${b2.wasmThreads} threads on ${b2.logicalCores} logical cores (tfjs's default ${b2.wasmThreadsDefault}); ${b2.candidates.find((c) => c.name === 'wasm').reason}`);
  expect(b2.active === 'wasm' && b2.crossOriginIsolated, `isolated WASM: ${JSON.stringify(b2)}`);
  expect(b2.wasmThreadsAsked === 2 && b2.wasmThreads === 2, `2 threads run: ${b2.wasmThreads} (asked ${b2.wasmThreadsAsked})`);
  expect((await page.locator('[data-testid="backend"]').textContent()).includes('2 threads'), 'the header shows 2 threads');
  let t0 = Date.now();
  const two = await page.evaluate(() => window.__codec.controller.client.api.smoke('wasm', 8));
  const t2 = Date.now() - t0;
  // The header's control: a new count restarts the worker; the model and images come back.
  await page.click('[data-testid="backend"]');
  await shot(page, 'wasm-threads');
  await page.selectOption('[data-testid="wasm-threads"]', '1');
  await until(() => state(page, (s) => s.backend?.wasmThreadsAsked === 1 && s.job.kind === 'idle'), 'the worker restarted with 1 thread', 60000);
  const b1 = await state(page, (s) => ({ backend: s.backend, model: s.model?.name ?? null, images: s.images?.count ?? 0, errors: s.messages.filter((m) => m.level === 'error').map((m) => m.message) }));
  expect(b1.backend.wasmThreads === 1, `1 thread runs: ${b1.backend.wasmThreads}`);
  expect(b1.model !== null && b1.images > 0 && b1.errors.length === 0, `model and images kept, no error: ${JSON.stringify(b1)}`);
  t0 = Date.now();
  const one = await page.evaluate(() => window.__codec.controller.client.api.smoke('wasm', 8));
  const t1 = Date.now() - t0;
  console.log(`      8 images, forward + backward: 2 threads ${t2} ms, 1 thread ${t1} ms (a timing, not asserted)`);
  two.F.forEach((f, i) => close(f, one.F[i], 1e-5, 1e-6, `F[${i}]`));
  let n = 0;
  for (const [layer, v] of Object.entries(one.layers)) {
    for (const key of ['a', 'g']) {
      const scale = Math.max(...v[key].map(Math.abs), 1e-9);
      v[key].forEach((x, i) => close(two.layers[layer][key][i], x, 0, 1e-5 * scale, `${layer} ${key}[${i}]`));
      n += v[key].length;
    }
  }
  console.log(`      ${two.F.length} F values and ${n} activations and gradients agree (2 threads vs 1)`);
});
