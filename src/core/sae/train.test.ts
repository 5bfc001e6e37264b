import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { reconstructionR2 } from './r2';
import { plantedDictionary } from './testData';
import { trainSae } from './train';
import { loadSae } from './trained';
import type { EpochProgress, SaeKind } from './types';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

// Small and fast: 8 dims, 300 rows, a few epochs. These check the loop's mechanics, so the
// schedule is plain: constant lr, no warm-ups, no revival (schedule.test.ts and revive.test.ts
// check those).
const d = 8;
const n = 300;
const { data } = plantedDictionary({ nAtoms: 12, d, active: 2, n, lo: 0.5, hi: 1.5, seed: 5 });
const KINDS: SaeKind[] = ['stsae', 'topk'];
const fast = { lr: 3e-3, batchSize: 64, topk: 2, lrSchedule: 'constant' as const, lrWarmup: 0, tauWarmup: 0, revive: false };

describe.each(KINDS)('trainSae (%s)', (kind) => {
  it('trainSae() is deterministic for a seed and differs across seeds', async () => {
    const a = await trainSae(data, n, d, { ...fast, kind, maxEpochs: 3, seed: 7 });
    const b = await trainSae(data, n, d, { ...fast, kind, maxEpochs: 3, seed: 7 });
    const c = await trainSae(data, n, d, { ...fast, kind, maxEpochs: 3, seed: 8 });
    expect(Array.from(b.atoms)).toEqual(Array.from(a.atoms));
    expect(b.history).toEqual(a.history);
    expect(Array.from(c.atoms)).not.toEqual(Array.from(a.atoms));
  });

  it('trainSae() reports each epoch and keeps the weights of the best one', async () => {
    const seen: EpochProgress[] = [];
    const sae = await trainSae(data, n, d, { ...fast, kind, maxEpochs: 4, seed: 1, minDelta: 0, onEpoch: (p) => seen.push(p) });
    expect(seen.map((p) => p.epoch)).toEqual([1, 2, 3, 4]);
    expect(seen.map((p) => p.valLoss)).toEqual(sae.history.valLoss);
    expect(seen.every((p) => p.lr === 3e-3 && Number.isFinite(p.trainLoss))).toBe(true);
    // With minDelta 0 the kept epoch is the first with the lowest validation loss (these runs
    // improve on the initial weights); a run stopped there has the same weights.
    const best = sae.history.valLoss.indexOf(Math.min(...sae.history.valLoss)) + 1;
    expect(sae.bestEpoch).toBe(best);
    const upTo = await trainSae(data, n, d, { ...fast, kind, maxEpochs: best, seed: 1, minDelta: 0 });
    expect(Array.from(sae.atoms)).toEqual(Array.from(upTo.atoms));
  });

  it('trainSae() on abort stops and keeps the best weights so far, marked cancelled', async () => {
    // minDelta 0.999 makes no epoch count as an improvement, so "best so far" is the initial
    // weights (epoch 0), not the last epoch's: the same as a run of 0 epochs.
    const ctl = new AbortController();
    const sae = await trainSae(data, n, d, { ...fast, kind, maxEpochs: 50, seed: 2, minDelta: 0.999, onEpoch: (p) => p.epoch === 2 && ctl.abort(), signal: ctl.signal });
    expect(sae.cancelled).toBe(true);
    expect(sae.stoppedEarly).toBe(false);
    expect(sae.history.trainLoss.length).toBe(2);
    expect(sae.bestEpoch).toBe(0);
    const initial = await trainSae(data, n, d, { ...fast, kind, maxEpochs: 0, seed: 2 });
    expect(Array.from(sae.atoms)).toEqual(Array.from(initial.atoms));
    // Already aborted: no epoch at all.
    const none = await trainSae(data, n, d, { ...fast, kind, maxEpochs: 5, seed: 2, signal: AbortSignal.abort() });
    expect([none.cancelled, none.history.trainLoss.length]).toEqual([true, 0]);
  });

  it('trainSae() halves the lr after lrPatience stalled epochs and stops after patience', async () => {
    const sae = await trainSae(data, n, d, { ...fast, kind, maxEpochs: 20, seed: 3, minDelta: 0.999, lrPatience: 2, patience: 5 });
    expect(sae.stoppedEarly).toBe(true);
    expect(sae.cancelled).toBe(false);
    expect(sae.history.lr).toEqual([3e-3, 3e-3, 1.5e-3, 1.5e-3, 7.5e-4]);
  });

  it('trainSae() save/load round trip gives identical codes and reconstructions', async () => {
    const sae = await trainSae(data, n, d, { ...fast, kind, maxEpochs: 2, seed: 4 });
    const saved = sae.save();
    const back = loadSae(structuredClone(saved));
    expect(back.config).toEqual(sae.config);
    expect(back.aliveModes).toEqual(sae.aliveModes);
    const z = sae.encode(data, n);
    expect(Array.from(back.encode(data, n))).toEqual(Array.from(z));
    expect(Array.from(back.decode(z, n))).toEqual(Array.from(sae.decode(z, n)));
    // Alive modes: the dictionary indices that fire on some row (computed here independently).
    const alive = [...Array(sae.K).keys()].filter((k) => z.some((v, i) => i % sae.K === k && v > 0));
    expect(sae.aliveModes).toEqual(alive);
    // R^2 matches a recomputation from encode/decode.
    expect(sae.r2Global).toBeCloseTo(reconstructionR2(data, sae.decode(z, n), n, d).global, 6);
  });

  it('trainSae() leaks no tensors (training, encode, decode, load)', async () => {
    const before = tf.memory().numTensors;
    const sae = await trainSae(data, n, d, { ...fast, kind, maxEpochs: 2, seed: 5 });
    const z = sae.encode(data, n);
    sae.decode(z, n);
    loadSae(sae.save()).encode(data.subarray(0, 10 * d), 10);
    const ctl = new AbortController();
    await trainSae(data, n, d, { ...fast, kind, maxEpochs: 5, seed: 5, onEpoch: () => ctl.abort(), signal: ctl.signal });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainSae options and errors', () => {
  it('trainSae() defaults: K = 3d, H = d, tau 0.8 warmed up over 30% of 2000 steps, lambda 5e-5, lr 3e-3 cosine, batch 128', async () => {
    const sae = await trainSae(data, n, d, { maxEpochs: 0 });
    const c = sae.config;
    expect([c.kind, c.K, c.hidden, c.tau, c.tauWarmupShare, c.tauStart, c.lambda, c.lr, c.lrSchedule, c.batchSize, c.steps, c.maxEpochs, c.valFraction, c.revive, c.restarts]).toEqual(['stsae', 24, 8, 0.8, 0.3, 0.5, 5e-5, 3e-3, 'cosine', 128, 2000, 0, 0.1, true, 1]);
    expect(sae.stepsRun).toBe(0);
    // K = 3d is capped at half the training rows for small sets: 40 rows, 36 fitted: 18.
    expect((await trainSae(data.subarray(0, 40 * d), 40, d, { maxEpochs: 0 })).K).toBe(18);
    expect(sae.atoms.length).toBe(24 * d);
    // Xavier-uniform atoms: |a| <= sqrt(6 / (K + d)).
    expect(Math.max(...sae.atoms.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 32));
    // The data is divided by its global std, so decode(encode(x)) comes back in data units.
    let m = 0;
    data.forEach((v) => (m += v / data.length));
    const std = Math.sqrt(data.reduce((s, v) => s + (v - m) ** 2, 0) / data.length);
    expect(sae.std).toBeCloseTo(std, 5);
  });

  it('trainSae() rejects bad data and options with messages naming them', async () => {
    await expect(trainSae(new Float32Array(5), 2, 3)).rejects.toThrow(/^trainSae: data must hold 2 x 3 = 6 values, but got 5\.$/);
    await expect(trainSae(new Float32Array([1, NaN]), 1, 2)).rejects.toThrow(/^trainSae: data must be finite, but row 0, column 1 is NaN\.$/);
    await expect(trainSae(data, n, d, { kind: 'pca' as SaeKind })).rejects.toThrow(/^trainSae: kind must be one of stsae, topk, but got pca\.$/);
    await expect(trainSae(data, n, d, { kind: 'topk', K: 4, topk: 5 })).rejects.toThrow(/^trainSae: topk must be <= K = 4, but got 5\.$/);
    await expect(trainSae(data, n, d, { tau: 1 })).rejects.toThrow(/^trainSae: tau must be in \(0, 1\), but got 1\.$/);
    await expect(trainSae(data, n, d, { valFraction: 1 })).rejects.toThrow(/^trainSae: valFraction must be in \[0, 1\), but got 1\.$/);
  });

  it('loadSae() rejects a wrong format or weight shape', async () => {
    const saved = (await trainSae(data, n, d, { maxEpochs: 0 })).save();
    expect(() => loadSae({ ...saved, version: 2 as 1 })).toThrow(/^loadSae: format must be codec-sae version 1, but got codec-sae version 2\.$/);
    const bad = { ...saved, weights: { ...saved.weights, atoms: { data: new Float32Array(3), shape: [3] } } };
    expect(() => loadSae(bad)).toThrow(/^loadSae: weight atoms must be a Float32Array of shape \[24,8\], but got shape \[3\] with 3 values\.$/);
  });

  it('encode() and decode() reject rows of the wrong width', async () => {
    const sae = await trainSae(data, n, d, { maxEpochs: 0 });
    expect(() => sae.encode(new Float32Array(7), 1)).toThrow(/^encode: x must hold n x 8 values with n = 1, but got 7\.$/);
    expect(() => sae.decode(new Float32Array(7), 1)).toThrow(/^decode: z must hold n x 24 values with n = 1, but got 7\.$/);
  });
});
