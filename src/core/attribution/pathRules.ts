/**
 * Integration rules for the conductance path integral, compared at equal passes (one pass = the
 * activations and gradients at one alpha point, for all layers at once). For any sorted alpha grid
 * 0 = alpha_0 < ... < alpha_P-1 = 1 with a_i, g_i at each point, per image and layer:
 *   left      sum_i g_{i-1} . (a_i - a_{i-1})
 *   right     sum_i g_i . (a_i - a_{i-1})
 *   trapezoid the mean of the two (conductance.ts; on any grid, since it is a sum over a, not alpha)
 *   midpoint  sum over odd i of g_i . (a_{i+1} - a_{i-1}) (needs an odd number of points; each pass
 *             serves as a midpoint or as an end point, so at equal passes it has half the intervals)
 * and the grids: uniform (alpha_i = i/(P-1)), or `nonuniform`: a coarse uniform first pass of about
 * P/3 points, then the rest placed (per image) by the inverse of the cumulative |change of F| along the coarse
 * grid (mixed half and half with uniform spacing, so no stretch is left empty), trapezoid on the union.
 *
 * Only per-image sums over a layer's units are kept (completeness needs nothing else), so any grid
 * fits in memory. This is the measuring tool of bench/completeness.ts and the tests of the rules; the
 * engine's conductance stays the uniform trapezoid (docs/completeness.md says why).
 */
import * as tf from '@tensorflow/tfjs';
import type { HookableModel } from '../model/runner';
import { gradPass } from './conductance';
import { forwardAtX } from './finish';
import { interpolate, makeBaseline } from './path';
import { targetFn, type TargetSpec } from './targets';

export const RULES = ['trapezoid', 'left', 'right', 'midpoint', 'nonuniform'] as const;
export type Rule = (typeof RULES)[number];

/** Per layer, per image sum of contributions under each rule evaluated on one grid; F at x and x0. */
export interface GridSums {
  /** layer -> rule -> per image sum over units. */
  sums: Map<string, Partial<Record<Rule, Float64Array>>>;
  F: Float32Array;
  F0: Float32Array;
  passes: number;
}

export function uniformGrid(points: number): number[] {
  return Array.from({ length: points }, (_, i) => i / (points - 1));
}

/**
 * The nonuniform grid of `points` points: `coarse` uniform points where F was evaluated (fAlong,
 * per point, any per-image aggregate such as the mean over images of F), then the others placed
 * where F changes fastest. Returns sorted alphas, 0 and 1 included, all distinct.
 */
export function nonuniformGrid(points: number, coarse: number[], fAlong: number[], uniformShare = 0.5): number[] {
  const extra = points - coarse.length;
  if (extra <= 0) return coarse.slice();
  // Density on each coarse interval: a share uniform (half by default), the rest proportional to |dF| over it.
  const dF = coarse.slice(1).map((_, i) => Math.abs(fAlong[i + 1] - fAlong[i]));
  const totalF = dF.reduce((s, v) => s + v, 0);
  const u = uniformShare;
  const w = dF.map((d, i) => u * (coarse[i + 1] - coarse[i]) + (1 - u) * (totalF > 0 ? d / totalF : coarse[i + 1] - coarse[i]));
  const W = w.reduce((s, v) => s + v, 0);
  // Extra points per interval by largest remainders, then spaced evenly inside each interval.
  const want = w.map((v) => (v / W) * extra);
  const k = want.map(Math.floor);
  let left = extra - k.reduce((s, v) => s + v, 0);
  const order = want.map((v, i) => [v - Math.floor(v), i]).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) if (left-- > 0) k[i]++;
  const out = [coarse[0]];
  for (let i = 0; i < k.length; i++) {
    for (let j = 1; j <= k[i]; j++) out.push(coarse[i] + ((coarse[i + 1] - coarse[i]) * j) / (k[i] + 1));
    out.push(coarse[i + 1]);
  }
  return out;
}

/** F (the target) per image at each alpha of `grid` (forward passes only). Rows: alpha-major (grid.length x B). */
export async function targetAlong(exec: HookableModel, x: tf.Tensor, grid: number[], target: TargetSpec = { kind: 'logit' }, classIdx?: Int32Array): Promise<Float32Array> {
  const b = x.shape[0];
  const k = classIdx ?? (await forwardAtX(exec, x, target)).classIdx;
  const tgt = targetFn(target);
  const f = tf.tidy(() => {
    const x0 = makeBaseline(x, 'zeros');
    const xs = interpolate(x0, x, grid);
    const z = exec.predict(xs);
    return tgt((z.rank === 2 ? z : tf.reshape(z, [z.shape[0], -1])) as tf.Tensor2D, tf.tile(tf.tensor1d(k, 'int32'), [grid.length]));
  });
  const out = (await f.data()) as Float32Array;
  f.dispose();
  return Float32Array.from(out.subarray(0, grid.length * b));
}

/**
 * Per-image sums of contributions of `layers` under the rules on the sorted `grid` (0 and 1 in
 * it), with a zeros baseline, from one gradient pass per chunk of alpha points. `rules` may hold
 * left, right, trapezoid and (for an odd number of uniform points) midpoint.
 */
