import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { LN_EPS, layerNorm } from './layerNorm';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** LayerNorm by autodiff of plain ops (the independent reference). */
function reference(x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(LN_EPS).sqrt()).mul(g).add(b);
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

describe('layerNorm', () => {
  it('layerNorm() of a row: (x - mean) / sqrt(var + eps) * g + b', () => {
    // x = [1, 2, 3]: mean 2, var 2/3.
    const y = tf.tidy(() => layerNorm(tf.tensor2d([[1, 2, 3]]), tf.tensor1d([1, 2, 1]), tf.tensor1d([0, 0, 5])).dataSync());
    const s = Math.sqrt(2 / 3 + LN_EPS);
    expect(y[0]).toBeCloseTo(-1 / s, 5);
    expect(y[1]).toBeCloseTo(0, 5);
    expect(y[2]).toBeCloseTo(1 / s + 5, 5);
  });

  it('layerNorm() gradients match autodiff of tf.moments', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([5, 7], 0, 2, 'float32', 1) as tf.Tensor2D;
      const g = tf.randomNormal([7], 1, 0.3, 'float32', 2);
      const b = tf.randomNormal([7], 0, 1, 'float32', 3);
      const w = tf.randomNormal([5, 7], 0, 1, 'float32', 4);
      const ours = tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) => layerNorm(a as tf.Tensor2D, c, e).mul(w).sum())([x, g, b]);
      const ref = tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) => reference(a as tf.Tensor2D, c, e).mul(w).sum())([x, g, b]);
      ours.forEach((t, i) => expect(maxDiff(t, ref[i])).toBeLessThan(1e-4));
    });
  });
});
