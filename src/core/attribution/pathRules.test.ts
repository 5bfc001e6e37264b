/**
 * The integration rules of pathRules.ts against per-alpha references computed here: the closed-form
 * tanh model (F = v . tanh(x) through the cut h = x, so a_i = alpha_i x and g_i = v sech^2(alpha_i x)
 * at any grid), and the engine's conductance on a CNN with a skip connection (same grid, same sums).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { sech2, T0, tanhModel, V } from '../../../tests/helpers/tanhModel';
import { randomImages, residualCnn } from '../../../tests/helpers/models';
import { Executor } from '../model/executor';
import { conductance } from './conductance';
import { gridSums, nonuniformGrid, ruleSums, targetAlong, uniformGrid } from './pathRules';

beforeAll(async () => {
  await useNodeBackend('wasm');
});


/** Per-alpha reference of each rule on `grid`, in float64. */
function reference(x: number[], grid: number[]) {
  let left = 0;
  let right = 0;
  let mid = 0;
  x.forEach((xk, k) => {
    const a = grid.map((al) => al * xk);
    const g = grid.map((al) => V[k] * sech2(al * xk));
    for (let i = 1; i < grid.length; i++) {
      left += g[i - 1] * (a[i] - a[i - 1]);
      right += g[i] * (a[i] - a[i - 1]);
    }
    for (let i = 1; i + 1 < grid.length; i += 2) mid += g[i] * (a[i + 1] - a[i - 1]);
  });
  return { left, right, trapezoid: (left + right) / 2, midpoint: mid };
}
const dFof = (x: number[]) => x.reduce((s, xk, k) => s + V[k] * Math.tanh(xk), 0);

describe('integration rules at equal passes', () => {
  it('left, right, trapezoid and midpoint sums equal the per-alpha reference on uniform and nonuniform grids', async () => {
    const exec = new Executor(tanhModel());
    const X = [
      [3, 2],
      [0.7, -1.4],
    ];
    const x = tf.tensor2d(X);
    const grids = [uniformGrid(9), nonuniformGrid(9, uniformGrid(3), [0, 0.9, 1])];
    for (const grid of grids) {
      const r = await gridSums(exec, x, ['h'], grid, T0, 4);
      const s = r.sums.get('h')!;
      X.forEach((xi, n) => {
        const ref = reference(xi, grid);
        for (const rule of ['left', 'right', 'trapezoid', 'midpoint'] as const) expect(s[rule]![n]).toBeCloseTo(ref[rule], 5);
        expect(r.F[n] - r.F0[n]).toBeCloseTo(dFof(xi), 5);
      });
    }
    x.dispose();
  });

  it('the nonuniform grid puts its extra points where F changes most, and keeps the coarse points', () => {
    const coarse = uniformGrid(5);
    // F rises only between 0.25 and 0.5.
    const grid = nonuniformGrid(13, coarse, [0, 0, 1, 1, 1]);
    expect(grid).toHaveLength(13);
    for (const c of coarse) expect(grid).toContain(c);
    for (let i = 1; i < grid.length; i++) expect(grid[i]).toBeGreaterThan(grid[i - 1]);
    const inside = grid.filter((a) => a > 0.25 && a < 0.5).length;
    // Half the density uniform (2 of 8 extra points per ~quarter), half by |dF| (all 4 there): 5 or so of 8.
    expect(inside).toBeGreaterThanOrEqual(5);
  });

  it('at equal passes Riemann sums are worse than the trapezoid, and spacing by F\'s change is no sure gain (it loses here)', async () => {
    const exec = new Executor(tanhModel());
    // F changes fast near alpha = 0 (tanh(6 alpha)); with cancelling units F would not show where the integrand changes.
    const X = [[6, 0.5]];
    const x = tf.tensor2d(X);
    const P = 9;
    const r = await ruleSums(exec, x, ['h'], P, T0);
    const dF = dFof(X[0]);
    const err = (v: number) => Math.abs(v - dF) / Math.abs(dF);
    const s = r.sums.get('h')!;
    // F = tanh(6 alpha) - tanh(0.5 alpha) changes fastest near 0, where the nonuniform grid puts its points,
    // yet the uniform trapezoid wins: its error, h^2/12 (f'(1) - f'(0)) + O(h^4) for the integrand f,
    // nearly vanishes as f' = d/dalpha (6 sech^2(6 alpha)) is 0 at 0 and about 0 at 1; moved points lose
    // that cancellation. Measured at 9 passes: 0.23% (nonuniform) vs 0.06% (uniform).
    expect(err(s.nonuniform![0])).toBeGreaterThan(2 * err(s.trapezoid![0]));
    expect(err(s.left![0])).toBeGreaterThan(err(s.trapezoid![0]));
    expect(err(s.right![0])).toBeGreaterThan(err(s.trapezoid![0]));
    // F along the coarse grid is the model's own output.
    const f = await targetAlong(exec, x, [0, 0.5, 1], T0);
    expect(f[1]).toBeCloseTo(Math.tanh(3) - Math.tanh(0.25), 5);
    x.dispose();
  });

  it('the uniform trapezoid of gridSums equals the engine conductance total at every cut (a net with a skip connection)', async () => {
    const exec = new Executor(residualCnn(7));
    const x = randomImages([3, 8, 8, 2], 17);
    const layers = ['c1', 'add', 'r'];
    const S = 6;
    const eng = await conductance(exec, x, { layers, steps: S });
    const g = await gridSums(exec, x, layers, uniformGrid(S + 1), { kind: 'logit' }, 3);
    for (const l of layers) for (let n = 0; n < 3; n++) expect(g.sums.get(l)!.trapezoid![n]).toBeCloseTo(eng.layers.get(l)!.total[n], 3);
    x.dispose();
  });
});
