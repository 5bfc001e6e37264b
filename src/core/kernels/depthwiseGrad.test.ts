import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';

interface Case {
  x: [number, number, number, number];
  /** (kh, kw, C, channel multiplier) */
  f: [number, number, number, number];
  s: number;
  pad: 'same' | 'valid';
}

const CASES: Case[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 1], s: 1, pad: 'same' },
  { x: [2, 8, 8, 4], f: [3, 3, 4, 1], s: 2, pad: 'same' },
  { x: [1, 9, 8, 2], f: [3, 3, 2, 3], s: 2, pad: 'valid' },
  { x: [1, 11, 12, 2], f: [5, 3, 2, 2], s: 2, pad: 'same' },
  { x: [2, 10, 10, 3], f: [5, 5, 3, 1], s: 3, pad: 'valid' },
];

/** Gradients of sum(depthwiseConv2d(x, w) * r) (plain, and fused with a bias as Keras layers and GraphModels run it). */
function grads(c: Case, seed: number, fused: boolean): { gx: Float32Array; gw: Float32Array } {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', seed) as tf.Tensor4D;
    const w = tf.randomNormal(c.f, 0, 1, 'float32', seed + 1) as tf.Tensor4D;
    const bias = tf.randomNormal([c.f[2] * c.f[3]], 0, 1, 'float32', seed + 3);
    const conv = (a: tf.Tensor, k: tf.Tensor) =>
      fused
        ? tf.fused.depthwiseConv2d({ x: a as tf.Tensor4D, filter: k as tf.Tensor4D, strides: c.s, pad: c.pad, bias })
        : tf.depthwiseConv2d(a as tf.Tensor4D, k as tf.Tensor4D, c.s, c.pad);
    const r = tf.randomNormal(conv(x, w).shape, 0, 1, 'float32', seed + 2);
    const [gx, gw] = tf.grads((a: tf.Tensor, k: tf.Tensor) => tf.sum(tf.mul(conv(a, k), r)))([x, w]);
    return { gx: gx.dataSync() as Float32Array, gw: gw.dataSync() as Float32Array };
  });
}

describe('depthwise conv gradient kernels as forward ops', () => {
  it('depthwiseBackpropInput and depthwiseBackpropFilter on WASM equal the CPU backend', async () => {
    for (const fused of [false, true]) {
      for (const [i, c] of CASES.entries()) {
        await useNodeBackend('cpu');
        const want = grads(c, 10 * i + 1, fused);
        await useNodeBackend('wasm');
        const got = grads(c, 10 * i + 1, fused);
        for (const k of ['gx', 'gw'] as const) {
          expect(got[k].length).toBe(want[k].length);
          const scale = Math.max(...Array.from(want[k], Math.abs));
          for (let j = 0; j < want[k].length; j++) expect(Math.abs(got[k][j] - want[k][j])).toBeLessThan(1e-4 * scale + 1e-5);
        }
      }
    }
  });

  it('a DepthwiseConv2D layer differentiates on WASM and the kernels leak nothing', async () => {
    await useNodeBackend('wasm');
    const layer = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2, inputShape: [6, 6, 3] });
    const x = tf.randomNormal([2, 6, 6, 3]);
    const f = (a: tf.Tensor) => tf.sum(layer.apply(a) as tf.Tensor);
    tf.grad(f)(x).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.grad(f)(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