export async function gridSums(exec: HookableModel, x: tf.Tensor, layers: string[], grid: number[], target: TargetSpec = { kind: 'logit' }, chunk = 8): Promise<GridSums> {
  const b = x.shape[0];
  const { classIdx } = await forwardAtX(exec, x, target);
  const tgt = targetFn(target);
  const shapes = layers.map((l) => exec.layer(l).outputShape);
  const sizes = shapes.map((s) => s.reduce((p, d) => p * d, 1));
  const x0 = makeBaseline(x, 'zeros');
  const cls = tf.tensor1d(classIdx, 'int32');
  const acc = layers.map(() => ({ left: new Float64Array(b), right: new Float64Array(b), mid: new Float64Array(b) }));
  // The previous two rows per layer (a, g) for the pair and leapfrog sums.
  const prev: { a: Float32Array; g: Float32Array }[][] = layers.map(() => []);
  const F = new Float32Array(b);
  const F0 = new Float32Array(b);
  let row = 0;
  try {
    for (let s = 0; s < grid.length; s += chunk) {
      const al = grid.slice(s, s + chunk);
      const { a, g, f } = gradPass(exec, x0, x, al, layers, shapes, tgt, cls);
      try {
        const fv = await f.data();
        if (s === 0) F0.set(fv.subarray(0, b));
        if (s + al.length === grid.length) F.set(fv.subarray((al.length - 1) * b, al.length * b));
        for (let l = 0; l < layers.length; l++) {
          const A = (await a[l].data()) as Float32Array;
          const G = (await g[l].data()) as Float32Array;
          const per = sizes[l];
          for (let r = 0; r < al.length; r++) {
            const cur = { a: A.slice(r * b * per, (r + 1) * b * per), g: G.slice(r * b * per, (r + 1) * b * per) };
            const p = prev[l];
            const i = row + r;
            if (p.length >= 1) {
              const q = p[p.length - 1];
              for (let n = 0; n < b; n++) {
                let L = 0;
                let R = 0;
                for (let j = n * per; j < (n + 1) * per; j++) {
                  const da = cur.a[j] - q.a[j];
                  L += q.g[j] * da;
                  R += cur.g[j] * da;
                }
                acc[l].left[n] += L;
                acc[l].right[n] += R;
              }
            }
            // Leapfrog: at an odd index i-1, g_{i-1} . (a_i - a_{i-2}).
            if (p.length >= 2 && i % 2 === 0) {
              const q1 = p[p.length - 1];
              const q2 = p[p.length - 2];
              for (let n = 0; n < b; n++) {
                let M = 0;
                for (let j = n * per; j < (n + 1) * per; j++) M += q1.g[j] * (cur.a[j] - q2.a[j]);
                acc[l].mid[n] += M;
              }
            }
            p.push(cur);
            if (p.length > 2) p.shift();
          }
        }
      } finally {
        tf.dispose([...a, ...g, f]);
      }
      row += al.length;
    }
  } finally {
    tf.dispose([x0, cls]);
  }
  const sums = new Map<string, Partial<Record<Rule, Float64Array>>>();
  for (const [l, name] of layers.entries()) {
    const { left, right, mid } = acc[l];
    const r: Partial<Record<Rule, Float64Array>> = { left, right, trapezoid: left.map((v, n) => 0.5 * (v + right[n])) };
    if (grid.length % 2 === 1) r.midpoint = mid;
    sums.set(name, r);
  }
  return { sums, F, F0, passes: grid.length };
}

/**
 * Per-image sums under every rule at `points` passes: the uniform rules on one uniform grid, and
 * the nonuniform trapezoid on its own grid (coarse first pass included in the count).
 */
export async function ruleSums(exec: HookableModel, x: tf.Tensor, layers: string[], points: number, target: TargetSpec = { kind: 'logit' }, uniformShare = 0.5): Promise<{ sums: Map<string, Record<Rule, Float64Array | null>>; F: Float32Array; F0: Float32Array }> {
  const uni = await gridSums(exec, x, layers, uniformGrid(points), target);
  const b = x.shape[0];
  const coarse = uniformGrid(Math.max(3, Math.round(points / 3)));
  const fc = await targetAlong(exec, x, coarse, target);
  // Each image its own grid, from its own F along the coarse pass (one image per pass batch).
  const nu = new Map<string, Float64Array>(layers.map((l) => [l, new Float64Array(b)]));
  for (let n = 0; n < b; n++) {
    const xi = tf.slice(x, n, 1);
    try {
      const grid = nonuniformGrid(points, coarse, coarse.map((_, i) => fc[i * b + n]), uniformShare);
      const r = await gridSums(exec, xi, layers, grid, target);
      for (const l of layers) nu.get(l)![n] = r.sums.get(l)!.trapezoid![0];
    } finally {
      xi.dispose();
    }
  }
  const sums = new Map<string, Record<Rule, Float64Array | null>>();
  for (const l of layers) {
    const u = uni.sums.get(l)!;
    sums.set(l, { trapezoid: u.trapezoid!, left: u.left!, right: u.right!, midpoint: u.midpoint ?? null, nonuniform: nu.get(l)! });
  }
  return { sums, F: uni.F, F0: uni.F0 };
}
