import { describe, expect, it } from 'vitest';
import { dimensionality } from './dimensionality';

describe('dimensionality', () => {
  it('dimensionality() of points on a line is one component', () => {
    // rows t (1, 2), t = 1, 2, 3: sample variance of t is 1, so the eigenvalue is |(1, 2)|^2 = 5.
    const r = dimensionality(new Float32Array([1, 2, 2, 4, 3, 6]), 3, 2);
    expect(r.n95).toBe(1);
    expect(r.participationRatio).toBeCloseTo(1, 10);
    expect(r.eigenvalues[0]).toBeCloseTo(5, 10);
    expect(r.eigenvalues[1]).toBeCloseTo(0, 10);
  });
  it('dimensionality() of an axis-aligned cross: eigenvalues 8/3 and 2/3', () => {
    const r = dimensionality(new Float32Array([1, 0, -1, 0, 0, 2, 0, -2]), 4, 2);
    expect(r.eigenvalues[0]).toBeCloseTo(8 / 3, 10);
    expect(r.eigenvalues[1]).toBeCloseTo(2 / 3, 10);
    expect(r.n95).toBe(2); // 8/3 is 80% of 10/3
    expect(r.participationRatio).toBeCloseTo(100 / 68, 10);
    expect(dimensionality(new Float32Array([1, 0, -1, 0, 0, 2, 0, -2]), 4, 2, { threshold: 0.8 }).n95).toBe(1);
  });
  it('dimensionality() counts 19 of 20 equal variances as exactly 95%', () => {
    const d = 20;
    const data = new Float32Array(2 * d * d);
    for (let i = 0; i < d; i++) {
      data[2 * i * d + i] = 1;
      data[(2 * i + 1) * d + i] = -1;
    }
    const r = dimensionality(data, 2 * d, d);
    expect(r.n95).toBe(19);
    expect(r.participationRatio).toBeCloseTo(20, 8);
  });
  it('dimensionality() with fewer rows than columns uses the Gram matrix', () => {
    // rows t * u, t = 0, 1, 5, |u|^2 = 1 + 4 + ... : one eigenvalue var(t) |u|^2; var(t) = 7.
    const d = 10;
    const u = Array.from({ length: d }, (_, j) => j - 4);
    const uu = u.reduce((s, x) => s + x * x, 0);
    const data = new Float32Array(3 * d);
    [0, 1, 5].forEach((t, b) => u.forEach((x, j) => (data[b * d + j] = t * x)));
    const r = dimensionality(data, 3, d);
    expect(r.eigenvalues.length).toBe(3);
    expect(r.eigenvalues[0]).toBeCloseTo(7 * uu, 6);
    expect(r.n95).toBe(1);
  });
  it('dimensionality() drops rows holding NaN', () => {
    const r = dimensionality(new Float32Array([1, 2, NaN, 0, 2, 4, 3, 6]), 4, 2);
    expect(r.rowsUsed).toBe(3);
    expect(r.eigenvalues[0]).toBeCloseTo(5, 10);
  });
  it('dimensionality() of empty or constant data has n95 = 0 and NaN ratio', () => {
    const e = dimensionality(new Float32Array(0), 0, 5);
    expect([e.n95, e.eigenvalues.length, e.rowsUsed]).toEqual([0, 0, 0]);
    expect(e.participationRatio).toBeNaN();
    const c = dimensionality(new Float32Array([1, 1, 1, 1]), 2, 2);
    expect(c.n95).toBe(0);
    expect(c.participationRatio).toBeNaN();
  });
  it('dimensionality() rejects a bad threshold', () => {
    expect(() => dimensionality(new Float32Array(4), 2, 2, { threshold: 0 })).toThrow(/^dimensionality: threshold must be in \(0, 1\], but got 0\.$/);
  });
});
