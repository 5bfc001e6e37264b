import { describe, expect, it } from 'vitest';
import { bestClassCorr, bestClassCorrMedian, classCorrelation } from './classCorrelation';

describe('classCorrelation', () => {
  // B = 4 images, K = 3 modes, labels [0, 0, 1, 1] of 3 classes (class 2 is absent).
  const codes = new Float32Array([1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  const labels = [0, 0, 1, 1];
  it('classCorrelation() matches hand-computed values; NaN for constant columns', () => {
    const cc = classCorrelation(codes, 4, 3, labels, 3);
    expect(cc[0]).toBeCloseTo(1, 6); // mode 0 = [1, 1, 0, 0] is class 0
    expect(cc[1]).toBeCloseTo(-1, 6);
    expect(cc[2]).toBeNaN(); // class 2 has no image
    expect(cc[3]).toBeCloseTo(0.5 / Math.sqrt(0.75), 6); // mode 1 = [1, 0, 0, 0]
    expect(cc[4]).toBeCloseTo(-0.5 / Math.sqrt(0.75), 6);
    expect([cc[6], cc[7], cc[8]].every(Number.isNaN)).toBe(true); // mode 2 is dead
  });
  it('bestClassCorr() per mode and its median', () => {
    const cc = classCorrelation(codes, 4, 3, labels, 3);
    const best = bestClassCorr(cc, 3, 3);
    expect(best[0]).toBeCloseTo(1, 6);
    expect(best[1]).toBeCloseTo(0.57735, 5);
    expect(best[2]).toBeNaN();
    expect(bestClassCorrMedian(cc, 3, 3)).toBeCloseTo((1 + 0.5773503) / 2, 6);
    expect(bestClassCorrMedian(cc, 3, 3, [1, 2])).toBeCloseTo(0.5773503, 6);
  });
  it('classCorrelation() of no images is all NaN', () => {
    const cc = classCorrelation(new Float32Array(0), 0, 2, [], 2);
    expect(cc.length).toBe(4);
    expect(Array.from(cc).every(Number.isNaN)).toBe(true);
    expect(bestClassCorrMedian(cc, 2, 2)).toBeNaN();
  });
  it('classCorrelation() rejects labels out of range', () => {
    expect(() => classCorrelation(codes, 4, 3, [0, 0, 3, 1], 3)).toThrow(/^classCorrelation: labels\[2\] must be an integer in \[0, 3\), but got 3\.$/);
  });
});
