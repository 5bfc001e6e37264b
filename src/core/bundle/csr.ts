/**
 * Dense (rows x cols, row-major) <-> CSR: `rowPtr` (rows + 1 int32; row r's entries are
 * [rowPtr[r], rowPtr[r+1])), `colIdx` (nnz int32, increasing within a row) and `values` (nnz
 * float32), as scipy.sparse.csr_matrix((values, colIdx, rowPtr), shape) reads them.
 */
import { check } from '../errors';

export interface Csr {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float32Array;
  rows: number;
  cols: number;
}

/**
 * Keeps the entries with |v| > `eps` (default 0: exact zeros dropped). NaN is kept (a NaN in
 * codes is a bug to see, not a zero to hide).
 */
export function denseToCsr(dense: ArrayLike<number>, rows: number, cols: number, eps = 0): Csr {
  check(Number.isInteger(rows) && Number.isInteger(cols) && rows >= 0 && cols >= 0, () => `denseToCsr: rows and cols must be integers >= 0, but got ${rows}x${cols}.`);
  check(dense.length === rows * cols, () => `denseToCsr: expected ${rows}x${cols} = ${rows * cols} values, but got ${dense.length}.`);
  check(eps >= 0, () => `denseToCsr: eps must be >= 0, but got ${eps}.`);
  const keep = (v: number) => !(Math.abs(v) <= eps);
  let nnz = 0;
  for (let i = 0; i < dense.length; i++) if (keep(dense[i])) nnz++;
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = dense[r * cols + c];
      if (keep(v)) {
        colIdx[k] = c;
        values[k++] = v;
      }
    }
    rowPtr[r + 1] = k;
  }
  return { rowPtr, colIdx, values, rows, cols };
}

/** Checks a CSR's structure (one-line BundleErrors naming `where`): lengths, pointers, columns. */
export function checkCsr(c: Csr, where = 'csr'): void {
  const nnz = c.colIdx.length;
  check(
    c.rowPtr.length === c.rows + 1 && c.values.length === nnz && c.rowPtr[0] === 0 && c.rowPtr[c.rows] === nnz,
    () => `${where}: inconsistent CSR for ${c.rows}x${c.cols}: expected rowPtr of ${c.rows + 1} from 0 to nnz and colIdx, values of nnz, but got rowPtr ${c.rowPtr.length} (${c.rowPtr[0]}..${c.rowPtr[c.rowPtr.length - 1]}), colIdx ${nnz}, values ${c.values.length}.`,
    'BundleError',
  );
  // Pointers first (non-decreasing from 0 to nnz, so every k below is in range), then columns.
  for (let r = 0; r < c.rows; r++) {
    check(c.rowPtr[r] <= c.rowPtr[r + 1], () => `${where}: row pointers decrease at row ${r} (${c.rowPtr[r]} > ${c.rowPtr[r + 1]}).`, 'BundleError');
  }
  for (let r = 0; r < c.rows; r++) {
    for (let k = c.rowPtr[r]; k < c.rowPtr[r + 1]; k++) {
      const col = c.colIdx[k];
      check(col >= 0 && col < c.cols, () => `${where}: column ${col} out of range [0, ${c.cols}) in row ${r}.`, 'BundleError');
    }
  }
}

/** The dense (rows x cols) float32 matrix of a CSR (checked first). */
export function csrToDense(c: Csr, where = 'csrToDense'): Float32Array {
  checkCsr(c, where);
  const out = new Float32Array(c.rows * c.cols);
  for (let r = 0; r < c.rows; r++) {
    for (let k = c.rowPtr[r]; k < c.rowPtr[r + 1]; k++) out[r * c.cols + c.colIdx[k]] = c.values[k];
  }
  return out;
}
