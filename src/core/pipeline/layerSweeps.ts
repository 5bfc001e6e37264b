/**
 * Ablation sweeps of one layer by the reference protocol: for each class, its top contribution
 * mode (highest class correlation) and the closest activation mode (best-matching class
 * profile), destroyed at each p of the paper's grid. Correctness is computed on a class-balanced
 * sample of the set (default 50 images per class), and trials resample it.
 */
import { atomChannelScores } from '../ablation/channels';
import { ablationCorrectness, PAPER_PCTS, sweepTrials } from '../ablation/sweep';
import type { SweepRecord } from '../bundle/manifest';
import type { HookableModel } from '../model/runner';
import { pearson } from '../metrics';
import { rng, sample } from '../util/rng';
import type { CollectedLayer } from './collect';
import { batchTensor, type InputSet } from './imageBatch';
import type { FittedSae, LayerSaes } from './layerSaes';

export interface LayerSweepOptions {
  seed: number;
  perClassSample?: number;
  trials?: number;
  signal?: AbortSignal;
}

/** The alive mode with the highest correlation with class k. */
export function topModeForClass(f: FittedSae, k: number, numClasses: number): number {
  let best = -1;
  let bestV = -Infinity;
  for (const m of f.alive) {
    const v = f.classCorr![m * numClasses + k];
    if (Number.isFinite(v) && v > bestV) {
      bestV = v;
      best = m;
    }
  }
  return best;
}

/** The alive mode of `other` whose class profile correlates best with mode m's profile in `f`. */
export function closestByClassProfile(f: FittedSae, m: number, other: FittedSae, numClasses: number): number {
  const prof = (s: FittedSae, k: number) => Array.from(s.classCorr!.subarray(k * numClasses, (k + 1) * numClasses));
  const p = prof(f, m);
  let best = -1;
  let bestV = -Infinity;
  for (const k of other.alive) {
    const v = pearson(p, prof(other, k));
    if (Number.isFinite(v) && v > bestV) {
      bestV = v;
      best = k;
    }
  }
  return best;
}

export async function layerSweeps(exec: HookableModel, set: InputSet, l: CollectedLayer, saes: LayerSaes, numClasses: number, opts: LayerSweepOptions): Promise<SweepRecord[]> {
  const { seed, perClassSample = 50, trials = 20, signal } = opts;
  const labels = set.labels!;
  const random = rng(seed);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((y, i) => byClass[y]?.push(i));
  const idx = byClass.flatMap((ids) => sample(ids, perClassSample, random)).sort((a, b) => a - b);
  const subLabels = idx.map((i) => labels[i]);
  const per = set.height * set.width * set.channels;
  const subData = new Float32Array(idx.length * per);
  idx.forEach((i, j) => subData.set(set.data.subarray(i * per, (i + 1) * per), j * per));
  const sub: InputSet = { ...set, data: subData, n: idx.length, names: idx.map((i) => set.names[i]), labels: subLabels };
  const out: SweepRecord[] = [];
  const contrib = saes.fitted.contributions;
  const act = saes.fitted.activations;
  if (!contrib?.classCorr) return out;
  for (let k = 0; k < numClasses; k++) {
    const cm = topModeForClass(contrib, k, numClasses);
    if (cm < 0) continue;
    const pairs: [FittedSae, number][] = [[contrib, cm]];
    if (act?.classCorr) {
      const am = closestByClassProfile(contrib, cm, act, numClasses);
      if (am >= 0) pairs.push([act, am]);
    }
    for (const [f, mode] of pairs) {
      const scores = atomChannelScores(f.atoms.subarray(mode * f.d, (mode + 1) * f.d), l.channels);
      const correct = await ablationCorrectness(exec, (s, e) => batchTensor(sub, s, e), sub.n, subLabels, l.name, scores, { pcts: PAPER_PCTS, kind: 'destroy', signal });
      const r = sweepTrials(correct, subLabels, k, numClasses, { pcts: PAPER_PCTS, trials, seed: seed + k });
      out.push({ layer: l.name, source: f.source, mode, targetClass: k, kind: 'destroy', fractions: correct.fractions, ...r });
    }
  }
  return out;
}
