/** Dense (rows x cols) <-> CSR: row pointers (rows + 1), column indices and values of the non-zeros. */
import { check } from '../errors';

export interface Csr {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float32Array;
  rows: number;
  cols: number;
}

export function denseToCsr(dense: ArrayLike<number>, rows: number, cols: number, eps = 0): Csr {
  check(dense.length === rows * cols, () => `denseToCsr: ${dense.length} values for ${rows}x${cols}.`);
  const rowPtr = new Int32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < dense.length; i++) if (Math.abs(dense[i]) > eps) nnz++;
  const colIdx = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = dense[r * cols + c];
      if (Math.abs(v) > eps) {
        colIdx[k] = c;
        values[k++] = v;
      }
    }
    rowPtr[r + 1] = k;
  }
  return { rowPtr, colIdx, values, rows, cols };
}

export function csrToDense(c: Csr): Float32Array {
  check(c.rowPtr.length === c.rows + 1 && c.rowPtr[c.rows] === c.colIdx.length && c.colIdx.length === c.values.length, () => `csrToDense: inconsistent CSR arrays (rowPtr ${c.rowPtr.length}, colIdx ${c.colIdx.length}, values ${c.values.length}).`, 'BundleError');
  const out = new Float32Array(c.rows * c.cols);
  for (let r = 0; r < c.rows; r++) {
    check(c.rowPtr[r] <= c.rowPtr[r + 1], () => `csrToDense: row pointers decrease at row ${r}.`, 'BundleError');
    for (let k = c.rowPtr[r]; k < c.rowPtr[r + 1]; k++) {
      const col = c.colIdx[k];
      check(col >= 0 && col < c.cols, () => `csrToDense: column ${col} out of range [0, ${c.cols}) in row ${r}.`, 'BundleError');
      out[r * c.cols + col] = c.values[k];
    }
  }
  return out;
}
