/**
 * Conductance "until converged" (`--steps auto`): the steps per image are raised (start, 2 start,
 * 4 start, ... up to a cap) until the image's completeness error is under a target (default 5%).
 *
 * The error checked per image is the largest, over the analysed layers that are cuts, of the
 * plain error |sum C - dF| / |dF| (completeness.ts), where an image whose |dF| is tiny (below 1% of
 * the batch's median |dF|) is measured against that threshold instead, so that a cancellation to
 * nothing cannot keep raising the steps. Where no analysed layer is a cut there is no completeness
 * to check: the check is then the change of the contributions between S and S/2 steps,
 * ||net_S - net_S/2||_1 / ||net_S||_1, the largest over layers (so at least two rounds run).
 *
 * Each round reruns only the images still above the target, at the doubled step count, from
 * scratch (the points of S steps are among those of 2S, but conductance keeps no per-point state,
 * so a round costs 2S + 1 passes: at most about twice the final step count in all). Every image
 * keeps the result of its last round and reports the steps used.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import type { HookableModel } from '../model/runner';
import { convergenceError, tinyThreshold } from './completeness';
import { conductance, type ConductanceOptions } from './conductance';
import type { AttributionResult, LayerAttribution } from './result';

export interface AutoStepsOptions {
  /** The completeness error to reach per image. Default 0.05. */
  target?: number;
  /** The most steps per image. Default 256. */
  cap?: number;
  /** Steps of the first round. Default 8. */
  start?: number;
}

export const AUTO_STEPS_DEFAULTS = { target: 0.05, cap: 256, start: 8 } as const;

export interface AutoResult extends AttributionResult {
  /** Steps used per image. */
  stepsUsed: Int32Array;
  /** The error that stopped each image (under the target unless the cap stopped it). */
  stepsError: Float32Array;
}

type Rows = Pick<LayerAttribution, 'net' | 'ei' | 'actNet' | 'total' | 'map' | 'actMap'> & { completeness: Float32Array | null; completenessGap: Float32Array | null; completenessSymmetric: Float32Array | null };

/** The per-image error of one round's result (see the file comment); prev: the previous round's net per image. */
function roundErrors(res: AttributionResult, layers: string[], threshold: number, prev: Map<string, Float32Array> | null, idx: number[], prevIdx: number[] | null): number[] {
  const b = res.F.length;
  const dF = Array.from(res.F, (f, i) => f - res.F0[i]);
  const cuts = layers.map((l) => res.layers.get(l)!).filter((l) => l.completeness && l.completenessGap);
  const out: number[] = [];
  for (let i = 0; i < b; i++) {
    let e = 0;
    if (cuts.length) {
      for (const l of cuts) e = Math.max(e, convergenceError(l.completenessGap![i], dF[i], threshold));
    } else if (!prev || !prevIdx) e = Infinity;
    else {
      const j = prevIdx.indexOf(idx[i]);
      for (const name of layers) {
        const l = res.layers.get(name)!;
        const c = l.channels;
        const p = prev.get(name)!;
        let d = 0;
        let s = 0;
        for (let k = 0; k < c; k++) {
          d += Math.abs(l.net[i * c + k] - p[j * c + k]);
          s += Math.abs(l.net[i * c + k]);
        }
        e = Math.max(e, s === 0 ? (d === 0 ? 0 : Infinity) : d / s);
      }
    }
    out.push(e);
  }
  return out;
}

const pick = <T extends Float32Array | Int32Array>(a: T, i: number, w: number): T => a.subarray(i * w, (i + 1) * w) as T;

