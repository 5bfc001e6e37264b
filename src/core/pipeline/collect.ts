/**
 * Runs an attribution method over a whole image set in batches and gathers the per-image
 * vectors of every layer (net, ei, act_net, completeness) and the target values, with progress
 * and cancellation between batches. Layers finished before a cancel are not partial: a cancel
 * throws, and the caller keeps what earlier calls returned.
 */
import { attribute, type AttributeOptions } from '../attribution/attribute';
import { throwIfAborted } from '../errors';
import type { HookableModel } from '../model/runner';
import { batchTensor, checkInputSet, type InputSet } from './imageBatch';

export interface CollectedLayer {
  name: string;
  shape: number[];
  channels: number;
  net: Float32Array; // N x C
  ei: Float32Array; // N x 2C
  actNet: Float32Array; // N x C
  total: Float32Array; // N
  completeness: Float32Array | null; // N, the plain error |sum C - dF| / |dF|
  completenessGap?: Float32Array | null; // N, |sum C - dF|
  completenessSymmetric?: Float32Array | null; // N, the symmetric measure (an extra)
  stepsUsed?: Int32Array | null; // N, with autoSteps
}

export interface Collected {
  layers: CollectedLayer[];
  F: Float32Array;
  F0: Float32Array;
  targetClass: Int32Array;
  probs: Float32Array; // N x K
  numClasses: number;
}

export interface CollectOptions extends Omit<AttributeOptions, 'onProgress' | 'keepMaps'> {
  batchSize?: number;
  onProgress?: (p: { done: number; total: number; stage: string }) => void;
}

export async function collectAttributions(exec: HookableModel, set: InputSet, options: CollectOptions): Promise<Collected> {
  checkInputSet(set, exec.inputShape);
  const { batchSize = 32, onProgress, signal, ...attr } = options;
  const n = set.n;
  let out: Collected | null = null;
  for (let start = 0; start < n; start += batchSize) {
    throwIfAborted(signal, 'analyze');
    const end = Math.min(n, start + batchSize);
    const x = batchTensor(set, start, end);
    let res;
    try {
      res = await attribute(exec, x, {
        ...attr,
        signal,
        onProgress: (p) => onProgress?.({ done: start + ((end - start) * p.done) / p.total, total: n, stage: 'contributions' }),
      });
    } finally {
      x.dispose();
    }
    if (!out) {
      out = {
        layers: options.layers.map((name) => {
          const l = res.layers.get(name)!;
          return {
            name,
            shape: l.shape,
            channels: l.channels,
            net: new Float32Array(n * l.channels),
            ei: new Float32Array(n * 2 * l.channels),
            actNet: new Float32Array(n * l.channels),
            total: new Float32Array(n),
            completeness: l.completeness ? new Float32Array(n) : null,
            completenessGap: l.completenessGap ? new Float32Array(n) : null,
            completenessSymmetric: l.completenessSymmetric ? new Float32Array(n) : null,
            stepsUsed: res.stepsUsed ? new Int32Array(n) : null,
          };
        }),
        F: new Float32Array(n),
        F0: new Float32Array(n),
        targetClass: new Int32Array(n),
        probs: new Float32Array(n * res.numClasses),
        numClasses: res.numClasses,
      };
    }
    for (const l of out.layers) {
      const r = res.layers.get(l.name)!;
      l.net.set(r.net, start * l.channels);
      l.ei.set(r.ei, start * 2 * l.channels);
      l.actNet.set(r.actNet, start * l.channels);
      l.total.set(r.total, start);
      if (l.completeness && r.completeness) l.completeness.set(r.completeness, start);
      if (l.completenessGap && r.completenessGap) l.completenessGap.set(r.completenessGap, start);
      if (l.completenessSymmetric && r.completenessSymmetric) l.completenessSymmetric.set(r.completenessSymmetric, start);
      if (l.stepsUsed && res.stepsUsed) l.stepsUsed.set(res.stepsUsed, start);
    }
    out.F.set(res.F, start);
    out.F0.set(res.F0, start);
    out.targetClass.set(res.targetClass, start);
    out.probs.set(res.probs, start * res.numClasses);
    onProgress?.({ done: end, total: n, stage: 'contributions' });
  }
  return out!;
}
