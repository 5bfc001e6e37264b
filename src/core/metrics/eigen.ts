/**
 * Eigenvalues of a real symmetric matrix: Householder reduction to tridiagonal form, then the
 * implicit QL algorithm with Wilkinson-type shifts (as EISPACK tql1 / JAMA tql2, without
 * eigenvectors). About n^3 flops in float64: 512 x 512 takes well under a second.
 */
import { check } from '../errors';

/**
 * Eigenvalues of the symmetric (n x n) row-major matrix `a` (only its lower triangle is read),
 * sorted in descending order. `a` is not modified.
 */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number): Float64Array {
  check(Number.isInteger(n) && n >= 0, () => `symmetricEigenvalues: n must be an integer >= 0, but got ${n}.`);
  check(a.length === n * n, () => `symmetricEigenvalues: a must hold ${n} x ${n} = ${n * n} values, but got ${a.length}.`);
  const { diag, off } = tridiagonalize(a, n);
  tridiagonalQl(diag, off);
  return diag.sort().reverse();
}

/**
 * Householder tridiagonalization: T = Q^T A Q with diagonal `diag` and sub-diagonal
 * `off[i] = T[i][i-1]` (off[0] = 0). Works on a full float64 copy of A.
 */
function tridiagonalize(a: ArrayLike<number>, n: number): { diag: Float64Array; off: Float64Array } {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      A[i * n + j] = a[i * n + j];
      A[j * n + i] = a[i * n + j];
    }
  }
  const diag = new Float64Array(n);
  const off = new Float64Array(n);
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // x = A[k+1.., k]; the reflector H = I - beta v v^T maps x to -sign(x0) |x| e1.
    const s = k + 1;
    let alpha = 0;
    for (let i = s; i < n; i++) alpha += A[i * n + k] * A[i * n + k];
    alpha = Math.sqrt(alpha);
    if (alpha === 0) {
      off[s] = 0;
      continue;
    }
    const x0 = A[s * n + k];
    const sign = x0 >= 0 ? 1 : -1;
    let vv = 0;
    for (let i = s; i < n; i++) {
      v[i] = A[i * n + k] + (i === s ? sign * alpha : 0);
      vv += v[i] * v[i];
    }
    const beta = 2 / vv;
    off[s] = -sign * alpha;
    // p = beta A_sub v; w = p - (beta/2)(v.p) v; A_sub -= v w^T + w v^T (A_sub = A[s.., s..]).
    let vp = 0;
    for (let i = s; i < n; i++) {
      let p = 0;
      const row = i * n;
      for (let j = s; j < n; j++) p += A[row + j] * v[j];
      w[i] = beta * p;
      vp += v[i] * w[i];
    }
    const K = (beta / 2) * vp;
    for (let i = s; i < n; i++) w[i] -= K * v[i];
    for (let i = s; i < n; i++) {
      const row = i * n;
      const vi = v[i];
      const wi = w[i];
      for (let j = s; j < n; j++) A[row + j] -= vi * w[j] + wi * v[j];
    }
  }
  for (let i = 0; i < n; i++) diag[i] = A[i * n + i];
  if (n >= 2) off[n - 1] = A[(n - 1) * n + n - 2];
  return { diag, off };
}

/**
 * Implicit QL on the symmetric tridiagonal matrix (d, e) with e[i] = T[i][i-1]; on return `d`
 * holds the eigenvalues (unsorted). `e` is destroyed.
 */
function tridiagonalQl(d: Float64Array, e: Float64Array): void {
  const n = d.length;
  if (n < 2) return;
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  const eps = 2 ** -52;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        check(++iter <= 100, () => `symmetricEigenvalues: QL did not converge at row ${l}.`);
        // Shift from the leading 2x2 block.
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // Chase the bulge with plane rotations from m-1 up to l.
        p = d[m];
        let c = 1;
        let c2 = 1;
        let c3 = 1;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