export async function conductanceAuto(exec: HookableModel, x: tf.Tensor, options: ConductanceOptions & { auto?: AutoStepsOptions }): Promise<AutoResult> {
  const { target = AUTO_STEPS_DEFAULTS.target, cap = AUTO_STEPS_DEFAULTS.cap, start = AUTO_STEPS_DEFAULTS.start } = options.auto ?? {};
  check(target > 0 && Number.isFinite(target), () => `conductance: the convergence target must be a number > 0, but got ${target}.`);
  check(Number.isInteger(cap) && cap >= 1 && Number.isInteger(start) && start >= 1, () => `conductance: steps cap and start must be integers >= 1, but got ${cap} and ${start}.`);
  const b = x.shape[0];
  const given = options.target && 'classIndex' in options.target && Array.isArray(options.target.classIndex) ? options.target.classIndex : null;
  const stepsUsed = new Int32Array(b);
  const stepsError = new Float32Array(b);
  const rows: (Map<string, Rows> | null)[] = Array(b).fill(null);
  let head: AttributionResult | null = null;
  const F = new Float32Array(b);
  const F0 = new Float32Array(b);
  const targetClass = new Int32Array(b);
  let probs = new Float32Array(0);
  let threshold = 0;
  let pending = Array.from({ length: b }, (_, i) => i);
  let prevNet: Map<string, Float32Array> | null = null;
  let prevIdx: number[] | null = null;
  let steps = Math.min(start, cap);
  for (;;) {
    const idx = pending;
    const xs = idx.length === b ? x : tf.gather(x, tf.tensor1d(idx, 'int32'));
    let res: AttributionResult;
    try {
      const tgt = given && options.target ? { ...options.target, classIndex: idx.map((i) => given[i]) } : options.target;
      res = await conductance(exec, xs, { ...options, target: tgt, steps, onProgress: (p) => options.onProgress?.({ ...p, stage: `conductance (until converged: ${steps} steps, ${idx.length} images)` }) });
    } finally {
      if (xs !== x) xs.dispose();
    }
    if (!head) {
      head = res;
      probs = new Float32Array(b * res.numClasses);
      threshold = tinyThreshold(Array.from(res.F, (f, i) => f - res.F0[i]));
    }
    const errs = roundErrors(res, options.layers, threshold, prevNet, idx, prevIdx);
    const K = res.numClasses;
    const next: number[] = [];
    for (const [j, i] of idx.entries()) {
      if (errs[j] > target && steps < cap) {
        next.push(i);
        continue;
      }
      stepsUsed[i] = steps;
      stepsError[i] = errs[j];
      F[i] = res.F[j];
      F0[i] = res.F0[j];
      targetClass[i] = res.targetClass[j];
      probs.set(pick(res.probs, j, K), i * K);
      const m = new Map<string, Rows>();
      for (const [name, l] of res.layers) {
        const per = l.shape.reduce((p, d) => p * d, 1);
        const c = l.channels;
        m.set(name, {
          net: pick(l.net, j, c),
          ei: pick(l.ei, j, 2 * c),
          actNet: pick(l.actNet, j, c),
          total: pick(l.total, j, 1),
          map: l.map ? pick(l.map, j, per) : undefined,
          actMap: l.actMap ? pick(l.actMap, j, per) : undefined,
          completeness: l.completeness ? pick(l.completeness, j, 1) : null,
          completenessGap: l.completenessGap ? pick(l.completenessGap, j, 1) : null,
          completenessSymmetric: l.completenessSymmetric ? pick(l.completenessSymmetric, j, 1) : null,
        });
      }
      rows[i] = m;
    }
    if (!next.length) break;
    prevNet = new Map([...res.layers].map(([n, l]) => [n, l.net]));
    prevIdx = idx;
    pending = next;
    steps = Math.min(2 * steps, cap);
  }
  const layers = new Map<string, LayerAttribution>();
  for (const [name, l] of head!.layers) {
    const per = l.shape.reduce((p, d) => p * d, 1);
    const cat = (get: (r: Rows) => Float32Array | null | undefined, w: number): Float32Array => {
      const out = new Float32Array(b * w);
      for (let i = 0; i < b; i++) out.set(get(rows[i]!.get(name)!)!, i * w);
      return out;
    };
    layers.set(name, {
      name,
      shape: l.shape,
      channels: l.channels,
      net: cat((r) => r.net, l.channels),
      ei: cat((r) => r.ei, 2 * l.channels),
      actNet: cat((r) => r.actNet, l.channels),
      total: cat((r) => r.total, 1),
      map: l.map ? cat((r) => r.map, per) : undefined,
      actMap: l.actMap ? cat((r) => r.actMap, per) : undefined,
      completeness: l.completeness ? cat((r) => r.completeness, 1) : null,
      completenessGap: l.completenessGap ? cat((r) => r.completenessGap, 1) : null,
      completenessSymmetric: l.completenessSymmetric ? cat((r) => r.completenessSymmetric, 1) : null,
    });
  }
  return { method: 'conductance', layers, F, F0, targetClass, probs, numClasses: head!.numClasses, stepsUsed, stepsError };
}
