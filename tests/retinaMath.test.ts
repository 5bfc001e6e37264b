/** The retina's small math: Hungarian assignment, rank-1 IRFs, clustering and the adjusted Rand index, filter matching. */
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, clusterRows } from '../src/core/retina/cluster';
import { hungarian, maxAssignment } from '../src/core/retina/hungarian';
import { cosine, irfAgreement, rank1 } from '../src/core/retina/irf';
import { matchFilters, separableFilters, shift } from '../src/core/retina/matching';
import { rng } from '../src/core/util/rng';

/** Brute force: the least cost over all injective maps of rows into columns (rows <= columns). */
function bruteForce(cost: number[][]): number {
  const n = cost.length;
  const m = cost[0].length;
  let best = Infinity;
  const used = new Array(m).fill(false);
  const rec = (i: number, s: number) => {
    if (i === n) {
      best = Math.min(best, s);
      return;
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      rec(i + 1, s + cost[i][j]);
      used[j] = false;
    }
  };
  rec(0, 0);
  return best;
}

describe('hungarian', () => {
  it('hungarian solves a known 3x3 case', () => {
    const r = hungarian([
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ]);
    expect(r.rowToCol).toEqual([1, 0, 2]);
    expect(r.cost).toBe(5);
  });

  it('hungarian equals brute force on random square and rectangular matrices', () => {
    const random = rng(5);
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + Math.floor(random() * 5);
      const m = n + Math.floor(random() * 3);
      const cost = Array.from({ length: n }, () => Array.from({ length: m }, () => Math.round(random() * 20) - 5));
      const r = hungarian(cost);
      expect(new Set(r.rowToCol).size).toBe(n);
      expect(r.cost).toBeCloseTo(bruteForce(cost), 9);
      expect(r.cost).toBeCloseTo(r.rowToCol.reduce((s, c, i) => s + cost[i][c], 0), 9);
    }
  });

  it('hungarian with more rows than columns leaves rows out (-1) and matches every column', () => {
    const cost = [
      [1, 9],
      [9, 1],
      [0, 0],
    ];
    const r = hungarian(cost);
    expect(r.rowToCol.filter((c) => c >= 0).sort()).toEqual([0, 1]);
    expect(r.cost).toBe(bruteForce([[1, 9, 0], [9, 1, 0]]));
  });

  it('maxAssignment maximises the total score', () => {
    const r = maxAssignment([
      [0.9, 0.1],
      [0.8, 0.7],
    ]);
    expect(r.rowToCol).toEqual([0, 1]);
    expect(r.cost).toBeCloseTo(1.6, 12);
  });

  it('hungarian handles empty input and rejects ragged or non-finite costs', () => {
    expect(hungarian([])).toEqual({ rowToCol: [], cost: 0 });
    expect(() => hungarian([[1, 2], [3]])).toThrow(/^hungarian: every row must have 2 columns, but row 1 has 1\.$/);
    expect(() => hungarian([[1, NaN]])).toThrow(/^hungarian: costs must be finite, but row 0 has NaN\.$/);
  });
});

describe('rank1', () => {
  it('rank1 recovers u and v of an exact outer product (sign fixed by the spatial peak)', () => {
    const u = [0.1, -0.7, 0.3, 0.2];
    const v = [1, 2, -1];
    const m = u.flatMap((a) => v.map((b) => -3 * a * b));
    const r = rank1(m, 3);
    const nu = Math.hypot(...u);
    const nv = Math.hypot(...v);
    // M = -3 u v^T; the largest |u| entry is u[1] = -0.7, so spatial = -u/|u| (peak positive)
    // and then temporal = +v/|v| (their product carries the -3).
    u.forEach((a, i) => expect(r.spatial[i]).toBeCloseTo(-a / nu, 5));
    v.forEach((b, k) => expect(r.temporal[k]).toBeCloseTo(b / nv, 5));
    expect(r.sigma).toBeCloseTo(3 * nu * nv, 4);
    expect(r.explained).toBeCloseTo(1, 6);
  });

  it('rank1 of a rank-2 matrix explains s1^2 / (s1^2 + s2^2)', () => {
    // Orthogonal u1, u2 and v1, v2 with singular values 3 and 1.
    const u1 = [1, 0, 0];
    const u2 = [0, 1, 0];
    const v1 = [0.6, 0.8];
    const v2 = [-0.8, 0.6];
    const m = u1.flatMap((_, i) => v1.map((_, k) => 3 * u1[i] * v1[k] + u2[i] * v2[k]));
    const r = rank1(m, 2);
    expect(r.sigma).toBeCloseTo(3, 5);
    expect(r.explained).toBeCloseTo(9 / 10, 5);
  });

  it('rank1 of zeros is zeros; a length that is not a multiple of frames is rejected', () => {
    expect(rank1(new Float32Array(6), 3).sigma).toBe(0);
    expect(() => rank1(new Float32Array(5), 3)).toThrow(/^rank1: irf length 5 is not a multiple of frames 3\.$/);
  });

  it('irfAgreement is 1 for a scaled copy and aligns the joint sign', () => {
    const a = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i) + 0.1 * i);
    const b = a.map((x) => -2 * x);
    const s = irfAgreement(a, a.map((x) => 2 * x), 3);
    expect(s.full).toBeCloseTo(1, 6);
    expect(s.rank1).toBeCloseTo(1, 5);
    const t = irfAgreement(a, b, 3);
    expect(t.full).toBeCloseTo(-1, 6);
    expect(t.spatial).toBeGreaterThanOrEqual(0);
    expect(t.rank1).toBeCloseTo(-1, 5);
    expect(cosine([1, 0], [0, 0])).toBe(0);
  });
});

