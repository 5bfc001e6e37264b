import { describe, expect, it } from 'vitest';
import { csrToDense, denseToCsr } from './csr';

describe('denseToCsr', () => {
  it('denseToCsr gives the hand-built row pointers, columns and values', () => {
    const c = denseToCsr([0, 1.5, 0, 0, 0, 0, 2, 0, -3], 3, 3);
    expect(Array.from(c.rowPtr)).toEqual([0, 1, 1, 3]);
    expect(Array.from(c.colIdx)).toEqual([1, 0, 2]);
    expect(Array.from(c.values)).toEqual([1.5, 2, -3]);
    expect(c.rowPtr).toBeInstanceOf(Int32Array);
    expect(c.values).toBeInstanceOf(Float32Array);
  });

  it('denseToCsr drops |v| <= eps, keeps NaN, and handles empty matrices', () => {
    const c = denseToCsr([0.05, -0.2, NaN, 0.1], 2, 2, 0.1);
    expect(Array.from(c.colIdx)).toEqual([1, 0]);
    expect(Array.from(c.values)).toEqual([Math.fround(-0.2), NaN]);
    expect(Array.from(denseToCsr([], 0, 5).rowPtr)).toEqual([0]);
    expect(Array.from(denseToCsr([0, 0], 2, 1).rowPtr)).toEqual([0, 0, 0]);
    expect(() => denseToCsr([1, 2, 3], 2, 2)).toThrow(/^denseToCsr: expected 2x2 = 4 values, but got 3\.$/);
  });
});

describe('csrToDense', () => {
  it('csrToDense inverts denseToCsr on random sparse matrices', () => {
    let s = 7;
    const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const d = Array.from({ length: 6 * 9 }, () => (rand() < 0.7 ? 0 : Math.fround(rand() - 0.5)));
    expect(Array.from(csrToDense(denseToCsr(d, 6, 9)))).toEqual(d);
  });

  it('csrToDense refuses inconsistent arrays in one line', () => {
    const ok = denseToCsr([0, 1, 2, 0], 2, 2);
    expect(() => csrToDense({ ...ok, colIdx: Int32Array.from([1, 5]) }, 'codes')).toThrow(/^codes: column 5 out of range \[0, 2\) in row 1\.$/);
    expect(() => csrToDense({ ...ok, rowPtr: Int32Array.from([0, 2, 1]) })).toThrow(/^csrToDense: inconsistent CSR for 2x2/);
    expect(() => csrToDense({ ...ok, rowPtr: Int32Array.from([1, 1, 2]) })).toThrow(/^csrToDense: inconsistent CSR/);
    expect(() => csrToDense({ ...ok, rowPtr: Int32Array.from([0, 3, 2]), colIdx: Int32Array.from([0, 1]), values: Float32Array.from([1, 2]) })).toThrow(/^csrToDense: row pointers decrease at row 1 \(3 > 2\)\.$/);
  });
});
