/**
 * Reads an analysis bundle from a file map (a folder or unzipped archive) or from a fetch-like
 * source (the static demo): the manifest is validated first; arrays are decoded lazily and cached.
 */
import { CodecError } from '../errors';
import { decodeArray, type NumArray } from './arrays';
import { csrToDense } from './csr';
import type { ArrayRef, BundleManifest, CsrRef } from './manifest';
import { validateManifest } from './validate';

export type BundleSource = Map<string, Uint8Array> | ((file: string) => Promise<Uint8Array>);

export interface Bundle {
  manifest: BundleManifest;
  getArray(ref: ArrayRef): Promise<NumArray>;
  /** A CSR matrix as dense (rows x cols) float32. */
  getCsr(ref: CsrRef): Promise<Float32Array>;
  /** Raw bytes of any file of the bundle (e.g. the sprite). */
  getFile(file: string): Promise<Uint8Array>;
}

export async function readBundle(source: BundleSource): Promise<Bundle> {
  const get =
    source instanceof Map
      ? async (f: string) => {
          const b = source.get(f);
          if (!b) throw new CodecError('BundleError', `bundle: ${f}: missing.`);
          return b;
        }
      : source;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await get('manifest.json')));
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError('BundleError', `bundle: manifest.json: not valid JSON (${(e as Error).message}).`);
  }
  const manifest = validateManifest(json, source instanceof Map ? (f) => source.get(f)?.length : undefined);
  const cache = new Map<string, Promise<NumArray>>();
  const getArray = (ref: ArrayRef) => {
    let p = cache.get(ref.file);
    if (!p) {
      p = get(ref.file).then((b) => decodeArray(b, ref.dtype, ref.shape, ref.file));
      cache.set(ref.file, p);
    }
    return p;
  };
  return {
    manifest,
    getArray,
    getFile: get,
    async getCsr(ref: CsrRef) {
      const [rowPtr, colIdx, values] = await Promise.all([getArray(ref.rowPtr), getArray(ref.colIdx), getArray(ref.values)]);
      return csrToDense({ rowPtr: rowPtr as Int32Array, colIdx: colIdx as Int32Array, values: Float32Array.from(values), rows: ref.shape[0], cols: ref.shape[1] });
    },
  };
}
