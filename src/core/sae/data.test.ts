import { describe, expect, it } from 'vitest';
import { rng } from '../util/rng';
import { checkData, globalStd, rowMean, splitRows } from './data';

describe('SAE data preparation', () => {
  it('globalStd() is the population std of all entries; 1 for constant data', () => {
    // entries 1, 2, 3, 6: mean 3, squared deviations 4, 1, 0, 9: std sqrt(14/4).
    expect(globalStd(new Float32Array([1, 2, 3, 6]))).toBeCloseTo(Math.sqrt(3.5), 6);
    expect(globalStd(new Float32Array([4, 4]))).toBe(1);
  });
  it('splitRows() holds out round(f n) rows, seeded, disjoint and complete', () => {
    const a = splitRows(10, 0.25, rng(1));
    const b = splitRows(10, 0.25, rng(1));
    expect([a.train.length, a.val.length]).toEqual([7, 3]);
    expect(Array.from(a.val)).toEqual(Array.from(b.val));
    expect([...a.train, ...a.val].sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
    expect(splitRows(1, 0.1, rng(1)).val.length).toBe(0);
    expect(splitRows(5, 0, rng(1)).val.length).toBe(0);
    expect(splitRows(3, 0.01, rng(1)).val.length).toBe(1);
  });
  it('rowMean() of the chosen rows, divided by std', () => {
    const m = rowMean(new Float32Array([1, 2, 3, 4, 100, 100]), 2, Int32Array.from([0, 1]), 2);
    expect(Array.from(m)).toEqual([1, 1.5]);
  });
  it('checkData() rejects an empty set', () => {
    expect(() => checkData('trainSae', new Float32Array(0), 0, 3)).toThrow(/^trainSae: n must be an integer >= 1, but got 0\.$/);
  });
});
