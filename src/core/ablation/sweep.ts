/**
 * The reference ablation sweep (DESIGN.md section 3): for a mode, target = its best class,
 * off-target = a random other class; per trial 10 images of each; accuracy ratio (after/before)
 * over p in {1, 2, 5, 10, 18, 25, 50, 80, 99}; 20 seeded trials; AUC over p/100 by the
 * trapezoid; selectivity = (AUC_target - AUC_off) / AUC_off. A trial whose original accuracy is
 * zero in either group is skipped and counted. Correctness of every image at every p is
 * computed once (batched), and trials only resample it.
 */
import type * as tf from '@tensorflow/tfjs';
import { check, throwIfAborted } from '../errors';
import type { HookableModel } from '../model/runner';
import { rng, sample } from '../util/rng';
import { AblationSession } from './ablate';
import { channelMask, topChannels, type AblationKind } from './channels';

export const PAPER_PCTS = [1, 2, 5, 10, 18, 25, 50, 80, 99];

export interface Correctness {
  /** 1 where the top-1 prediction equals the label, before ablation (N). */
  base: Uint8Array;
  /** Per pct, the same after ablation (N each). */
  after: Uint8Array[];
  fractions: number[];
}

export interface CorrectnessOptions {
  pcts?: number[];
  kind?: AblationKind;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Per pct, the channel mask to apply instead of the kind's (steering: steer.ts scaleMask). */
  masks?: Float32Array[];
  /** Added at the layer after the mask (C, broadcast over positions): steering by an atom direction. */
  add?: Float32Array;
}

/** Correctness of each image before and after ablating the top p% channels by `scores`. */
export async function ablationCorrectness(
  exec: HookableModel,
  images: (start: number, end: number) => tf.Tensor,
  n: number,
  labels: ArrayLike<number>,
  layer: string,
  scores: Float32Array,
  options: CorrectnessOptions = {},
): Promise<Correctness> {
  const { pcts = PAPER_PCTS, kind = 'destroy', batchSize = 200, signal, onProgress, add } = options;
  check(labels.length === n, () => `ablationCorrectness: ${labels.length} labels for ${n} images.`);
  const base = new Uint8Array(n);
  const after = pcts.map(() => new Uint8Array(n));
  check(!options.masks || options.masks.length === pcts.length, () => `ablationCorrectness: ${options.masks!.length} masks for ${pcts.length} values of p.`);
  const masks = options.masks ?? pcts.map((p) => channelMask(scores.length, topChannels(scores, p).channels, kind));
  const argmax = (p: Float32Array, row: number, k: number) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[row * k + j] > p[row * k + best]) best = j;
    return best;
  };
  for (let start = 0; start < n; start += batchSize) {
    throwIfAborted(signal, 'ablationCorrectness');
    const end = Math.min(n, start + batchSize);
    const x = images(start, end);
    const s = new AblationSession(exec, x, layer);
    x.dispose();
    try {
      const before = await s.beforeAsync();
      for (let i = start; i < end; i++) base[i] = argmax(before, i - start, s.numClasses) === labels[i] ? 1 : 0;
      for (const [pi, m] of masks.entries()) {
        const { probs } = await s.withMaskAsync(m, add);
        for (let i = start; i < end; i++) after[pi][i] = argmax(probs, i - start, s.numClasses) === labels[i] ? 1 : 0;
      }
    } finally {
      s.dispose();
    }
    onProgress?.(end, n);
    await new Promise((r) => setTimeout(r, 0));
  }
  return { base, after, fractions: pcts.map((p) => topChannels(scores, p).fraction) };
}

export interface SweepOptions {
  pcts?: number[];
  trials?: number;
  perClass?: number;
  seed?: number;
}

export interface SweepResult {
  pcts: number[];
  targetRatio: number[];
  offRatio: number[];
  aucTarget: number;
  aucOff: number;
  selectivity: number;
  trials: number;
  skippedTrials: number;
}

/** Trapezoid area under y over x. */
export function trapezoidAuc(x: number[], y: number[]): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += ((y[i] + y[i - 1]) / 2) * (x[i] - x[i - 1]);
  return s;
}

/** The reference protocol's trials, from precomputed correctness. */
export function sweepTrials(correct: Correctness, labels: ArrayLike<number>, targetClass: number, numClasses: number, options: SweepOptions = {}): SweepResult {
  const { pcts = PAPER_PCTS, trials = 20, perClass = 10, seed = 0 } = options;
  check(correct.after.length === pcts.length, () => `sweepTrials: correctness has ${correct.after.length} pcts, expected ${pcts.length}.`);
  check(numClasses >= 2, () => `sweepTrials: needs at least 2 classes, but got ${numClasses}.`);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0 && labels[i] < numClasses) byClass[labels[i]].push(i);
  const random = rng(seed);
  const sumT = pcts.map(() => 0);
  const sumO = pcts.map(() => 0);
  let used = 0;
  let skipped = 0;
  const acc = (idx: number[], c: Uint8Array) => idx.reduce((s, i) => s + c[i], 0) / Math.max(1, idx.length);
  for (let t = 0; t < trials; t++) {
    const others = Array.from({ length: numClasses }, (_, k) => k).filter((k) => k !== targetClass && byClass[k].length > 0);
    const off = others[Math.floor(random() * others.length)];
    const ti = sample(byClass[targetClass], perClass, random);
    const oi = off === undefined ? [] : sample(byClass[off], perClass, random);
    const bt = acc(ti, correct.base);
    const bo = acc(oi, correct.base);
    if (ti.length === 0 || oi.length === 0 || bt === 0 || bo === 0) {
      skipped++;
      continue;
    }
    used++;
    pcts.forEach((_, pi) => {
      sumT[pi] += acc(ti, correct.after[pi]) / bt;
      sumO[pi] += acc(oi, correct.after[pi]) / bo;
    });
  }
  const targetRatio = sumT.map((s) => (used ? s / used : NaN));
  const offRatio = sumO.map((s) => (used ? s / used : NaN));
  const xs = pcts.map((p) => p / 100);
  const aucTarget = trapezoidAuc(xs, targetRatio);
  const aucOff = trapezoidAuc(xs, offRatio);
  return { pcts, targetRatio, offRatio, aucTarget, aucOff, selectivity: (aucTarget - aucOff) / aucOff, trials: used, skippedTrials: skipped };
}
