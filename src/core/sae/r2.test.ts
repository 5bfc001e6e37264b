import { describe, expect, it } from 'vitest';
import { reconstructionR2 } from './r2';

describe('reconstructionR2', () => {
  it('reconstructionR2() matches hand-computed values', () => {
    // x columns: [1, 3] (mean 2, SST 2) and [0, 4] (mean 2, SST 8); errors 1 and 0, 0 and 2.
    const x = new Float32Array([1, 0, 3, 4]);
    const xhat = new Float32Array([2, 0, 3, 2]);
    const r = reconstructionR2(x, xhat, 2, 2);
    expect(r.global).toBeCloseTo(1 - 5 / 10, 12);
    expect(r.perFeature).toBeCloseTo((1 - 1 / 2 + (1 - 4 / 8)) / 2, 12);
  });
  it('reconstructionR2() skips constant features in the per-feature mean', () => {
    const r = reconstructionR2(new Float32Array([1, 5, 3, 5]), new Float32Array([1, 5, 3, 5]), 2, 2);
    expect(r.global).toBe(1);
    expect(r.perFeature).toBe(1);
  });
  it('reconstructionR2() is NaN without variance or rows', () => {
    expect(reconstructionR2(new Float32Array([2, 2]), new Float32Array([2, 2]), 2, 1).global).toBeNaN();
    expect(reconstructionR2(new Float32Array(0), new Float32Array(0), 0, 3).perFeature).toBeNaN();
  });
  it('reconstructionR2() rejects mismatched sizes', () => {
    expect(() => reconstructionR2(new Float32Array(4), new Float32Array(3), 2, 2)).toThrow(/^reconstructionR2: x and xhat must hold 2 x 2 = 4 values, but got 4 and 3\.$/);
  });
});
