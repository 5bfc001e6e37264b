/**
 * Identity on WASM shares its input's buffer (sharedIdentity.ts): a clone reads the same values,
 * outlives its source, frees the buffer only when the last reference goes, and gradients through
 * ops that save tensors (whose clones the engine keeps for the backward pass) equal the CPU
 * backend's.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { registerFastGradients } from './register';

beforeAll(async () => {
  await useNodeBackend('wasm');
  registerFastGradients();
});

interface WasmBackendLike {
  refCount(dataId: unknown): number;
  getMemoryOffset(dataId: unknown): number;
}

describe('Identity on WASM', () => {
  it('a clone shares the buffer, outlives its source, and the buffer is freed with the last reference', () => {
    const be = tf.backend() as unknown as WasmBackendLike;
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, -2, 3.5]);
    const y = tf.clone(x);
    expect(be.getMemoryOffset(y.dataId)).toBe(be.getMemoryOffset(x.dataId));
    expect(be.refCount(x.dataId)).toBe(2);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3.5]);
    expect(be.refCount(y.dataId)).toBe(1);
    // A kernel on the clone writes a new buffer, not the shared one.
    const z = tf.mul(y, 2);
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3.5]);
    expect(Array.from(z.dataSync())).toEqual([2, -4, 7]);
    tf.dispose([y, z]);
    expect(be.refCount(y.dataId)).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gradients through saved tensors (conv, relu, max-pool, softmax) equal the CPU backend and leak nothing', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.softmax(tf.reshape(tf.maxPool(tf.relu(tf.conv2d(v as tf.Tensor4D, w, 1, 'same')), 2, 2, 'valid'), [2, -1]))))(x);
      const out = Array.from(await g.data());
      g.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w]);
      return out;
    };
    const wasm = await run('wasm');
    const cpu = await run('cpu');
    await tf.setBackend('wasm');
    expect(wasm.length).toBe(cpu.length);
    wasm.forEach((v, i) => expect(v).toBeCloseTo(cpu[i], 5));
    expect(wasm.some((v) => v !== 0)).toBe(true);
  });
});
