import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { matMul } from './matmul';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('matMul', () => {
  it('matMul() value and gradients match a hand computation', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1, 2], [3, 4]]);
      const w = tf.tensor2d([[1, 0, 2], [0, 1, 3]]);
      const dy = tf.tensor2d([[1, 1, 1], [0, 2, 0]]);
      expect(Array.from(matMul(x, w).dataSync())).toEqual([1, 2, 8, 3, 4, 18]);
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => matMul(a, b).mul(dy).sum())([x, w]);
      // dx = dy @ w^T = [[3, 4], [0, 2]]; dw = x^T @ dy = [[1, 7, 1], [2, 10, 2]].
      expect(Array.from(gx.dataSync())).toEqual([3, 4, 0, 2]);
      expect(Array.from(gw.dataSync())).toEqual([1, 7, 1, 2, 10, 2]);
    });
  });
});
