/** Data preparation for SAE training: checks, the global std, the seeded split and shuffles. */
import { check } from '../errors';

/** Checks the (n x d) data: sizes and finite entries. */
export function checkData(where: string, data: Float32Array, n: number, d: number): void {
  check(Number.isInteger(n) && n >= 1, () => `${where}: n must be an integer >= 1, but got ${n}.`);
  check(Number.isInteger(d) && d >= 1, () => `${where}: d must be an integer >= 1, but got ${d}.`);
  check(data.length === n * d, () => `${where}: data must hold ${n} x ${d} = ${n * d} values, but got ${data.length}.`);
  for (let i = 0; i < data.length; i++) {
    check(Number.isFinite(data[i]), () => `${where}: data must be finite, but row ${Math.floor(i / d)}, column ${i % d} is ${data[i]}.`);
  }
}

/** Standard deviation of all entries about their global mean (population); 1 when it is 0. */
export function globalStd(data: Float32Array): number {
  let mean = 0;
  for (let i = 0; i < data.length; i++) mean += data[i];
  mean /= data.length;
  let ss = 0;
  for (let i = 0; i < data.length; i++) ss += (data[i] - mean) ** 2;
  const std = Math.sqrt(ss / data.length);
  return std > 0 ? std : 1;
}

/** Shuffles `a` in place (Fisher-Yates) with the given uniform source. */
export function shuffle(a: Int32Array, random: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** A seeded split of rows 0..n-1: round(valFraction n) validation rows (>= 1 when valFraction > 0 and n >= 2). */
export function splitRows(n: number, valFraction: number, random: () => number): { train: Int32Array; val: Int32Array } {
  const perm = shuffle(Int32Array.from({ length: n }, (_, i) => i), random);
  const nVal = valFraction > 0 && n >= 2 ? Math.min(n - 1, Math.max(1, Math.round(valFraction * n))) : 0;
  return { train: perm.slice(nVal), val: perm.slice(0, nVal) };
}

/** Mean over the given rows of (data / std): d values. */
export function rowMean(data: Float32Array, d: number, rows: Int32Array, std: number): Float32Array {
  const acc = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) acc[j] += data[r * d + j];
  return Float32Array.from(acc, (s) => s / Math.max(rows.length, 1) / std);
}
