import { describe, expect, it } from 'vitest';
import { aliveCount, aliveModes, atomHoyer, loadingHoyer } from './modeStats';

describe('mode statistics', () => {
  it('atomHoyer() per row of the dictionary', () => {
    const r = atomHoyer(new Float32Array([0, 5, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]), 3, 4);
    expect(r[0]).toBeCloseTo(1, 6);
    expect(r[1]).toBeCloseTo(0, 6);
    expect(r[2]).toBeNaN();
  });
  it('loadingHoyer() per column of the codes', () => {
    // columns: [3, 4] (0.0343...), [1, 0] (1), [0, 0] (dead: NaN)
    const r = loadingHoyer(new Float32Array([3, 1, 0, 4, 0, 0]), 2, 3);
    expect(r[0]).toBeCloseTo(0.034314575, 6);
    expect(r[1]).toBeCloseTo(1, 6);
    expect(r[2]).toBeNaN();
  });
  it('aliveModes() keeps dictionary indices; aliveCount() counts them', () => {
    const codes = new Float32Array([0, 0.9, 0, 0, 0, 0, 0, 0.85, 0, 0, 0, 0]);
    expect(aliveModes(codes, 3, 4)).toEqual([1, 3]);
    expect(aliveCount(codes, 3, 4)).toBe(2);
    expect(aliveModes(codes, 3, 4, 0.86)).toEqual([1]);
    expect(aliveModes(new Float32Array([NaN, 0]), 1, 2)).toEqual([]);
    expect(aliveCount(new Float32Array(0), 0, 4)).toBe(0);
  });
});
