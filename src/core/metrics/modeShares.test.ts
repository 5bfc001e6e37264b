import { describe, expect, it } from 'vitest';
import { modeShares } from './modeShares';

describe('modeShares', () => {
  it('modeShares() = z * sum(atom) * std, residual = dF - sum of shares', () => {
    // atom sums 6 and -0.5, times std 2: 12 and -1.
    const codes = new Float32Array([1, 0, 0.9, 0.8]);
    const atoms = new Float32Array([1, 2, 3, -1, 0, 0.5]);
    const r = modeShares(codes, atoms, 2, new Float32Array([13, 9]));
    const want = [12, 0, 10.8, -0.8];
    want.forEach((w, i) => expect(r.shares[i]).toBeCloseTo(w, 5));
    expect(r.residual[0]).toBeCloseTo(1, 5);
    expect(r.residual[1]).toBeCloseTo(-1, 5);
  });
  it('modeShares() of no images is empty', () => {
    const r = modeShares(new Float32Array(0), new Float32Array(6), 1, new Float32Array(0));
    expect([r.shares.length, r.residual.length]).toEqual([0, 0]);
  });
  it('modeShares() carries NaN codes into that image only', () => {
    const r = modeShares(new Float32Array([NaN, 1]), new Float32Array([1, 1]), 1, new Float32Array([0, 3]));
    expect(r.residual[0]).toBeNaN();
    expect(r.residual[1]).toBeCloseTo(1, 6);
  });
  it('modeShares() rejects codes that do not match dF', () => {
    expect(() => modeShares(new Float32Array(5), new Float32Array(4), 1, new Float32Array(2))).toThrow(/^modeShares: codes must hold B x K values with B = dF\.length = 2, but got 5\.$/);
  });
});
