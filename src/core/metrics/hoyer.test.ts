import { describe, expect, it } from 'vitest';
import { hoyer, hoyerMedian, hoyerRows } from './hoyer';

describe('hoyer', () => {
  it('hoyer() is 1 for one-hot and 0 for constant magnitude', () => {
    expect(hoyer([0, -3, 0, 0])).toBeCloseTo(1, 12);
    expect(hoyer([1, -1, 1, -1])).toBeCloseTo(0, 12);
  });
  it('hoyer([3, 4]) = (sqrt 2 - 7/5) / (sqrt 2 - 1)', () => {
    expect(hoyer([3, 4])).toBeCloseTo(0.034314575050762, 12);
  });
  it('hoyer() of a sub-range', () => {
    expect(hoyer([9, 9, 0, 5, 0, 0], 2, 4)).toBeCloseTo(1, 12);
  });
  it('hoyer() is NaN for a zero vector, d < 2, empty and NaN entries', () => {
    expect(hoyer([0, 0, 0])).toBeNaN();
    expect(hoyer([5])).toBeNaN();
    expect(hoyer([])).toBeNaN();
    expect(hoyer([1, NaN, 0])).toBeNaN();
  });
});

describe('hoyerMedian', () => {
  it('hoyerMedian() skips zero rows', () => {
    const data = new Float32Array([1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(Array.from(hoyerRows(data, 3, 4))).toEqual([1, 0, NaN]);
    expect(hoyerMedian(data, 3, 4)).toBe(0.5);
  });
  it('hoyerMedian() of no rows is NaN', () => {
    expect(hoyerMedian(new Float32Array(0), 0, 4)).toBeNaN();
  });
  it('hoyerMedian() rejects a wrong size', () => {
    expect(() => hoyerMedian(new Float32Array(5), 2, 3)).toThrow(/^hoyerMedian: data must hold 2 x 3 = 6 values, but got 5\.$/);
  });
});
