/**
 * Session.preview: the first loaded image under the loaded preprocessing or another preset, and
 * the model's top 3, against the model's own predict on the pixels mapped by hand.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../cli/nodeBackend';
import { chainCnn } from '../../tests/helpers/models';
import { modelToFiles } from '../../tests/helpers/modelFiles';
import { fileEntries, imageSetEntries } from '../../tests/helpers/workerFiles';
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
