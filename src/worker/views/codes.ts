/** Per-mode views of a CSR code matrix (images x modes). */
import type { Csr } from '../bundleFiles';

/** Column k of the codes as a dense vector over images. */
export function codeColumn(codes: Csr, k: number): Float32Array {
  const [n] = codes.shape;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = codes.rowPtr[i]; j < codes.rowPtr[i + 1]; j++) {
      if (codes.colIdx[j] === k) out[i] = codes.values[j];
    }
  }
  return out;
}

/** All columns at once: modes x images, dense (small: K x N floats). */
export function codeColumns(codes: Csr): Float32Array {
  const [n, k] = codes.shape;
  const out = new Float32Array(k * n);
  for (let i = 0; i < n; i++) {
    for (let j = codes.rowPtr[i]; j < codes.rowPtr[i + 1]; j++) out[codes.colIdx[j] * n + i] = codes.values[j];
  }
  return out;
}

/** Row i: the (mode, code) pairs active in image i. */
export function codeRow(codes: Csr, i: number): { mode: number; value: number }[] {
  const out: { mode: number; value: number }[] = [];
  for (let j = codes.rowPtr[i]; j < codes.rowPtr[i + 1]; j++) out.push({ mode: codes.colIdx[j], value: codes.values[j] });
  return out;
}

/** Indices of the `k` largest entries of v among those > 0, largest first (ties: lower index). */
export function topIndices(v: ArrayLike<number>, k: number, keep: (i: number) => boolean = () => true): number[] {
  const idx: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] > 0 && keep(i)) idx.push(i);
  idx.sort((a, b) => v[b] - v[a] || a - b);
  return idx.slice(0, k);
}

/** The codes as a dense (images x modes) row-major matrix. */
export function denseCodes(codes: Csr): Float32Array {
  const [n, k] = codes.shape;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) for (let j = codes.rowPtr[i]; j < codes.rowPtr[i + 1]; j++) out[i * k + codes.colIdx[j]] = codes.values[j];
  return out;
}
