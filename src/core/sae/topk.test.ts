import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { bestCosines, plantedDictionary } from './testData';
import { keepTopK } from './topk';
import { trainSae } from './train';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('keepTopK', () => {
  it('keepTopK() keeps the k largest per row and passes their gradient', () => {
    const x = tf.tensor2d([[3, 1, 2], [0, 5, 4]]);
    const w = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const z = keepTopK(x, 2);
    expect(Array.from(z.dataSync())).toEqual([3, 0, 2, 0, 5, 4]);
    const g = tf.grad((v: tf.Tensor) => keepTopK(v as tf.Tensor2D, 2).mul(w).sum())(x);
    expect(Array.from(g.dataSync())).toEqual([1, 0, 3, 0, 5, 6]);
    tf.dispose([x, w, z, g]);
  });
});

describe('trainSae (topk)', () => {
  it('trainSae() TopK (k = 3) recovers a planted dictionary', async () => {
    // 64 unit atoms in 32 dims, 3 active per row, coefficients U(0.5, 1.5). With the default
    // schedule cut to 1000 steps this seed matches all 64 atoms (40 constant-lr epochs did before
    // the step schedule; 40 epochs of the cosine schedule are too few steps: 52 of 64).
    const d = 32;
    const n = 3000;
    const p = plantedDictionary({ nAtoms: 64, d, active: 3, n, lo: 0.5, hi: 1.5, seed: 1 });
    const sae = await trainSae(p.data, n, d, { kind: 'topk', topk: 3, steps: 1000, seed: 1 });
    const cos = bestCosines(p.atoms, sae.atoms, d, sae.aliveModes);
    const recovered = cos.filter((c) => c > 0.9).length / cos.length;
    expect(recovered).toBeGreaterThanOrEqual(0.9);
    expect(Math.min(...cos)).toBeGreaterThan(0.95);
    expect(sae.r2Global).toBeGreaterThan(0.9);
    // Unit-norm atoms, at most k codes per row.
    for (let k = 0; k < sae.K; k++) {
      const norm = Math.hypot(...sae.atoms.subarray(k * d, (k + 1) * d));
      expect(norm).toBeCloseTo(1, 4);
    }
    const z = sae.encode(p.data.subarray(0, 50 * d), 50);
    for (let r = 0; r < 50; r++) expect(z.subarray(r * sae.K, (r + 1) * sae.K).filter((v) => v > 0).length).toBeLessThanOrEqual(3);
  });
});
