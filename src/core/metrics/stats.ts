/**
 * Small statistics shared by the metrics: Pearson correlation and the median.
 * Both skip nothing silently except where documented; NaN rules are part of the contract.
 */
import { check } from '../errors';

/**
 * Pearson correlation of two equally long sequences:
 * `sum (a - mean a)(b - mean b) / sqrt(sum (a - mean a)^2 * sum (b - mean b)^2)`.
 * NaN when either side is constant (including length 0 or 1) or holds a NaN.
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a.length === b.length, () => `pearson: a and b must have the same length, but got ${a.length} and ${b.length}.`);
  const n = a.length;
  if (n < 2) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  // A NaN input makes saa or sbb NaN, and the comparison below false.
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/**
 * Median of the finite values of `v` (NaN and +-Infinity are skipped: they mark "undefined"
 * entries such as the Hoyer sparsity of a zero vector). NaN when no finite value is left.
 */
export function median(v: ArrayLike<number>): number {
  const s: number[] = [];
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) s.push(v[i]);
  if (s.length === 0) return NaN;
  s.sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