describe('clusterRows and adjustedRandIndex', () => {
  it('clusterRows separates three directions into three clusters', () => {
    const rows = [
      [1, 0.1, 0],
      [0, 1, 0.1],
      [0.9, 0, 0.1],
      [0, 0.1, 1],
      [0.1, 0.9, 0],
      [0, 0, 1.2],
    ];
    const labels = clusterRows(rows, 3);
    expect(labels).toEqual([0, 1, 0, 2, 1, 2]);
    expect(adjustedRandIndex(labels, ['a', 'b', 'a', 'c', 'b', 'c'])).toBe(1);
  });

  it('adjustedRandIndex matches a hand-computed value and is invariant to label names', () => {
    // a = [0,0,0,1,1,1], b = [0,0,1,1,2,2]: index 2, sums 6 and 3, expected 6*3/15 = 1.2, max 4.5.
    const ari = adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]);
    expect(ari).toBeCloseTo((2 - 1.2) / (4.5 - 1.2), 12);
    expect(adjustedRandIndex(['x', 'x', 'y'], ['p', 'p', 'q'])).toBe(1);
    expect(() => adjustedRandIndex([0], [0, 1])).toThrow(/^adjustedRandIndex: labelings differ in length \(1 and 2\)\.$/);
  });

  it('clusterRows rejects k out of range', () => {
    expect(() => clusterRows([[1], [2]], 3)).toThrow(/^clusterRows: k must be an integer in \[1, 2\], but got 3\.$/);
  });
});

describe('matchFilters', () => {
  it('matchFilters finds permuted, scaled and shifted copies of planted filters among distractors', () => {
    const size = 5;
    const frames = 2;
    const d = size * size * frames;
    const random = rng(9);
    const planted = Float32Array.from({ length: 3 * d }, () => random() - 0.5);
    // Zero a border so a shift by 1 loses nothing.
    for (let j = 0; j < 3; j++) for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
      if (y === 0 || x === 0 || y === size - 1 || x === size - 1) for (let k = 0; k < frames; k++) planted[j * d + (y * size + x) * frames + k] = 0;
    }
    const student = Float32Array.from({ length: 5 * d }, () => random() - 0.5);
    student.set(planted.subarray(0, d).map((v) => 3 * v), 4 * d); // type 0 -> channel 4
    student.set(planted.subarray(d, 2 * d), 1 * d); // type 1 -> channel 1
    student.set(shift(planted.subarray(2 * d, 3 * d), size, frames, 1, -1), 2 * d); // type 2 -> channel 2, shifted
    const exact = matchFilters(planted, student, { size, frames });
    expect(exact.typeToChannel.slice(0, 2)).toEqual([4, 1]);
    expect(exact.matched[0]).toBeCloseTo(1, 6);
    expect(exact.matched[2]).toBeLessThan(0.9);
    const shifted = matchFilters(planted, student, { size, frames, maxShift: 1 });
    expect(shifted.typeToChannel).toEqual([4, 1, 2]);
    expect(shifted.matched[2]).toBeCloseTo(1, 6);
    expect(shifted.shifts[2][2]).toEqual([1, -1]);
    expect(shifted.recovered).toBe(3);
  });
});

describe('separableFilters', () => {
  it('separableFilters keeps a separable filter and removes an orthogonal rank-1 term', () => {
    const u1 = [1, 0, 0, 0];
    const u2 = [0, 1, 0, 0];
    const v1 = [0.6, 0.8];
    const v2 = [-0.8, 0.6];
    const f = Float32Array.from(u1.flatMap((_, i) => v1.map((_, k) => 2 * u1[i] * v1[k] + 0.5 * u2[i] * v2[k])));
    const s = separableFilters(f, 2, 8);
    const expected = u1.flatMap((a) => v1.map((b) => 2 * a * b));
    s.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    expect(() => separableFilters(f, 3, 8)).toThrow(/^separableFilters: rows of 8 values with 3 frames do not tile 8 values\.$/);
  });
});
