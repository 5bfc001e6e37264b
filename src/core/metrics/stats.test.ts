import { describe, expect, it } from 'vitest';
import { median, pearson } from './stats';

describe('pearson', () => {
  it('pearson(a, b) matches a hand-computed value', () => {
    // a - mean = [2/3, -1/3, -1/3], b - mean = [1, 0, -1]: r = 1 / sqrt(6/9 * 2) = sqrt(3)/2.
    expect(pearson([1, 0, 0], [2, 1, 0])).toBeCloseTo(0.8660254037844386, 12);
    expect(pearson([1, 2, 3], [6, 4, 2])).toBeCloseTo(-1, 12);
  });
  it('pearson() is NaN for constant, empty, single or NaN input', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(pearson([], [])).toBeNaN();
    expect(pearson([1], [2])).toBeNaN();
    expect(pearson([1, NaN, 3], [1, 2, 3])).toBeNaN();
  });
  it('pearson() rejects different lengths', () => {
    expect(() => pearson([1, 2], [1])).toThrow(/^pearson: a and b must have the same length, but got 2 and 1\.$/);
  });
});

describe('median', () => {
  it('median() of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median(new Float32Array([4, 1, 3, 2]))).toBe(2.5);
  });
  it('median() skips NaN and Infinity; NaN when nothing is left', () => {
    expect(median([NaN, 5, Infinity, 1])).toBe(3);
    expect(median([])).toBeNaN();
    expect(median([NaN])).toBeNaN();
  });
});
