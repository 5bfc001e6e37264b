/**
 * Live-ablation latency in a page that has a picked layer, mode and image (the benchmarks'
 * shared measurement: e2e/bench-ablation.mjs and bench/browser.mjs). Times `pcts.length`
 * ablation updates through the worker API, the first `warm` of them not counted: the worker's
 * own time (`ms` of the answer) and the round trip from the page. With `steers` (one steering
 * spec per update, e.g. `{ kind: 'scale', factor }`), each update steers instead of destroying.
 */

/** The p-th percentile (nearest rank) of xs. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export async function ablationLatency(page, pcts, warm, steers = null) {
  return page.evaluate(
    async ({ pcts, warm, steers }) => {
      const { store, controller } = window.__codec;
      const s = store.getState();
      const api = controller.client.api;
      const base = { layer: s.layer, source: s.source, mode: s.mode, image: s.image, kind: 'destroy' };
      const worker = [];
      const trip = [];
      for (const [i, pct] of pcts.entries()) {
        const t0 = performance.now();
        const out = await api.ablate({ ...base, pct, ...(steers ? { steer: steers[i] } : {}) });
        const dt = performance.now() - t0;
        if (i >= warm) {
          worker.push(out.ms);
          trip.push(dt);
        }
      }
      const layer = s.analysis.layers.find((l) => l.name === s.layer);
      return { model: s.analysis.modelName, layer: s.layer, shape: layer.outputShape, mode: s.mode, image: s.image, backend: s.backend.active, worker, trip };
    },
    { pcts, warm, steers },
  );
}
