/**
 * The worker API in Node, on the same engine (WASM backend): load a model from files, an image
 * set from its two files, analyze with progress, browse the views, heatmaps, cancel, and the
 * one-line errors. (Backend choice and image decoding need a browser: the e2e specs cover them.)
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../cli/nodeBackend';
import { chainCnn } from '../../tests/helpers/models';
import { modelToFiles } from '../../tests/helpers/modelFiles';
import type { AnalyzeSettings, FileEntry, Progress } from './api';
import { checkAgainstInput, resolvePreprocessing, Session } from './session';
import { fileEntries, fileEntry, imageSetEntries as imageSet } from '../../tests/helpers/workerFiles';

/** This file's image set: n 6x6x1 images from seed 7. */
const imageSetEntries = (n = 9) => imageSet(n, 7);

async function modelEntries(): Promise<FileEntry[]> {
  const files = await modelToFiles(chainCnn());
  return fileEntries(files);
}

const SETTINGS: AnalyzeSettings = { layers: ['a', 'b'], method: 'conductance', target: 'logit', baseline: 'zeros', steps: 8, modes: false, useCache: false };

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('Session (the worker API)', () => {
  it('loadModel lists layers with shapes and cuts, and hashes the files', async () => {
    const s = new Session();
    const info = await s.loadModel(await modelEntries());
    expect(info.inputShape).toEqual([6, 6, 1]);
    expect(info.numClasses).toBe(3);
    expect(info.layers.map((l) => [l.name, l.analyzable])).toEqual([['a', true], ['b', true], ['flat', false], ['out', false]]);
    expect(info.layers.find((l) => l.name === 'b')!.outputShape).toEqual([6, 6, 4]);
    expect(info.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('loadModel errors name the file and the problem', async () => {
    const s = new Session();
    await expect(s.loadModel([fileEntry('model.json', '{"modelTopology": ')])).rejects.toThrow(/model\.json: not valid JSON/);
    const files = await modelEntries();
    await expect(s.loadModel(files.filter((f) => f.path === 'model.json'))).rejects.toThrow(/group1-shard1of1\.bin: weight shard is missing/);
    await expect(s.loadModel([fileEntry('notes.txt', 'hi')])).rejects.toThrow(/no model\.json among the files \(notes\.txt\)/);
  });

  it('analyze reports progress, and the decomposition bars plus residual sum to F(x) - F(x0)', async () => {
    const s = new Session();
    await s.loadModel(await modelEntries());
    const info = await s.loadImages(imageSetEntries());
    expect(info).toMatchObject({ count: 9, labels: [0, 1, 2, 0, 1, 2, 0, 1, 2] });
    const progress: Progress[] = [];
    const summary = await s.analyze(SETTINGS, (p) => progress.push(p));
    expect(summary.layers.map((l) => l.name)).toEqual(['a', 'b']);
    expect(summary.partial).toBe(false);
    expect(summary.images.count).toBe(9);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.total === 9 && p.done <= 9)).toBe(true);
    expect(progress.at(-1)!.layersDone).toEqual(['a', 'b']);
    const grid = await s.modeGrid('b', 'contributions');
    expect(grid.kind).toBe('channels');
    expect(grid.cards.length).toBe(4);
    for (let i = 0; i < 9; i++) {
      const d = await s.decomposition(i, 'b', 'contributions');
      const sum = d.bars.reduce((t, b) => t + b.share, 0) + d.residual;
      expect(Math.abs(sum - (d.F - d.F0))).toBeLessThan(1e-5);
    }
    const m = await s.classMatrix('b', 'contributions');
    expect(m.values.length).toBe(m.modes.length * 3);
  });

  it.each(['hidden-ig', 'act-grad', 'act-grad-norm'] as const)('analyze runs with method %s', async (method) => {
    const s = new Session();
    await s.loadModel(await modelEntries());
    await s.loadImages(imageSetEntries(4));
    const summary = await s.analyze({ ...SETTINGS, method, layers: ['b'] }, () => undefined);
    expect(summary.settings.method).toBe(method);
    expect((await s.modeGrid('b', 'contributions')).cards.length).toBeGreaterThan(0);
  });

  it('heatmap and imagePixels work on the analyzed images', async () => {
    const s = new Session();
    await s.loadModel(await modelEntries());
    await s.loadImages(imageSetEntries());
    await s.analyze(SETTINGS, () => undefined);
    const px = await s.imagePixels(2);
    expect(px.rgba.length).toBe(6 * 6 * 4);
    const leaks: Record<string, number> = {};
    for (const resolution of ['layer', 'input'] as const) {
      const before = tf.memory().numTensors;
      const h = await s.heatmap({ image: 2, layer: 'b', mode: 1, source: 'contributions', resolution });
      leaks[resolution] = tf.memory().numTensors - before;
      expect(h.values.length).toBe(36);
      expect(h.resolution).toBe(resolution);
      expect(h.maxAbs).toBeGreaterThanOrEqual(0);
    }
    expect(leaks.layer).toBe(0);
    await expect(s.heatmap({ image: 99, layer: 'b', mode: 1, source: 'contributions', resolution: 'layer' })).rejects.toThrow(/image index 99 is out of range \[0, 9\)/);
  });

  // core/heatmap/inputMap.ts passes tf.zerosLike(x) to gradPass and never disposes it (one tensor
  // per input-resolution heatmap). Marked as failing until the engine fixes it; then drop `.fails`.
  it('an input-resolution heatmap leaks no tensor', async () => {
    const s = new Session();
    await s.loadModel(await modelEntries());
    await s.loadImages(imageSetEntries());
    await s.analyze(SETTINGS, () => undefined);
    await s.heatmap({ image: 0, layer: 'b', mode: 1, source: 'contributions', resolution: 'input' });
    const before = tf.memory().numTensors;
    await s.heatmap({ image: 1, layer: 'b', mode: 1, source: 'contributions', resolution: 'input' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cancel stops a running analysis and keeps the previous one', async () => {
    const s = new Session();
    await s.loadModel(await modelEntries());
    await s.loadImages(imageSetEntries());
    const first = await s.analyze({ ...SETTINGS, steps: 2 }, () => undefined);
    let cancelled = false;
    const run = s.analyze({ ...SETTINGS, steps: 256 }, () => {
      if (!cancelled) {
        cancelled = true;
        s.cancel();
      }
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect((await s.decomposition(0, 'a', 'contributions')).layer).toBe('a');
    expect(first.layers.length).toBe(2);
  });

  it('a cancel during SAE training keeps the layer with its best SAE so far, marks the analysis partial and trains no later source', async () => {
    const s = new Session();
    await s.loadModel(await modelEntries());
    await s.loadImages(imageSetEntries(30));
    let cancelledAt: string | null = null;
    const fractions: number[] = [];
    const saeFractions: number[] = [];
    const summary = await s.analyze({ ...SETTINGS, layers: ['a', 'b'], steps: 2, modes: true, saeEpochs: 60 }, (p) => {
      fractions.push(p.fraction);
      if (p.sae && p.layer === 'a') saeFractions.push(p.fraction * 2);
      if (p.sae && p.layer === 'b' && cancelledAt === null) {
        cancelledAt = `${p.sae.source} ${p.sae.epoch}`;
        s.cancel();
      }
    });
    expect(cancelledAt).toMatch(/^contributions /);
    // Progress counts SAE epochs: it rises through the SAE stage instead of sitting at the layer's end.
    expect(fractions.length).toBeGreaterThan(3);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1] - 1e-9);
    const inSae = saeFractions.filter((f) => f > 0.5 && f < 1);
    expect(inSae.length).toBeGreaterThan(0);
    expect(summary.partial).toBe(true);
    expect(summary.cutShort).toBe('b');
    const a = summary.layers.find((l) => l.name === 'a')!;
    const b = summary.layers.find((l) => l.name === 'b')!;
    expect(a.dictionaries.contributions && a.dictionaries.activations).toBeTruthy();
    expect(b.dictionaries.contributions!.epochs).toBeGreaterThan(0);
    expect(b.dictionaries.contributions!.epochs).toBeLessThan(60);
    expect(b.dictionaries.activations).toBeUndefined();
  });

  it('analyze refuses bad settings with one-line errors', async () => {
    const s = new Session();
    await expect(s.analyze(SETTINGS, () => undefined)).rejects.toThrow(/analyze: no model loaded/);
    await s.loadModel(await modelEntries());
    await expect(s.analyze(SETTINGS, () => undefined)).rejects.toThrow(/no images loaded \(0 images\)/);
    await s.loadImages(imageSetEntries());
    await expect(s.analyze({ ...SETTINGS, steps: 0 }, () => undefined)).rejects.toThrow(/steps must be an integer in \[1, 512\], but got 0/);
    await expect(s.analyze({ ...SETTINGS, layers: ['nope'] }, () => undefined)).rejects.toThrow(/unknown layer nope/);
    await expect(s.analyze({ ...SETTINGS, memoryBudgetMiB: 4 }, () => undefined)).rejects.toThrow(/^analyze: the memory budget must be between 16 and 65536 MiB, but got 4\.$/);
    // A refused setting leaves no analysis marked running.
    expect((await s.analyze({ ...SETTINGS, steps: 2 }, () => undefined)).layers.length).toBe(2);
  });
});

describe('resolvePreprocessing', () => {
  const base = { height: 28, width: 28, channels: 1 as const, scale: 1, offset: 0, mean: [0.5], std: [0.25] };
  it('resolvePreprocessing applies changes and fits mean/std to the channels', async () => {
    const { resolvePreprocessing } = await import('./session');
    expect(resolvePreprocessing(base, { height: 32, mean: undefined })).toMatchObject({ height: 32, mean: [0.5], std: [0.25] });
    expect(resolvePreprocessing(base, { channels: 3 })).toMatchObject({ channels: 3, mean: [0, 0, 0], std: [1, 1, 1] });
    expect(resolvePreprocessing(base, { channels: 3, mean: [0.4] })).toMatchObject({ mean: [0.4, 0.4, 0.4] });
  });
  it('resolvePreprocessing refuses bad values with one-line errors', async () => {
    const { resolvePreprocessing } = await import('./session');
    expect(() => resolvePreprocessing(base, { std: [0] })).toThrow(/preprocessing: std must be non-zero numbers, but got 0/);
    expect(() => resolvePreprocessing(base, { width: 0 })).toThrow(/preprocessing: width must be an integer in \[1, 4096\], but got 0/);
    expect(checkAgainstInput(resolvePreprocessing(base), [28, 28, 1])).toMatchObject({ height: 28 });
    expect(checkAgainstInput(resolvePreprocessing(base, { height: 32, width: 40 }), [-1, -1, 1])).toMatchObject({ height: 32, width: 40 });
    expect(() => checkAgainstInput(resolvePreprocessing(base, { height: 32 }), [28, 28, 1])).toThrow(/preprocessing: the model takes 28x28 images, but height x width is set to 32x28/);
    expect(() => checkAgainstInput(resolvePreprocessing(base, { channels: 3 }), [28, 28, 1])).toThrow(/preprocessing: the model takes 1 channel, but channels is set to 3/);
  });
});
