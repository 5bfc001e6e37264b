/**
 * The trapezoid sum in chunks: the host (JavaScript) and tensor implementations against a plain
 * double loop over all rows, for chunkings that split the rows differently; and finishLayerHost
 * against the tensor finishLayer.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { finishLayer, finishLayerHost } from './finish';
import { makeTrapezoid } from './trapezoid';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

function rows(n: number, N: number, seed: number): Float32Array {
  const out = new Float32Array(n * N);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 16807) % 2147483647;
    out[i] = s / 2147483647 - 0.4;
  }
  return out;
}

describe('trapezoid', () => {
  const b = 2;
  const shape = [3, 3, 4];
  const N = b * 36;
  const n = 11;
  const A = rows(n, N, 3);
  const G = rows(n, N, 7);
  // The reference: sum_{i=1..n-1} 1/2 (g_{i-1} + g_i)(a_i - a_{i-1}), in float64.
  const want = new Float64Array(N);
  for (let i = 1; i < n; i++) for (let j = 0; j < N; j++) want[j] += 0.5 * (G[(i - 1) * N + j] + G[i * N + j]) * (A[i * N + j] - A[(i - 1) * N + j]);

  // The same rows from x down to the baseline (as conductance runs them).
  const reversed = (M: Float32Array) => {
    const out = new Float32Array(M.length);
    for (let i = 0; i < n; i++) out.set(M.subarray(i * N, (i + 1) * N), (n - 1 - i) * N);
    return out;
  };
  const Ad = reversed(A);
  const Gd = reversed(G);

  for (const host of [true, false]) {
    for (const [order, chunks] of [['ascending', [11]], ['ascending', [4, 4, 3]], ['ascending', [1, 5, 1, 4]], ['ascending', [2, 2, 2, 2, 2, 1]], ['descending', [11]], ['descending', [4, 4, 3]], ['descending', [1, 5, 1, 4]]] as const) {
      it(`${host ? 'host' : 'tensor'} sum over chunks ${chunks.join('+')} (${order} alpha) equals the plain loop, and the row at x is the activation at x`, async () => {
        const before = tf.memory().numTensors;
        const t = makeTrapezoid(N, host, order);
        const [RA, RG] = order === 'ascending' ? [A, G] : [Ad, Gd];
        let start = 0;
        for (const c of chunks) {
          const a = tf.tensor1d(RA.subarray(start * N, (start + c) * N));
          const g = tf.tensor1d(RG.subarray(start * N, (start + c) * N));
          await t.add(a, g, c);
          tf.dispose([a, g]);
          start += c;
        }
        const r = await t.finish('l', b, shape, null, false, true);
        t.dispose();
        expect(tf.memory().numTensors).toBe(before);
        for (let j = 0; j < N; j++) expect(r.map![j]).toBeCloseTo(want[j], 5);
        expect(Array.from(r.actMap!)).toEqual(Array.from(A.subarray((n - 1) * N)));
      });
    }
  }

  it('finishLayerHost equals finishLayer (net, ei, actNet, total, completeness, maps)', async () => {
    const m = rows(1, N, 11);
    const act = rows(1, N, 13);
    const dF = Float32Array.of(0.7, -1.2);
    const host = finishLayerHost('l', m, act, b, shape, dF, true, true);
    const mt = tf.tensor(m, [b, ...shape]);
    const at = tf.tensor(act, [b, ...shape]);
    const ref = await finishLayer('l', mt, at, dF, true, true);
    tf.dispose([mt, at]);
    expect(host.channels).toBe(4);
    for (const k of ['net', 'ei', 'actNet', 'total', 'completeness', 'map', 'actMap'] as const) {
      const h = host[k]!;
      const r = ref[k]!;
      expect(h.length, k).toBe(r.length);
      h.forEach((v, i) => expect(v, `${k}[${i}]`).toBeCloseTo(r[i], 5));
    }
  });
});
