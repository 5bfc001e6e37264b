/**
 * Ablation helpers of the worker: samples, per-class accuracy, sweeps (the engine's batched
 * correctness). Live ablation is the engine's AblationSession, kept by the session per (layer,
 * image) and read asynchronously (WebGPU-safe).
 */
import type * as tf from '@tensorflow/tfjs';
import { channelMask, topChannels, type AblationKind } from '../core/ablation/channels';
import { ablationCorrectness, PAPER_PCTS, sweepTrials } from '../core/ablation/sweep';
import { pearson } from '../core/metrics/stats';
import type { HookableModel } from '../core/model/runner';
import { rng, sample } from '../core/util/rng';
import type { SweepCurve } from './api';

/** Up to `max` indices evenly spaced over [0, n). */
export function evenSample(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

/** A class-balanced sample (at most `perClass` of each class, seeded), sorted. */
export function balancedSample(labels: ArrayLike<number>, numClasses: number, perClass: number, seed = 0): number[] {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]]?.push(i);
  const random = rng(seed);
  return byClass.flatMap((ids) => sample(ids, perClass, random)).sort((a, b) => a - b);
}

/** Per-class accuracy of predictions against labels (NaN where a class has no images). */
export function perClassAccuracy(correct: Uint8Array, labels: ArrayLike<number>, numClasses: number): { acc: Float32Array; counts: Int32Array } {
  const counts = new Int32Array(numClasses);
  const hits = new Float64Array(numClasses);
  for (let i = 0; i < correct.length; i++) {
    const y = labels[i];
    if (y < 0 || y >= numClasses) continue;
    counts[y]++;
    hits[y] += correct[i];
  }
  return { acc: Float32Array.from(hits, (h, k) => (counts[k] ? h / counts[k] : NaN)), counts };
}

/** The alive mode of `other` whose class profile correlates best with `profile`. */
export function closestProfile(profile: ArrayLike<number>, others: { id: number; classProfile: ArrayLike<number> }[]): number | null {
  let best: number | null = null;
  let bestV = -Infinity;
  for (const o of others) {
    const v = pearson(Array.from(profile, (x) => (Number.isFinite(x) ? x : 0)), Array.from(o.classProfile, (x) => (Number.isFinite(x) ? x : 0)));
    if (Number.isFinite(v) && v > bestV) {
      bestV = v;
      best = o.id;
    }
  }
  return best;
}

/** The reference sweep of one mode (destroy, the paper's p grid) on the images `images(start, end)`. */
export async function computeSweep(
  exec: HookableModel,
  images: (start: number, end: number) => tf.Tensor,
  labels: Int32Array,
  layer: string,
  scores: Float32Array,
  targetClass: number,
  numClasses: number,
  meta: { source: SweepCurve['source']; mode: number },
  onProgress?: (done: number, total: number) => void,
): Promise<SweepCurve> {
  const kind: AblationKind = 'destroy';
  const correct = await ablationCorrectness(exec, images, labels.length, labels, layer, scores, { pcts: PAPER_PCTS, kind, batchSize: 100, onProgress });
  const r = sweepTrials(correct, labels, targetClass, numClasses, { pcts: PAPER_PCTS, trials: 20, perClass: 10, seed: 0 });
  return { ...meta, targetClass, kind, pcts: PAPER_PCTS, fractions: correct.fractions, targetRatio: r.targetRatio, offRatio: r.offRatio, aucTarget: r.aucTarget, aucOff: r.aucOff, selectivity: r.selectivity, trials: r.trials, skippedTrials: r.skippedTrials };
}

export { channelMask, topChannels };
