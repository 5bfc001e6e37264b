import { describe, expect, it } from 'vitest';
import { pnCorr, pnCorrPerImage } from './pnCorr';

describe('pnCorr', () => {
  // C = 3; rows are [neg (3), pos (3)].
  const ei = new Float32Array([
    -1, -2, -3, 1, 2, 3, // |neg| = pos: 1
    -3, -2, -1, 1, 2, 3, // reversed: -1
    -1, 0, 0, 2, 1, 0, // hand-computed: sqrt(3)/2
    0, 0, 0, 1, 2, 3, // no negative part: skipped
  ]);
  it('pnCorrPerImage() matches hand-computed correlations', () => {
    const r = pnCorrPerImage(ei, 4, 3);
    expect(r[0]).toBeCloseTo(1, 6);
    expect(r[1]).toBeCloseTo(-1, 6);
    expect(r[2]).toBeCloseTo(0.8660254, 6);
    expect(r[3]).toBeNaN();
  });
  it('pnCorr() is the median over images with a correlation', () => {
    expect(pnCorr(ei, 4, 3)).toBeCloseTo(0.8660254, 6);
    expect(pnCorr(ei.subarray(0, 12), 2, 3)).toBeCloseTo(0, 6);
  });
  it('pnCorr() of no images and of NaN images is NaN', () => {
    expect(pnCorr(new Float32Array(0), 0, 3)).toBeNaN();
    expect(pnCorr(new Float32Array([-1, NaN, 1, 2]), 1, 2)).toBeNaN();
  });
  it('pnCorr() rejects rows that are not 2C long', () => {
    expect(() => pnCorr(new Float32Array(9), 2, 2)).toThrow(/^pnCorr: ei must hold 2 x 4 = 8 values, but got 9\.$/);
  });
});
