/**
 * The alpha chunk's memory budget holds: on a planted model (a residual CNN at 32x32, whose
 * activation sizes are known), the high-water of tf.memory().numBytes during conductance
 * (tf.profile's peakBytes), above what was allocated before, is measured against passBytes'
 * estimate for the chunk the budget picked and against the budget itself, for one and for
 * several attributed layers, 1 and 4 images. (The old estimate, 3 copies of the network per alpha
 * point, understated the several-layer peak by 2.4x.)
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { Executor } from '../model/executor';
import { conductance } from './conductance';
import { hiddenPathIg } from './hiddenIg';
import { alphaChunkFor, imagesForBudget, passBytes } from './path';
import { residualCnn } from '../../../tests/helpers/models';

function planted(): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotNormal({ seed: s });
  const inp = tf.input({ shape: [32, 32, 3] });
  const c1 = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1', kernelInitializer: init(1) }).apply(inp) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', name: 'c2', kernelInitializer: init(2) }).apply(c1) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(c2) as tf.SymbolicTensor;
  const add = tf.layers.add({ name: 'add' }).apply([c1, bn]) as tf.SymbolicTensor;
  const r = tf.layers.reLU({ name: 'r' }).apply(add) as tf.SymbolicTensor;
  const c3 = tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'c3', kernelInitializer: init(3) }).apply(r) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(c3) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 10, name: 'logits', kernelInitializer: init(4) }).apply(gap) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out });
}

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('the alpha chunk memory budget', () => {
  it('measured peak stays within the budget and near the estimate', async () => {
    const exec = new Executor(planted());
    // Activation values per image, counted by hand: input-free layers c1, c2, bn, add, r (32x32x16
    // each), c3 (16x16x32), gap (32), logits (10).
    const perSample = 5 * 32 * 32 * 16 + 16 * 16 * 32 + 32 + 10;
    expect(exec.layers().reduce((s, l) => s + l.outputShape.reduce((p, d) => p * d, 1), 0)).toBe(perSample);
    const rows: { b: number; layers: number; chunk: number; peak: number; est: number; budget: number }[] = [];
    for (const [b, layers, budgetMiB] of [
      [1, ['c3'], 4],
      [1, ['c1', 'add', 'c3'], 8],
      [4, ['c1', 'add', 'c3'], 32],
      [4, ["r"], 20],
    ] as [number, string[], number][]) {
      const budget = budgetMiB * 2 ** 20;
      const layerFloats = layers.reduce((s, l) => s + exec.layer(l).outputShape.reduce((p, d) => p * d, 1), 0);
      const chunk = alphaChunkFor(budget, b, perSample, 11, layerFloats);
      const x = tf.randomNormal([b, 32, 32, 3], 0, 1, 'float32', 5);
      const before = tf.memory().numBytes;
      const info = await tf.profile(async () => {
        await conductance(exec, x, { layers, steps: 10, memoryBudgetBytes: budget });
      });
      expect(tf.memory().numBytes).toBe(before); // nothing leaked
      x.dispose();
      rows.push({ b, layers: layers.length, chunk, peak: info.peakBytes - before, est: passBytes(b, perSample, layerFloats, chunk), budget });
    }
    for (const r of rows) {
      expect(r.chunk, JSON.stringify(r)).toBeGreaterThan(1); // the budget, not the minimum of 1 point, decided
      expect(r.chunk, JSON.stringify(r)).toBeLessThan(11);
      expect(r.peak / r.budget, JSON.stringify(r)).toBeLessThanOrEqual(1.1);
      expect(r.peak / r.est, JSON.stringify(r)).toBeGreaterThan(0.5); // the estimate is not wildly pessimistic either
      expect(r.peak / r.est, JSON.stringify(r)).toBeLessThanOrEqual(1.1);
    }
  });

  it('hidden-path IG sizes its chunk by the same budget and stays within it', async () => {
    const exec = new Executor(residualCnn(1, [32, 32, 3], 10));
    const x = tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 6);
    const budget = 4 * 2 ** 20;
    const before = tf.memory().numBytes;
    // (tf.profile reuses its result object: read it before the next profile.)
    const peak = (await tf.profile(async () => {
      await hiddenPathIg(exec, x, { layers: ['add'], steps: 10, memoryBudgetBytes: budget });
    })).peakBytes - before;
    expect(tf.memory().numBytes).toBe(before);
    x.dispose();
    expect(peak / budget).toBeLessThanOrEqual(1.1);
    // Without a budget it runs all 11 points at once: more than the budget here.
    const y = tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 6);
    const all = (await tf.profile(async () => {
      await hiddenPathIg(exec, y, { layers: ['add'], steps: 10 });
    })).peakBytes - before;
    y.dispose();
    expect(all).toBeGreaterThan(2 * peak);
  });

  it('images per pass: as many as leave room for one alpha point', () => {
    const per = passBytes(1, 1000, 100, 1); // 4 * (3000 + 1000) bytes
    expect(per).toBe(19600);
    expect(imagesForBudget(19600 * 5.5, 1000, 100, 64)).toBe(5);
    expect(imagesForBudget(100, 1000, 100, 64)).toBe(1);
    expect(imagesForBudget(1e9, 1000, 100, 64)).toBe(64);
  });
});
