/**
 * Hoyer sparsity (DESIGN.md section 3): for a vector v of length d,
 * `(sqrt(d) - |v|_1 / |v|_2) / (sqrt(d) - 1)`, 1 for a one-hot vector, 0 for a constant-magnitude one.
 * Undefined cases return NaN: a zero vector (|v|_2 = 0), d < 2 (the denominator is 0), or a NaN entry.
 * Medians skip NaN, so zero images (e.g. a dead layer on a blank image) do not count.
 */
import { checkMatrix } from './shape';
import { median } from './stats';

/** Hoyer sparsity of `v[start, start + d)` (the whole of v by default). */
export function hoyer(v: ArrayLike<number>, start = 0, d = v.length - start): number {
  if (d < 2) return NaN;
  let l1 = 0;
  let l2 = 0;
  for (let i = start; i < start + d; i++) {
    const x = v[i];
    l1 += Math.abs(x);
    l2 += x * x;
  }
  if (!(l2 > 0)) return NaN; // zero vector, or a NaN entry
  const sd = Math.sqrt(d);
  return (sd - l1 / Math.sqrt(l2)) / (sd - 1);
}

/** Hoyer sparsity of each row of a row-major (B x d) matrix: B values. */
export function hoyerRows(data: Float32Array, B: number, d: number): Float32Array {
  checkMatrix('hoyerRows', 'data', data, B, d);
  const out = new Float32Array(B);
  for (let b = 0; b < B; b++) out[b] = hoyer(data, b * d, d);
  return out;
}

/** Median over rows (images) of the Hoyer sparsity, NaN rows skipped; NaN when B = 0. */
export function hoyerMedian(data: Float32Array, B: number, d: number): number {
  checkMatrix('hoyerMedian', 'data', data, B, d);
  return median(hoyerRows(data, B, d));
}
