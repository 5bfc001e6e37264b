/**
 * The disposal race (issue #14): a model replaced, a bundle opened or the backend switched while
 * an analysis, a heatmap or an ablation still runs on a model. Each provocation starts the
 * second call from the analysis' first progress report, so the two overlap by construction
 * (each test checks that they did); the work in flight must finish on its own model, nothing is
 * freed twice, every replaced model is freed once nothing uses it, and no tensor is left behind.
 * Before the fix (src/worker/modelRefs.ts) the first test failed with "Container 'chain' is
 * already disposed" or a disposed-tensor error.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { chainCnn } from './helpers/models';
import { modelToFiles } from './helpers/modelFiles';
import type { AnalyzeSettings, BundleSummary, FileEntry } from '../src/worker/api';
import { Session } from '../src/worker/session';
import { fileEntries, imageSetEntries } from './helpers/workerFiles';
import { ModelRefs } from '../src/worker/modelRefs';

/** Long enough that a model load started at the first progress report ends well before it. */
const SLOW: AnalyzeSettings = { layers: ['a', 'b'], method: 'conductance', target: 'logit', baseline: 'zeros', steps: 256, modes: false, useCache: false };

async function model(seed: number): Promise<FileEntry[]> {
  const m = chainCnn(seed);
  const files = await modelToFiles(m);
  m.dispose();
  return fileEntries(files);
}

/** Starts an analysis and, at its first progress report, `during()`; both results, and whether `during` ended first. */
async function overlap<T>(s: Session, during: () => Promise<T>, settings = SLOW): Promise<{ summary: BundleSummary | Error; other: T | Error; overlapped: boolean }> {
  let other: Promise<T | Error> | null = null;
  let otherDone = false;
  const summary = await s
    .analyze(settings, () => {
      other ??= during().then(
        (v) => ((otherDone = true), v),
        (e: Error) => ((otherDone = true), e),
      );
    })
    .catch((e: Error) => e);
  const overlapped = otherDone;
  return { summary, other: await (other ?? Promise.resolve(new Error('no progress report'))), overlapped };
}

beforeAll(async () => {
  await useNodeBackend('wasm');
});

afterEach(async () => {
  if (tf.getBackend() !== 'wasm') await useNodeBackend('wasm');
});

describe('model lifetime in the worker (the disposal race)', () => {
  it('a model replaced during an analysis: the analysis finishes on its own model, which is freed once, when nothing uses it', async () => {
    const before = tf.memory().numTensors;
    const s = new Session();
    await s.loadModel(await model(1));
    await s.loadImages(imageSetEntries(24, 3));
    const r = await overlap(s, async () => s.loadModel(await model(2)));
    expect(r.summary).not.toBeInstanceOf(Error);
    expect(r.other).not.toBeInstanceOf(Error);
    expect(r.overlapped).toBe(true);
    // The analysis on screen keeps the model it ran on (heatmaps and ablation use it), and the
    // new model is the user's: two models alive. (Counts are checked last, after the work.)
    const alive = [await s.modelsAlive()];
    const grid = await s.modeGrid('b', 'contributions');
    const hm = await s.heatmap({ image: 0, layer: 'b', mode: grid.cards[0].id, source: 'contributions', resolution: 'layer' });
    expect(hm.values.length).toBeGreaterThan(0);
    const abl = await s.ablate({ layer: 'b', source: 'contributions', mode: grid.cards[0].id, image: 1, pct: 50, kind: 'destroy' });
    expect(abl.after.every(Number.isFinite)).toBe(true);
    // A new analysis on the new model frees the old one (nothing holds it any more), once.
    await s.loadImages(imageSetEntries(6, 4));
    await s.analyze({ ...SLOW, steps: 4 }, () => undefined);
    alive.push(await s.modelsAlive());
    await s.loadModel(await model(3));
    alive.push(await s.modelsAlive());
    // A backend switch rebuilds both models there and frees the old copies.
    await s.setBackend('cpu');
    alive.push(await s.modelsAlive());
    expect(alive).toEqual([2, 1, 2, 2]);
    // What is left: the two models' weights (6 tensors each), nothing else.
    expect(tf.memory().numTensors - before).toBe(2 * 6);
  });

  it('a backend switch during an analysis cancels it (finished layers kept) and switches; the models move and the old copies are freed', async () => {
    const s = new Session();
    await s.loadModel(await model(1));
    await s.loadImages(imageSetEntries(24, 3));
    const r = await overlap(s, () => s.setBackend('cpu'));
    expect(r.other).not.toBeInstanceOf(Error);
    // The switch waited for the cancelled analysis: it ended first, as a partial result or a cancel.
    const summary = r.summary;
    if (summary instanceof Error) expect(summary.name).toBe('CancelledError');
    else expect(summary.partial).toBe(true);
    expect(tf.getBackend()).toBe('cpu');
    expect(await s.modelsAlive()).toBe(1);
    const full = await s.analyze({ ...SLOW, steps: 4 }, () => undefined);
    expect(full.partial).toBe(false);
    expect(full.settings.backend).toBe('cpu');
  });

  it('an analysis while another analysis result, a heatmap and an ablation are on screen: each runs on its own model', async () => {
    const s = new Session();
    await s.loadModel(await model(1));
    await s.loadImages(imageSetEntries(24, 3));
    await s.analyze({ ...SLOW, steps: 4 }, () => undefined);
    const grid = await s.modeGrid('b', 'contributions');
    const mode = grid.cards[0].id;
    // Work on the analysis on screen while a new model's analysis replaces it.
    await s.loadModel(await model(5));
    await s.loadImages(imageSetEntries(24, 3));
    const r = await overlap(s, async () => {
      const hm = await s.heatmap({ image: 2, layer: 'b', mode, source: 'contributions', resolution: 'input' });
      const abl = await s.ablate({ layer: 'b', source: 'contributions', mode, image: 2, pct: 25, kind: 'preserve' });
      return { hm, abl };
    });
    expect(r.summary).not.toBeInstanceOf(Error);
    expect(r.other).not.toBeInstanceOf(Error);
    expect(r.overlapped).toBe(true);
    expect(await s.modelsAlive()).toBe(1);
  });
});

describe('ModelRefs', () => {
  it('frees a model when its last holder lets go, exactly once, and refuses an extra let-go', async () => {
    let freed = 0;
    const m = { dispose: () => void freed++ };
    const refs = new ModelRefs<typeof m>();
    refs.hold(m);
    const work = refs.during(m, async () => {
      refs.drop(m); // the slot lets go while work runs
      expect(freed).toBe(0);
    });
    await work;
    expect(freed).toBe(1);
    expect(refs.alive).toBe(0);
    expect(() => refs.drop(m)).toThrow(/let go of more often than it was held/);
    await expect(refs.during(m, async () => {
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(freed).toBe(2);
  });
});
