/**
 * WASM's max-pool gradient routes ties to the first maximum of each window, exactly as tfjs' CPU
 * backend (and TensorFlow and PyTorch) do: compared on inputs full of ties (few distinct values,
 * and all-equal windows as at a zero baseline), for pooling shapes with and without padding and
 * overlap. Before the fix WASM differed on exactly these.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { registerFastGradients } from './register';

beforeAll(async () => {
  await useNodeBackend('wasm');
  registerFastGradients();
});

async function gradOn(backend: string, xv: Float32Array, shape: [number, number, number, number], pool: [number, number], stride: number, pad: 'valid' | 'same', w: Float32Array): Promise<Float32Array> {
  const prev = tf.getBackend();
  await tf.setBackend(backend);
  const x = tf.tensor4d(xv, shape);
  const g = tf.grad((v: tf.Tensor) => {
    const y = tf.maxPool(v as tf.Tensor4D, pool, stride, pad);
    return tf.sum(tf.mul(y, tf.tensor(w.subarray(0, y.size), y.shape)));
  })(x);
  const out = (await g.data()) as Float32Array;
  tf.dispose([x, g]);
  await tf.setBackend(prev);
  return out;
}

describe('MaxPoolGrad on WASM', () => {
  for (const [pool, stride, pad] of [[[2, 2], 2, 'valid'], [[3, 3], 2, 'same'], [[3, 3], 1, 'same'], [[2, 3], 1, 'valid']] as [[number, number], number, 'valid' | 'same'][]) {
    it(`routes ties to the first maximum as the CPU backend does (pool ${pool.join('x')}, stride ${stride}, ${pad})`, async () => {
      const shape: [number, number, number, number] = [2, 7, 6, 3];
      const n = shape.reduce((p, d) => p * d, 1);
      // Three distinct values (many ties), and channel 1 constant (every window a tie).
      const xv = Float32Array.from({ length: n }, (_, i) => (i % 3 === 1 ? 0.5 : ((i * 7) % 3) / 2));
      const w = Float32Array.from({ length: n }, (_, i) => 1 + (i % 5));
      const cpu = await gradOn('cpu', xv, shape, pool, stride, pad, w);
      const wasm = await gradOn('wasm', xv, shape, pool, stride, pad, w);
      expect(tf.getBackend()).toBe('wasm');
      expect(Array.from(wasm)).toEqual(Array.from(cpu));
      // The gradient's total is the weights' total over the pooled outputs: nothing lost or doubled.
      expect(wasm.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    });
  }
});
