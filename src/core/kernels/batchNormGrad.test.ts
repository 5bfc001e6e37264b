import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';

describe('FusedBatchNorm gradient', () => {
  it('batchNormGradConfig equals the gradient of batch norm written as plain ops', async () => {
    await useNodeBackend('wasm');
    for (const shape of [[1, 1, 1, 3], [3]]) {
      const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 1);
      const p = (s: number, lo = -1) => tf.reshape(tf.randomUniform([3], lo, 1, 'float32', s), shape);
      const [mean, variance, scale, offset] = [p(2), p(3, 0.2), p(4), p(5)];
      const r = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 6);
      const fused = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => tf.sum(tf.mul(tf.batchNorm(a, m, v, o, s, 1e-3), r));
      const plain = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.mul(tf.div(tf.sub(a, m), tf.sqrt(tf.add(v, 1e-3))), s), o), r));
      const got = tf.grads(fused)([x, mean, variance, scale, offset]);
      const want = tf.grads(plain)([x, mean, variance, scale, offset]);
      got.forEach((g, i) => {
        expect(g.shape).toEqual(want[i].shape);
        const a = g.dataSync();
        const b = want[i].dataSync();
        for (let j = 0; j < a.length; j++) expect(a[j]).toBeCloseTo(b[j], 3);
      });
    }
  });
});
