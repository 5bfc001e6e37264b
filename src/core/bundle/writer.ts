/**
 * Collects a bundle's arrays into an in-memory file map (`file -> bytes`) and writes the manifest
 * last. Every array is checked against its declared shape and dtype as it is added, and the
 * finished manifest is validated against the files (validateManifest), so a writer cannot
 * produce a bundle the reader refuses.
 */
import { CodecError } from '../errors';
import { encodeArray } from './arrays';
import { denseToCsr } from './csr';
import { MANIFEST_FILE, type ArrayRef, type BundleManifest, type CsrRef, type DType } from './manifest';
import { isSafeBundlePath } from './paths';
import { validateManifest } from './validate';

export interface CsrOptions {
  /** dtype of the values file (default float32; float16 halves it). */
  valueDtype?: DType;
  /** Entries with |v| <= eps are dropped (default 0). */
  eps?: number;
}

export class BundleWriter {
  readonly files = new Map<string, Uint8Array>();

  private claim(file: string): void {
    if (!isSafeBundlePath(file) || file === MANIFEST_FILE) {
      throw new CodecError('BundleError', `BundleWriter: ${JSON.stringify(file)}: expected a relative path inside the bundle ('/'-separated, no '..', not manifest.json).`);
    }
    if (this.files.has(file)) throw new CodecError('BundleError', `BundleWriter: ${file}: already written.`);
  }

  /** Stores `data` as `dtype` under `file`; its length must equal product(shape). */
  add(file: string, data: ArrayLike<number>, dtype: DType, shape: number[]): ArrayRef {
    this.claim(file);
    this.files.set(file, encodeArray(data, dtype, { shape, file }));
    return { file, dtype, shape: [...shape] };
  }

  /**
   * A dense (rows x cols) matrix stored as CSR in three arrays: `<base>_rowptr.bin` (int32,
   * rows + 1), `<base>_col.bin` (int32, nnz) and `<base>_val.bin` (nnz).
   */
  addCsr(base: string, dense: ArrayLike<number>, rows: number, cols: number, opts: DType | CsrOptions = {}): CsrRef {
    const { valueDtype = 'float32', eps = 0 } = typeof opts === 'string' ? { valueDtype: opts } : opts;
    const c = denseToCsr(dense, rows, cols, eps);
    return {
      rowPtr: this.add(`${base}_rowptr.bin`, c.rowPtr, 'int32', [rows + 1]),
      colIdx: this.add(`${base}_col.bin`, c.colIdx, 'int32', [c.colIdx.length]),
      values: this.add(`${base}_val.bin`, c.values, valueDtype, [c.values.length]),
      shape: [rows, cols],
    };
  }

  /** Any other file (a sprite PNG, a model weights file) as raw bytes. */
  addBytes(file: string, bytes: Uint8Array): void {
    this.claim(file);
    this.files.set(file, bytes);
  }

  /**
   * Writes manifest.json (NaN and +-Inf become null, as JSON has neither), validates it against
   * the files and returns the file map.
   */
  finish(manifest: BundleManifest): Map<string, Uint8Array> {
    const json = JSON.stringify(manifest, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
    validateManifest(JSON.parse(json), (f) => this.files.get(f)?.length);
    this.files.set(MANIFEST_FILE, new TextEncoder().encode(json));
    return this.files;
  }
}
