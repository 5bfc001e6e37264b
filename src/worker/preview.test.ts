/**
 * Session.preview: the first loaded image under the loaded preprocessing or another preset, and
 * the model's top 3, against the model's own predict on the pixels mapped by hand.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../cli/nodeBackend';
import { chainCnn, residualCnn } from '../../tests/helpers/models';
import { modelToFiles } from '../../tests/helpers/modelFiles';
import { fileEntries, fileEntry, imageSetEntries } from '../../tests/helpers/workerFiles';
import { Session } from './session';

/** The helper's image 0 (6x6x1, seed 7), as its LCG makes it. */
function firstPixels(): number[] {
  let a = 7;
  return Array.from({ length: 36 }, () => (a = (a * 1103515245 + 12345) % 2 ** 31) % 256);
}

/** softmax(model(map(pixels))) sorted: the top 3 as [class, prob]. */
function top3(model: tf.LayersModel, map: (p: number) => number): [number, number][] {
  const p = tf.tidy(() => tf.softmax(model.predict(tf.tensor4d(firstPixels().map(map), [1, 6, 6, 1])) as tf.Tensor).dataSync());
  return Array.from(p.keys())
    .sort((i, j) => p[j] - p[i])
    .slice(0, 3)
    .map((k) => [k, p[k]]);
}

describe('Session.preview', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });

  it('preview shows image 0 under the loaded preprocessing and under another preset, with the top classes', async () => {
    const model = chainCnn();
    const s = new Session();
    await s.loadModel(fileEntries(await modelToFiles(model)));
    await expect(s.preview(0)).rejects.toThrow(/^preview: load a model and images first\.$/);
    await s.loadImages(imageSetEntries(4, 7));
    const a = await s.preview(0);
    expect(a.preset).toBe('[0,1]');
    expect(a.differsFromLoaded).toBe(false);
    a.top.forEach((t, i) => {
      expect(t.classIndex).toBe(top3(model, (p) => p / 255)[i][0]);
      expect(t.prob).toBeCloseTo(top3(model, (p) => p / 255)[i][1], 5);
      expect(t.name).toBe(['x', 'y', 'z'][t.classIndex]);
    });
    const px = firstPixels();
    expect(a.range[0]).toBeCloseTo(Math.min(...px) / 255, 6);
    expect(a.range[1]).toBeCloseTo(Math.max(...px) / 255, 6);
    const b = await s.preview(0, { scale: 2, offset: -1 });
    expect(b.preset).toBe('[-1,1]');
    expect(b.differsFromLoaded).toBe(true);
    expect(b.range[0]).toBeCloseTo(Math.min(...px) / 127.5 - 1, 5);
    b.top.forEach((t, i) => expect(t.prob).toBeCloseTo(top3(model, (p) => p / 127.5 - 1)[i][1], 5));
    // The picture is the input stretched by its own range: the darkest pixel black, the brightest white.
    const grey = Array.from({ length: 36 }, (_, i) => b.rgba[4 * i]);
    expect(grey[px.indexOf(Math.min(...px))]).toBe(0);
    expect(grey[px.indexOf(Math.max(...px))]).toBe(255);
    await expect(s.preview(9)).rejects.toThrow(/^preview: image index 9 is out of range \[0, 4\)\.$/);
  });

  it('preview under caffe shows a red image blue (the model reads BGR), with the input range of the recipe', async () => {
    const s = new Session();
    await s.loadModel(fileEntries(await modelToFiles(residualCnn(5, [8, 8, 3], 3))));
    // One pure red 8x8 RGB image.
    const px = new Uint8Array(8 * 8 * 3).map((_, i) => (i % 3 === 0 ? 255 : 0));
    const header = { format: 'codec-imageset', version: 1, count: 1, height: 8, width: 8, channels: 3, data: 'red.bin' };
    await s.loadImages([fileEntry('red.json', JSON.stringify(header)), fileEntry('red.bin', px)]);
    const r = await s.preview(0, { scale: 255, offset: 0, mean: [103.939, 116.779, 123.68], std: [1, 1, 1], channelOrder: 'bgr' });
    expect(r.preset).toBe('caffe');
    // Model channels: B - 103.939, G - 116.779, R - 123.68 = -103.939, -116.779, 131.32.
    expect(r.range[0]).toBeCloseTo(-116.779, 3);
    expect(r.range[1]).toBeCloseTo(131.32, 3);
    r.channelMeans.forEach((m, k) => expect(m).toBeCloseTo([-103.939, -116.779, 131.32][k], 3));
    // Shown as R, G, B with one stretch: (-103.939 + 116.779) / 248.099 * 255 = 13.2 -> 13, then 0 and 255.
    expect(Array.from(r.rgba.subarray(0, 4))).toEqual([13, 0, 255, 255]);
  });

  it('a card.json naming a preset gives the model that preprocessing, and the preview matches it', async () => {
    const files = await modelToFiles(chainCnn());
    files.set('card.json', new TextEncoder().encode(JSON.stringify({ preprocessing: { preset: '[-1,1]' } })));
    const s = new Session();
    const info = await s.loadModel(fileEntries(files));
    expect(info.preprocessing).toMatchObject({ height: 6, width: 6, channels: 1, scale: 2, offset: -1, mean: [0], std: [1], channelOrder: 'rgb' });
    await s.loadImages(imageSetEntries(2, 7));
    const r = await s.preview(0);
    expect(r.preset).toBe('[-1,1]');
    expect(r.differsFromLoaded).toBe(false);
  });
});
