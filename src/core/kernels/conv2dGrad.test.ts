import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { conv2dBackpropFilter, conv2dBackpropInput, dilate } from './conv2dGrad';

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: number;
  pad: 'same' | 'valid';
  d?: number;
}

const CASES: Case[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' },
  { x: [2, 8, 8, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' },
  { x: [1, 9, 8, 2], f: [3, 2, 2, 3], s: 2, pad: 'valid' },
  { x: [2, 6, 6, 2], f: [1, 1, 2, 4], s: 2, pad: 'same' },
  { x: [1, 10, 10, 2], f: [5, 5, 2, 3], s: 3, pad: 'valid' },
  { x: [2, 6, 7, 3], f: [3, 3, 3, 2], s: 1, pad: 'valid' },
  { x: [1, 5, 5, 1], f: [3, 3, 1, 4], s: 2, pad: 'valid' },
];

/** Gradients of sum(conv2d(x, w) * r) with respect to x and w, as plain arrays. */
function grads(c: Case, seed: number): { gx: Float32Array; gw: Float32Array } {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', seed) as tf.Tensor4D;
    const w = tf.randomNormal(c.f, 0, 1, 'float32', seed + 1) as tf.Tensor4D;
    const y = tf.conv2d(x, w, c.s, c.pad, 'NHWC', c.d ?? 1);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', seed + 2);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad, 'NHWC', c.d ?? 1), r));
    const [gx, gw] = tf.grads(f)([x, w]);
    return { gx: gx.dataSync() as Float32Array, gw: gw.dataSync() as Float32Array };
  });
}

describe('conv2d gradient kernels as forward convolutions', () => {
  it('conv2dBackpropInput and conv2dBackpropFilter on WASM equal the CPU backend', async () => {
    for (const [i, c] of CASES.entries()) {
      await useNodeBackend('cpu');
      const want = grads(c, 10 * i + 1);
      await useNodeBackend('wasm');
      const got = grads(c, 10 * i + 1);
      for (const k of ['gx', 'gw'] as const) {
        expect(got[k].length).toBe(want[k].length);
        const scale = Math.max(...Array.from(want[k], Math.abs));
        for (let j = 0; j < want[k].length; j++) expect(Math.abs(got[k][j] - want[k][j])).toBeLessThan(1e-4 * scale + 1e-5);
      }
    }
  });

  it('conv2dBackpropInput and conv2dBackpropFilter with dilation 2 equal the CPU gradients of the conv with a zero-inserted filter', async () => {
    // tfjs' conv2d gradient refuses dilations > 1, so the reference is the same conv with the
    // filter's taps spread out by hand (zeros between them) and dilation 1.
    for (const pad of ['same', 'valid'] as const) {
      await useNodeBackend('cpu');
      const [wantX, wantW] = tf.tidy(() => {
        const x = tf.randomNormal([2, 9, 8, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
        const w = tf.randomNormal([3, 3, 2, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
        const spread = (k: tf.Tensor4D) => tf.transpose(dilate(tf.transpose(k, [2, 0, 1, 3]) as tf.Tensor4D, 2, 2), [1, 2, 0, 3]) as tf.Tensor4D;
        const r = tf.randomNormal(tf.conv2d(x, spread(w), 1, pad).shape, 0, 1, 'float32', 5);
        const [gx, gw] = tf.grads((a: tf.Tensor, k: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, spread(k as tf.Tensor4D), 1, pad), r)))([x, w]);
        return [gx.dataSync(), gw.dataSync()];
      });
      await useNodeBackend('wasm');
      const [gotX, gotW] = tf.tidy(() => {
        const x = tf.randomNormal([2, 9, 8, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
        const w = tf.randomNormal([3, 3, 2, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
        const attrs = { strides: 1, pad, dilations: 2 };
        const r = tf.randomNormal(tf.conv2d(x, w, 1, pad, 'NHWC', 2).shape, 0, 1, 'float32', 5) as tf.Tensor4D;
        return [conv2dBackpropInput(r, w, x.shape, attrs).dataSync(), conv2dBackpropFilter(x, r, w.shape, attrs).dataSync()];
      });
      for (const [got, want] of [[gotX, wantX], [gotW, wantW]]) {
        expect(got.length).toBe(want.length);
        const scale = Math.max(...Array.from(want, Math.abs));
        for (let j = 0; j < want.length; j++) expect(Math.abs(got[j] - want[j])).toBeLessThan(1e-4 * scale + 1e-5);
      }
    }
  });

  it('conv2dBackpropInput and conv2dBackpropFilter leak no tensors', async () => {
    await useNodeBackend('wasm');
    const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const dy = tf.randomNormal([2, 4, 4, 4]) as tf.Tensor4D;
    const attrs = { strides: 2, pad: 'same' as const };
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) tf.dispose([conv2dBackpropInput(dy, w, x.shape, attrs), conv2dBackpropFilter(x, dy, w.shape, attrs)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, dy]);
  });

  it('the fused conv gradient (conv + bias + relu, as Keras layers run) works on WASM and leaks nothing', async () => {
    await useNodeBackend('wasm');
    const x = tf.randomNormal([2, 6, 6, 3]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const b = tf.randomNormal([4]) as tf.Tensor1D;
    const f = (a: tf.Tensor, k: tf.Tensor) => tf.sum(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: k as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'relu' }));
    tf.grads(f)([x, w]).forEach((t) => t.dispose());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.grads(f)([x, w]).forEach((t) => t.dispose());
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b]);
  });
});
