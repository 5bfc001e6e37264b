/**
 * The S vs 2S convergence check against a closed form: F = v . tanh(h) with h = x (x is 1x1x2), so the
 * trapezoid's per-unit contributions at any S are known without the engine (as in completeness.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { Executor } from '../model/executor';
import { collectAttributions } from './collect';
import { relChange, sampleIndices, stepChanges } from './stepCheck';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

const V = [1, -1];
function model(): tf.LayersModel {
  const inp = tf.input({ shape: [1, 1, 2] });
  const h = tf.layers.dense({ units: 2, useBias: false, name: 'h', weights: [tf.tensor2d([[1, 0], [0, 1]])] }).apply(inp) as tf.SymbolicTensor;
  const t = tf.layers.activation({ activation: 'tanh' }).apply(h) as tf.SymbolicTensor;
  const f = tf.layers.flatten().apply(t) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, useBias: false, weights: [tf.tensor2d([V[0], 0, V[1], 0], [2, 2])] }).apply(f) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out });
}
const sech2 = (z: number) => 1 - Math.tanh(z) ** 2;
const closedC = (x: number[], S: number) =>
  x.map((xk, k) => {
    let s = 0;
    for (let i = 1; i <= S; i++) s += 0.5 * (sech2(((i - 1) * xk) / S) + sech2((i * xk) / S));
    return (V[k] * xk * s) / S;
  });

describe('step check (contributions at S vs 2S steps)', () => {
  it('the median change over the sample equals the closed form', async () => {
    const exec = new Executor(model());
    const X = [[3, 2], [0.5, 0.2], [2.5, 1.2], [4, 0.1], [1, 1]];
    const set = { data: Float32Array.from(X.flat()), n: 5, height: 1, width: 1, channels: 2, names: X.map((_, i) => `x${i}`) };
    const opts = { layers: ['h'], steps: 4, target: { kind: 'logit', classIndex: 0 } as const };
    const col = await collectAttributions(exec, set, opts);
    const ch = (await stepChanges(exec, set, col, opts, 3))!.get('h')!;
    // Sample: images 0, 1 and 3 (evenly spread over 5).
    expect(sampleIndices(5, 3)).toEqual([0, 1, 3]);
    const want = [0, 1, 3]
      .map((i) => {
        const a = closedC(X[i], 4);
        const b = closedC(X[i], 8);
        return (Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1])) / (Math.abs(b[0]) + Math.abs(b[1]));
      })
      .sort((p, q) => p - q)[1];
    expect(ch.stepChangeSample).toBe(3);
    expect(ch.stepChangeSteps).toBe(4);
    expect(ch.stepChangeMedian!).toBeGreaterThan(0.001);
    expect(Math.abs(ch.stepChangeMedian! - want)).toBeLessThan(1e-4 + 1e-3 * want);
    expect(relChange([1, 2, 0, 0], [1, 1, 0, 0], 2, 2)).toEqual([0.5, 0]);
    expect(await stepChanges(exec, set, col, { ...opts, method: 'act-grad' })).toBeNull();
  });
});
