/**
 * The worker's live ablation in Node (WASM): equal to the engine's AblationSession, one cached
 * forward pass per (layer, image), per-class accuracy, the sweep, and export -> import.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AblationSession } from '../core/ablation/ablate';
import { atomChannelScores } from '../core/ablation/channels';
import { useNodeBackend } from '../cli/nodeBackend';
import { chainCnn } from '../../tests/helpers/models';
import { modelToFiles } from '../../tests/helpers/modelFiles';
import { balancedSample, closestProfile, evenSample, perClassAccuracy } from './ablation';
import { Session } from './session';
import { fileEntries, fileEntry, imageSetEntries as imageSet } from '../../tests/helpers/workerFiles';

/** This file's image set: n 6x6x1 images from seed 11. */
const imageSetEntries = (n = 12) => imageSet(n, 11);

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('worker ablation helpers', () => {
  it('evenSample spreads up to max indices over the set', () => {
    expect(evenSample(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(evenSample(10, 4)).toEqual([0, 2, 5, 7]);
  });
  it('balancedSample takes at most perClass of each class, sorted and seeded', () => {
    const labels = [0, 1, 0, 1, 0, 2, 0];
    const s = balancedSample(labels, 3, 2, 1);
    expect(s.filter((i) => labels[i] === 0).length).toBe(2);
    expect(s).toEqual([...s].sort((a, b) => a - b));
    expect(balancedSample(labels, 3, 2, 1)).toEqual(s);
  });
  it('perClassAccuracy counts per class, NaN for an empty class', () => {
    const r = perClassAccuracy(Uint8Array.from([1, 0, 1, 1]), [0, 0, 1, 1], 3);
    expect(Array.from(r.counts)).toEqual([2, 2, 0]);
    expect(r.acc[0]).toBeCloseTo(0.5);
    expect(r.acc[1]).toBe(1);
    expect(Number.isNaN(r.acc[2])).toBe(true);
  });
  it('closestProfile picks the best-correlated profile', () => {
    expect(closestProfile([1, 0, 0], [{ id: 4, classProfile: [0, 1, 0] }, { id: 7, classProfile: [0.9, 0.1, 0] }])).toBe(7);
  });
});

describe('Session ablation', () => {
  it('equals the engine, caches the pass per (layer, image), and gives accuracy, sweep and export', async () => {
    const s = new Session();
    const model = await modelToFiles(chainCnn());
    await s.loadModel(fileEntries(model));
    await s.loadImages(imageSetEntries());
    const summary = await s.analyze({ layers: ['b'], method: 'conductance', target: 'logit', baseline: 'zeros', steps: 4, modes: false, useCache: false }, () => undefined);
    expect(summary.layers[0].modeKind.contributions).toBe('channels');
    const grid = await s.modeGrid('b', 'contributions');
    const mode = grid.cards[0].id;
    const req = { layer: 'b', source: 'contributions' as const, mode, image: 3, pct: 50, kind: 'destroy' as const };
    const r1 = await s.ablate(req);
    expect(r1.cached).toBe(false);
    const r2 = await s.ablate({ ...req, pct: 75 });
    expect(r2.cached).toBe(true);
    expect(r2.k).toBe(3);
    expect(r2.C).toBe(4);
    expect(r2.fraction).toBe(0.75);
    // The engine on the same image and atom.
    const exec = (s as unknown as { current: { model: { exec: import('../core/model/runner').HookableModel } } }).current.model.exec;
    const px = (await s.imagePixels(3)).rgba;
    expect(px.length).toBe(36 * 4);
    const x = (s as unknown as { batchOf(i: number[]): tf.Tensor }).batchOf([3]);
    const eng = new AblationSession(exec, x, 'b');
    x.dispose();
    const atom = grid.cards[0].atom;
    const ref = eng.ablate(atomChannelScores(atom, 4), 75, 'destroy');
    eng.dispose();
    for (let k = 0; k < 3; k++) {
      expect(r2.before[k]).toBeCloseTo(ref.before[k], 6);
      expect(r2.after[k]).toBeCloseTo(ref.after[k], 6);
    }
    // Another image: a new pass.
    expect((await s.ablate({ ...req, image: 4 })).cached).toBe(false);
    const acc = await s.ablationAccuracy({ layer: 'b', source: 'contributions', mode, pct: 50, kind: 'destroy', sample: 500 });
    expect(acc.n).toBe(12);
    expect(Array.from(acc.counts)).toEqual([4, 4, 4]);
    expect(acc.overallBefore).toBeGreaterThanOrEqual(0);
    await expect(s.ablate({ ...req, mode: 99 })).rejects.toThrow(/mode 99 is not an alive contribution mode of b/);
    await expect(s.ablate({ ...req, pct: 0 })).rejects.toThrow(/p must be in \(0, 100\]/);
    const none = await s.sweep('b', mode, false);
    expect(none.swept).toEqual([]);
    expect(none.origin).toBe('none');
    const zip = await s.exportBundle();
    expect(zip[0]).toBe(0x50);
    // Import in a fresh worker: the zip carries the model, so ablation works the same.
    const t = new Session();
    const back = await t.loadBundle({ files: [fileEntry('bundle.zip', zip)] });
    expect(back.hasModel).toBe(true);
    expect(back.layers.map((l) => l.name)).toEqual(['b']);
    // The pixels went along (as 0-255 from the model inputs): the same ablation.
    const again = await t.ablate({ ...req, pct: 75 });
    for (let k = 0; k < 3; k++) expect(again.after[k]).toBeCloseTo(r2.after[k], 5);
  });
});
