import { describe, expect, it } from 'vitest';
import { rng } from '../util/rng';
import { symmetricEigenvalues } from './eigen';

function close(got: ArrayLike<number>, want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(tol);
}

/** Q diag(l) Q^T with Q a seeded random orthogonal matrix (Gram-Schmidt). */
function withSpectrum(l: number[], seed: number): Float64Array {
  const n = l.length;
  const r = rng(seed);
  const Q: number[][] = [];
  for (let i = 0; i < n; i++) {
    const q = Array.from({ length: n }, () => r() - 0.5);
    for (const p of Q) {
      const dot = q.reduce((s, x, j) => s + x * p[j], 0);
      for (let j = 0; j < n; j++) q[j] -= dot * p[j];
    }
    const norm = Math.hypot(...q);
    Q.push(q.map((x) => x / norm));
  }
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) A[i * n + j] += Q[k][i] * l[k] * Q[k][j];
  return A;
}

describe('symmetricEigenvalues', () => {
  it('symmetricEigenvalues() of [[2, 1], [1, 2]] is [3, 1]', () => {
    close(symmetricEigenvalues([2, 1, 1, 2], 2), [3, 1], 1e-12);
  });
  it('symmetricEigenvalues() of a diagonal matrix sorts its diagonal', () => {
    close(symmetricEigenvalues([1, 0, 0, 0, -4, 0, 0, 0, 7], 3), [7, 1, -4], 1e-12);
  });
  it('symmetricEigenvalues() of the (2, -1) tridiagonal matrix is 2 - 2 cos(k pi / (n + 1))', () => {
    const n = 40;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      A[i * n + i] = 2;
      if (i > 0) A[i * n + i - 1] = A[(i - 1) * n + i] = -1;
    }
    const want = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort((a, b) => b - a);
    close(symmetricEigenvalues(A, n), want, 1e-10);
  });
  it('symmetricEigenvalues() recovers a planted spectrum with repeats, zero and negatives', () => {
    const l = [5, 3, 3, 1, 0, -2, 0.5, 8];
    close(symmetricEigenvalues(withSpectrum(l, 7), l.length), l.slice().sort((a, b) => b - a), 1e-10);
  });
  it('symmetricEigenvalues() handles empty and 1 x 1', () => {
    expect(symmetricEigenvalues([], 0).length).toBe(0);
    close(symmetricEigenvalues([4], 1), [4], 0);
  });
  it('symmetricEigenvalues() rejects a wrong size', () => {
    expect(() => symmetricEigenvalues([1, 2, 3], 2)).toThrow(/^symmetricEigenvalues: a must hold 2 x 2 = 4 values, but got 3\.$/);
  });
});
