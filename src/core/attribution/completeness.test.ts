/**
 * Completeness against a closed form: F(x) = sum_k v_k tanh(x_k) through a cut layer h = x (an
 * identity Dense). With a zeros baseline, a_i = (i/S) x and g_i = v sech^2(a_i), so the trapezoid's
 * sum of contributions at S steps and the exact dF are known without the engine:
 *   sum C_S = sum_k v_k (x_k / S) sum_{i=1..S} 1/2 (sech^2((i-1) x_k / S) + sech^2(i x_k / S)),
 *   dF = sum_k v_k tanh(x_k).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { sech2, T0, tanhModel, V } from '../../../tests/helpers/tanhModel';
import { Executor } from '../model/executor';
import { attribute } from './attribute';
import { plainError, summarizeCompleteness, symmetricError, TINY_DF_FRACTION, tinyThreshold } from './completeness';
import { conductance } from './conductance';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** Per unit contributions of the trapezoid at S steps, in float64. */
function closedC(x: number[], S: number): number[] {
  return x.map((xk, k) => {
    let s = 0;
    for (let i = 1; i <= S; i++) s += 0.5 * (sech2(((i - 1) * xk) / S) + sech2((i * xk) / S));
    return (V[k] * xk * s) / S;
  });
}
const closedDF = (x: number[]) => x.reduce((s, xk, k) => s + V[k] * Math.tanh(xk), 0);

describe('completeness error (plain |sum C - dF| / |dF|)', () => {
  // Image 0: contributions near +1 and -1 cancel to dF = 0.031 (30x smaller than sum |C|);
  // image 1: no cancellation.
  const X = [
    [3, 2],
    [1.5, 0],
  ];

  it('conductance reports the plain error, the gap and the symmetric measure as the closed form gives them', async () => {
    const exec = new Executor(tanhModel());
    const x = tf.tensor2d(X);
    const S = 4;
    const res = await conductance(exec, x, { layers: ['h'], steps: S, target: T0 });
    const l = res.layers.get('h')!;
    X.forEach((xi, n) => {
      const c = closedC(xi, S);
      const sum = c[0] + c[1];
      const dF = closedDF(xi);
      expect(l.total[n]).toBeCloseTo(sum, 5);
      expect(res.F[n] - res.F0[n]).toBeCloseTo(dF, 5);
      const plain = Math.abs(sum - dF) / Math.abs(dF);
      expect(Math.abs(l.completeness![n] - plain)).toBeLessThan(1e-3 * Math.max(1, plain));
      expect(l.completenessGap![n]).toBeCloseTo(Math.abs(sum - dF), 5);
      const sym = Math.abs(sum - dF) / Math.max(Math.abs(dF), Math.abs(c[0]) + Math.abs(c[1]));
      expect(l.completenessSymmetric![n]).toBeCloseTo(sym, 4);
    });
    // The cancelling image: the plain error is far above the symmetric one (which hid it).
    expect(l.completeness![0]).toBeGreaterThan(0.05);
    expect(l.completeness![0]).toBeGreaterThan(10 * l.completenessSymmetric![0]);
    x.dispose();
  });

  it('summaries leave out tiny |dF| images, count them and give their largest gap', () => {
    const dF = [1, 2, 3, 0.001, -2.5, 0];
    const total = [1.1, 1.92, 3.3, 0.05, -2.5, 0.2];
    const thr = tinyThreshold(dF);
    // Independent: the median of |dF| is (1 + 2) / 2 ... sorted |dF| = 0, .001, 1, 2, 2.5, 3 -> 1.5.
    expect(thr).toBeCloseTo(TINY_DF_FRACTION * 1.5, 12);
    const s = summarizeCompleteness(total, dF);
    expect(s.tinyCount).toBe(2);
    expect(s.tinyGapMax).toBeCloseTo(0.2, 12);
    // Plain errors of the others: .1, .04, .1, 0 -> median .07.
    expect(s.median).toBeCloseTo(0.07, 12);
    expect(s.under5).toBeCloseTo(0.5, 12);
    expect(plainError(1.1, 1)).toBeCloseTo(0.1, 12);
    expect(plainError(0, 0)).toBe(0);
    expect(plainError(0.1, 0)).toBe(Infinity);
    expect(symmetricError(0.5, 0.1, 10)).toBeCloseTo(0.04, 12);
  });

  it('until converged: raises the steps per image until the closed-form error is under the target, and reports them', async () => {
    const exec = new Executor(tanhModel());
    const Xa = [
      [3, 2],
      [0.3, 0.1],
      [2.5, 1.2],
    ];
    const x = tf.tensor2d(Xa);
    const target = 0.05;
    const res = await attribute(exec, x, { layers: ['h'], target: T0, autoSteps: { target, start: 2, cap: 512 } });
    const errAt = (xi: number[], S: number) => {
      const c = closedC(xi, S);
      return Math.abs(c[0] + c[1] - closedDF(xi)) / Math.abs(closedDF(xi));
    };
    // Fixed low steps do not reach the target on the sharp images.
    expect(errAt(Xa[0], 4)).toBeGreaterThan(target);
    expect(errAt(Xa[0], 8)).toBeLessThan(target);
    expect(errAt(Xa[2], 2)).toBeGreaterThan(target);
    Xa.forEach((xi, n) => {
      // Expected: the first of 2, 4, 8, ... whose closed-form error is under the target.
      let S = 2;
      while (errAt(xi, S) > target) S *= 2;
      expect(res.stepsUsed![n]).toBe(S);
      const c = closedC(xi, S);
      expect(res.layers.get('h')!.total[n]).toBeCloseTo(c[0] + c[1], 4);
      expect(res.layers.get('h')!.completeness![n]).toBeLessThanOrEqual(target);
    });
    expect(res.stepsUsed![0]).toBeGreaterThan(res.stepsUsed![1]);
    x.dispose();
  });

  it('until converged stops at the cap and says so by the error it reports', async () => {
    const exec = new Executor(tanhModel());
    const x = tf.tensor2d([[4, 3.2], [1, 0.5]]);
    const res = await attribute(exec, x, { layers: ['h'], target: T0, autoSteps: { target: 1e-9, start: 2, cap: 8 } });
    expect(Array.from(res.stepsUsed!)).toEqual([8, 8]);
    expect(res.stepsError![0]).toBeGreaterThan(1e-9);
    await expect(attribute(exec, x, { method: 'hidden-ig', layers: ['h'], target: T0, autoSteps: {} })).rejects.toThrow(/conductance only/);
    x.dispose();
  });
});
