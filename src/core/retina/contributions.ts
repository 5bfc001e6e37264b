/**
 * Contributions of the student's hidden layers over a stimulus set, in batches: with one target
 * for all windows (the surprisal), or with every cell's rate as its own target (each window
 * repeated once per cell, the cell picked by the `logit` target with per-row class indices, which on
 * the rate output is the rate itself). Returns the per-window ei and net vectors per layer.
 */
import * as tf from '@tensorflow/tfjs';
import { attribute } from '../attribution/attribute';
import type { TargetSpec } from '../attribution/targets';
import { check, throwIfAborted } from '../errors';
import type { Executor } from '../model/executor';

export interface LayerContributions {
  name: string;
  channels: number;
  /** Rows x 2C (negative half first) and rows x C. */
  ei: Float32Array;
  net: Float32Array;
  /** Per-row completeness error at this layer (the student's hidden layers are cuts). */
  completeness: Float32Array;
}

export interface ContributionOptions {
  layers: string[];
  steps?: number;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Contributions for windows `data` (n x per): target `surprisal` (or any TargetSpec) gives n rows;
 * target `'per-cell'` gives n * cells rows, cell-major (row = cell * n + window).
 */
export async function contributions(exec: Executor, data: Float32Array, n: number, target: TargetSpec | 'per-cell', { layers, steps = 20, batchSize = 16, signal, onProgress }: ContributionOptions): Promise<LayerContributions[]> {
  const shape = exec.inputShape;
  const per = shape.reduce((a, b) => a * b, 1);
  check(data.length === n * per, () => `contributions: data must hold ${n} windows of ${per} values, but got ${data.length}.`);
  const cells = exec.model.outputs[0].shape[1] as number;
  const reps = target === 'per-cell' ? cells : 1;
  const rows = n * reps;
  const infos = layers.map((l) => exec.layer(l));
  const out: LayerContributions[] = infos.map((info) => {
    const c = info.outputShape[info.outputShape.length - 1];
    return { name: info.name, channels: c, ei: new Float32Array(rows * 2 * c), net: new Float32Array(rows * c), completeness: new Float32Array(rows) };
  });
  for (let s = 0; s < n; s += batchSize) {
    throwIfAborted(signal, 'contributions');
    const b = Math.min(batchSize, n - s);
    const x = tf.tidy(() => {
      const one = tf.tensor(data.subarray(s * per, (s + b) * per), [b, ...shape]);
      return reps === 1 ? one : tf.tile(one, [reps, ...shape.map(() => 1)]);
    });
    const spec: TargetSpec = target === 'per-cell' ? { kind: 'logit', classIndex: Array.from({ length: b * reps }, (_, i) => Math.floor(i / b)) } : target;
    try {
      const res = await attribute(exec, x, { method: 'conductance', layers, steps, target: spec });
      out.forEach((o) => {
        const r = res.layers.get(o.name)!;
        const c = o.channels;
        for (let q = 0; q < b * reps; q++) {
          const row = Math.floor(q / b) * n + s + (q % b);
          o.ei.set(r.ei.subarray(q * 2 * c, (q + 1) * 2 * c), row * 2 * c);
          o.net.set(r.net.subarray(q * c, (q + 1) * c), row * c);
          o.completeness[row] = r.completeness ? r.completeness[q] : NaN;
        }
      });
    } finally {
      x.dispose();
    }
    onProgress?.(s + b, n);
  }
  return out;
}
