/** Collects a bundle's arrays into an in-memory file map and writes the manifest last. */
import { encodeArray } from './arrays';
import { denseToCsr } from './csr';
import type { ArrayRef, BundleManifest, CsrRef, DType } from './manifest';

export class BundleWriter {
  readonly files = new Map<string, Uint8Array>();

  add(file: string, data: ArrayLike<number>, dtype: DType, shape: number[]): ArrayRef {
    this.files.set(file, encodeArray(data, dtype));
    return { file, dtype, shape };
  }

  /** A dense (rows x cols) matrix stored as CSR (`<base>_rowptr.bin`, `_col.bin`, `_val.bin`). */
  addCsr(base: string, dense: ArrayLike<number>, rows: number, cols: number, valueDtype: DType = 'float32'): CsrRef {
    const c = denseToCsr(dense, rows, cols);
    return {
      rowPtr: this.add(`${base}_rowptr.bin`, c.rowPtr, 'int32', [rows + 1]),
      colIdx: this.add(`${base}_col.bin`, c.colIdx, 'int32', [c.colIdx.length]),
      values: this.add(`${base}_val.bin`, c.values, valueDtype, [c.values.length]),
      shape: [rows, cols],
    };
  }

  addBytes(file: string, bytes: Uint8Array): void {
    this.files.set(file, bytes);
  }

  finish(manifest: BundleManifest): Map<string, Uint8Array> {
    const json = JSON.stringify(manifest, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
    this.files.set('manifest.json', new TextEncoder().encode(json));
    return this.files;
  }
}
