import { describe, expect, it } from 'vitest';
import { duplicateGroups, FIT_THRESHOLDS, fitMark, fitQuality, medianResidualShare } from './fitQuality';

describe('fit quality', () => {
  it('fitMark(): good / fair / poor at the documented thresholds', () => {
    expect(FIT_THRESHOLDS).toEqual({ good: { r2: 0.8, residual: 0.25 }, fair: { r2: 0.5, residual: 0.5 } });
    expect(fitMark(0.8, 0.25, 5)).toBe('good');
    expect(fitMark(0.8, 0.26, 5)).toBe('fair');
    expect(fitMark(0.79, null, 5)).toBe('fair');
    expect(fitMark(0.5, 0.5, 5)).toBe('fair');
    expect(fitMark(0.49, 0.1, 5)).toBe('poor');
    expect(fitMark(0.9, 0.51, 5)).toBe('poor');
    expect(fitMark(0.95, 0.1, 0)).toBe('poor');
    expect(fitMark(NaN, 0.1, 3)).toBe('poor');
  });

  it('duplicateGroups(): alive atoms with cosine > 0.95 grouped transitively; dead modes ignored', () => {
    // d = 2: modes 0, 1, 2 nearly parallel in a chain (0~1, 1~2), 3 orthogonal, 4 parallel to 3 but dead.
    // Different norms per atom: only directions count.
    const a = (deg: number, r: number) => [r * Math.cos((deg * Math.PI) / 180), r * Math.sin((deg * Math.PI) / 180)];
    const atoms = Float32Array.from([...a(0, 1), ...a(15, 3), ...a(30, 0.5), ...a(90, 2), ...a(91, 1)]);
    // cos 15 deg = 0.966 > 0.95; cos 30 deg = 0.866 < 0.95, so 0 and 2 link only through 1.
    expect(duplicateGroups(atoms, 5, 2, [0, 1, 2, 3])).toEqual([[0, 1, 2]]);
    expect(duplicateGroups(atoms, 5, 2, [0, 2, 3, 4])).toEqual([[3, 4]]);
    expect(duplicateGroups(atoms, 5, 2, [0, 2, 3])).toEqual([]);
  });

  it('medianResidualShare(): median |dF - sum_k z_k sum(atom_k) std| / |dF| without the tiny-dF images', () => {
    // K = 2, d = 2, std 2: atom sums 1 and -0.5, so shares are 2 z0 and -1 z1.
    const atoms = Float32Array.from([0.25, 0.75, -1, 0.5]);
    const codes = Float32Array.from([1, 0, 0.9, 0.9, 0, 1, 0, 0]);
    const dF = Float32Array.from([2, 1, -2, 1e-6]);
    // Image 0: 2 - 2 = 0; image 1: 1 - (1.8 - 0.9) = 0.1 of 1; image 2: -2 - (-1) = -1 of 2: 0.5; image 3 is tiny.
    expect(medianResidualShare(codes, atoms, 2, dF)).toBeCloseTo(0.1, 6);
    expect(medianResidualShare(codes, atoms, 2, Float32Array.from([1e-9, 1e-9, 1e-9, 1]), 0.5)).toBeCloseTo(1, 6);
  });

  it('fitQuality(): the record, with a warning only for a poor fit', () => {
    const atoms = Float32Array.from([1, 0, 0, 1, 1, 0.01]);
    const good = fitQuality({ r2: 0.9, residualShare: 0.1, alive: [0, 1, 2], K: 3, d: 2, atoms, steps: 2000, n: 500 });
    expect(good).toEqual({ r2: 0.9, residualShare: 0.1, alive: 3, dead: 0, duplicates: [[0, 2]], steps: 2000, mark: 'good' });
    const poor = fitQuality({ r2: 0.2, residualShare: 0.7, alive: [1], K: 3, d: 2, atoms, steps: 1, n: 50 });
    expect(poor.mark).toBe('poor');
    expect(poor.warning).toBe('Poor fit (R² 0.20, 1 of 3 modes alive, 70% of the output change left unexplained): these modes do not describe the layer well. Try more images (50 were used), more steps, or fewer modes.');
  });
});
