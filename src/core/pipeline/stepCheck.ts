/**
 * A convergence check for every analysed layer, cut or not: the contributions of a sample of images
 * at S steps against the same images at 2S steps,
 *   change = ||net_S - net_2S||_1 / ||net_2S||_1   (per image, over the layer's channels),
 * median over the sample. Completeness checks the sum at cut layers only; this checks the per-channel
 * contributions (what the metrics and the SAEs read) at any layer. The S-step rows are the analysis'
 * own; only the 2S run is extra (sample x (2S + 1) passes).
 */
import type { AttributeOptions } from '../attribution/attribute';
import { attribute } from '../attribution/attribute';
import type { HookableModel } from '../model/runner';
import type { Collected } from './collect';
import { batchTensor, type InputSet } from './imageBatch';

export interface StepChange {
  /** Median over the sample of ||net_S - net_2S||_1 / ||net_2S||_1. */
  stepChangeMedian: number | null;
  /** Images in the sample and the steps compared (S against 2S). */
  stepChangeSample: number;
  stepChangeSteps: number;
}

/** Evenly spread indices of `k` of `n` images (the first, then every n/k-th). */
export function sampleIndices(n: number, k: number): number[] {
  const m = Math.min(n, k);
  return Array.from({ length: m }, (_, i) => Math.floor((i * n) / m));
}

/** Per image ||a - b||_1 / ||b||_1 over rows of c values; null where b is all zeros and a is not. */
export function relChange(a: ArrayLike<number>, b: ArrayLike<number>, c: number, rows: number): (number | null)[] {
  return Array.from({ length: rows }, (_, r) => {
    let d = 0;
    let s = 0;
    for (let k = r * c; k < (r + 1) * c; k++) {
      d += Math.abs(a[k] - b[k]);
      s += Math.abs(b[k]);
    }
    return s === 0 ? (d === 0 ? 0 : null) : d / s;
  });
}

function median(v: number[]): number | null {
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Per layer, the S vs 2S change of images `idx` of the set (null where undefined): their S-step
 * contributions are `col`'s own rows; the 2S run is one image at a time (so a shard computes the
 * same rows as one whole run).
 */
export async function stepChangeRows(exec: HookableModel, set: InputSet, col: Pick<Collected, 'layers'>, opts: Omit<AttributeOptions, 'keepMaps'> & { steps: number }, idx: number[]): Promise<Map<string, (number | null)[]>> {
  const rows = idx.length;
  const nets = new Map(col.layers.map((l) => [l.name, new Float32Array(rows * l.channels)]));
  // The 2S run, one image at a time (the sample is small; a batch of scattered rows would need a gather).
  for (const [j, i] of idx.entries()) {
    const x = batchTensor(set, i, i + 1);
    try {
      const classIndex = opts.target && 'classIndex' in opts.target && Array.isArray(opts.target.classIndex) ? [opts.target.classIndex[i]] : undefined;
      const target = classIndex && opts.target ? { ...opts.target, classIndex } : opts.target;
      const r = await attribute(exec, x, { ...opts, target, steps: 2 * opts.steps, autoSteps: undefined, onProgress: undefined });
      for (const l of col.layers) nets.get(l.name)!.set(r.layers.get(l.name)!.net, j * l.channels);
    } finally {
      x.dispose();
    }
  }
  const out = new Map<string, (number | null)[]>();
  for (const l of col.layers) {
    const atS = new Float32Array(rows * l.channels);
    for (const [j, i] of idx.entries()) atS.set(l.net.subarray(i * l.channels, (i + 1) * l.channels), j * l.channels);
    out.set(l.name, relChange(atS, nets.get(l.name)!, l.channels, rows));
  }
  return out;
}

/** The layer's StepChange from its per-image changes (nulls left out of the median). */
export function stepChangeOf(change: (number | null)[], steps: number): StepChange {
  return { stepChangeMedian: median(change.filter((v): v is number => v !== null)), stepChangeSample: change.length, stepChangeSteps: steps };
}

/**
 * The S vs 2S change of each layer in `col` (computed at `opts.steps`), on `sample` images of the set.
 * Returns null for methods without steps.
 */
export async function stepChanges(exec: HookableModel, set: InputSet, col: Collected, opts: Omit<AttributeOptions, 'keepMaps'> & { steps: number }, sample = 8): Promise<Map<string, StepChange> | null> {
  if (opts.method && opts.method !== 'conductance' && opts.method !== 'hidden-ig') return null;
  const rows = await stepChangeRows(exec, set, col, opts, sampleIndices(set.n, sample));
  return new Map([...rows].map(([name, change]) => [name, stepChangeOf(change, opts.steps)]));
}
