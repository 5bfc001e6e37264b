/**
 * Dimensionality of a set of vectors (DESIGN.md section 3): centred PCA of the rows of a
 * (B x d) matrix. With X_c the column-centred data, the covariance is `X_c^T X_c / (B - 1)`;
 * when B < d its non-zero eigenvalues are those of the Gram matrix `X_c X_c^T / (B - 1)`, which
 * is smaller, so that one is decomposed instead.
 *   n95 = smallest m with (l_1 + ... + l_m) >= 0.95 * sum l   (raw count of components)
 *   participationRatio = (sum l)^2 / sum l^2
 */
import { check } from '../errors';
import { symmetricEigenvalues } from './eigen';
import { checkMatrix } from './shape';

export interface DimensionalityOptions {
  /** Fraction of the total variance the counted components must reach. Default 0.95. */
  threshold?: number;
}

export interface Dimensionality {
  /** Number of leading components reaching `threshold` of the variance; 0 when there is no variance. */
  n95: number;
  /** (sum l)^2 / sum l^2; NaN when there is no variance. */
  participationRatio: number;
  /** Covariance eigenvalues, descending, clamped at 0; length min(rows used, d). */
  eigenvalues: Float64Array;
  /** Rows that entered the PCA: rows holding NaN or +-Infinity are dropped. */
  rowsUsed: number;
}

export function dimensionality(data: Float32Array, B: number, d: number, options: DimensionalityOptions = {}): Dimensionality {
  const { threshold = 0.95 } = options;
  checkMatrix('dimensionality', 'data', data, B, d);
  check(threshold > 0 && threshold <= 1, () => `dimensionality: threshold must be in (0, 1], but got ${threshold}.`);
  const X = centredFiniteRows(data, B, d);
  const n = X.length / Math.max(d, 1);
  const rowsUsed = d === 0 ? 0 : n;
  const eigenvalues = rowsUsed === 0 ? new Float64Array(0) : symmetricEigenvalues(scatter(X, n, d), Math.min(n, d));
  for (let i = 0; i < eigenvalues.length; i++) eigenvalues[i] = Math.max(0, eigenvalues[i]);
  return { ...summarize(eigenvalues, threshold), eigenvalues, rowsUsed };
}

/** n95 and participation ratio of descending, non-negative eigenvalues. */
function summarize(l: Float64Array, threshold: number): { n95: number; participationRatio: number } {
  let total = 0;
  let sq = 0;
  for (const x of l) {
    total += x;
    sq += x * x;
  }
  if (!(total > 0)) return { n95: 0, participationRatio: NaN };
  // A relative slack of 1e-12 so that an exact 95% (e.g. 19 of 20 equal eigenvalues) counts.
  const target = threshold * total * (1 - 1e-12);
  let cum = 0;
  let n95 = l.length;
  for (let i = 0; i < l.length; i++) {
    cum += l[i];
    if (cum >= target) {
      n95 = i + 1;
      break;
    }
  }
  return { n95, participationRatio: (total * total) / sq };
}

/** Float64 copy of the finite rows, each column minus its mean over those rows. */
function centredFiniteRows(data: Float32Array, B: number, d: number): Float64Array {
  const keep: number[] = [];
  for (let b = 0; b < B; b++) {
    let ok = true;
    for (let j = 0; j < d && ok; j++) ok = Number.isFinite(data[b * d + j]);
    if (ok) keep.push(b);
  }
  const X = new Float64Array(keep.length * d);
  const mean = new Float64Array(d);
  keep.forEach((b, r) => {
    for (let j = 0; j < d; j++) {
      X[r * d + j] = data[b * d + j];
      mean[j] += data[b * d + j];
    }
  });
  for (let j = 0; j < d; j++) mean[j] /= Math.max(keep.length, 1);
  for (let i = 0; i < X.length; i++) X[i] -= mean[i % d];
  return X;
}

/**
 * The covariance (d x d) or, when n < d, the Gram matrix (n x n), both divided by max(n - 1, 1).
 * Both are Gram matrices of contiguous rows (of X^T for the covariance): unrolled dot products
 * over contiguous memory are about 4x faster than rank-one updates of C.
 */
function scatter(X: Float64Array, n: number, d: number): Float64Array {
  if (n < d) return gramOfRows(X, n, d, Math.max(n - 1, 1));
  const XT = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) XT[j * n + r] = X[r * d + j];
  return gramOfRows(XT, d, n, Math.max(n - 1, 1));
}

/** (rows x rows) matrix of dot products of the rows of M (rows x len), divided by div. */
function gramOfRows(M: Float64Array, rows: number, len: number, div: number): Float64Array {
  const G = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    const oi = i * len;
    for (let j = 0; j <= i; j++) {
      const oj = j * len;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let a = 0;
      for (; a + 3 < len; a += 4) {
        s0 += M[oi + a] * M[oj + a];
        s1 += M[oi + a + 1] * M[oj + a + 1];
        s2 += M[oi + a + 2] * M[oj + a + 2];
        s3 += M[oi + a + 3] * M[oj + a + 3];
      }
      for (; a < len; a++) s0 += M[oi + a] * M[oj + a];
      G[i * rows + j] = G[j * rows + i] = (s0 + s1 + s2 + s3) / div;
    }
  }
  return G;
}
