import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Preprocessing } from '../bundle/manifest';
import { toModelBatch, toModelInput } from './preprocess';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const pre1: Preprocessing = { width: 2, height: 1, channels: 1, scale: 2, offset: -1, mean: [0.5], std: [2] };

describe('toModelInput', () => {
  it('toModelInput applies scale, offset, mean and std per channel', () => {
    // p=0: (0*2 - 1 - 0.5)/2 = -0.75; p=255: (2 - 1 - 0.5)/2 = 0.25
    expect(Array.from(toModelInput({ data: Uint8Array.from([0, 255]), width: 2, height: 1, channels: 1 }, pre1))).toEqual([-0.75, 0.25]);
    const pre3: Preprocessing = { width: 1, height: 1, channels: 3, scale: 1, offset: 0, mean: [0.5, 0, 1], std: [0.5, 1, 4] };
    const x = toModelInput({ data: Uint8Array.from([255, 51, 0]), width: 1, height: 1, channels: 3 }, pre3);
    expect(x[0]).toBe(1); // (1 - 0.5)/0.5
    expect(x[1]).toBeCloseTo(0.2, 6); // 51/255
    expect(x[2]).toBe(-0.25); // (0 - 1)/4
  });

  it('toModelInput resizes first and writes at an offset', () => {
    const out = new Float32Array(4).fill(9);
    toModelInput({ data: Uint8Array.from([255, 255, 255, 255]), width: 2, height: 2, channels: 1 }, pre1, out, 2);
    expect(Array.from(out)).toEqual([9, 9, 0.25, 0.25]);
    expect(() => toModelInput({ data: Uint8Array.from([1, 2]), width: 2, height: 1, channels: 1, name: 'a.png' }, pre1, out, 3)).toThrow(/^toModelInput: a\.png: output has 4 values, too few for 2 at offset 3\.$/);
  });

  it('toModelInput refuses a mean or std that does not fit the channels', () => {
    const px = { data: Uint8Array.from([0, 0]), width: 2, height: 1, channels: 1 as const };
    expect(() => toModelInput(px, { ...pre1, std: [0] })).toThrow(/^toModelInput: std must hold 1 finite non-zero number\(s\), but got \[0\]\.$/);
    expect(() => toModelInput(px, { ...pre1, mean: [0, 0, 0] })).toThrow(/^toModelInput: mean must hold 1 finite number\(s\)/);
  });
});

describe('toModelBatch', () => {
  it('toModelBatch stacks images into (N, H, W, C) and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const t = toModelBatch([{ data: Uint8Array.from([0, 255]), width: 2, height: 1, channels: 1 }, { data: Uint8Array.from([255, 0]), width: 2, height: 1, channels: 1 }], pre1);
    expect(t.shape).toEqual([2, 1, 2, 1]);
    expect(Array.from(t.dataSync())).toEqual([-0.75, 0.25, 0.25, -0.75]);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => toModelBatch([], pre1)).toThrow(/^toModelBatch: images must hold at least one image, but got 0\.$/);
  });
});
