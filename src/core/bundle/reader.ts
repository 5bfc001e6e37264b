/**
 * Reads an analysis bundle from a file map (a folder or an unzipped archive) or from a
 * fetch-like source `(file) => Promise<bytes>` (the static demo). The manifest is validated
 * first (with file sizes when they are known: a map); arrays are decoded on first use, checked
 * against their declared shape, and cached (a failed read is not cached, so it can be retried).
 */
import { CodecError, oneLine } from '../errors';
import { decodeArray, type NumArray } from './arrays';
import { checkCsr, csrToDense, type Csr } from './csr';
import { MANIFEST_FILE, type ArrayRef, type BundleManifest, type CsrRef } from './manifest';
import { isSafeBundlePath } from './paths';
import { upgradeManifest } from './upgrade';
import { validateManifest } from './validate';

export type BundleSource = Map<string, Uint8Array> | ((file: string) => Promise<Uint8Array>);

export interface Bundle {
  manifest: BundleManifest;
  /** An array, float16 decoded to float32; length product(shape). */
  getArray(ref: ArrayRef): Promise<NumArray>;
  /** A sparse matrix as its three CSR arrays (structure checked). */
  getCsr(ref: CsrRef): Promise<Csr>;
  /** A sparse matrix as dense (rows x cols) float32. */
  getDense(ref: CsrRef): Promise<Float32Array>;
  /** Raw bytes of any file of the bundle (e.g. the sprite). */
  getFile(file: string): Promise<Uint8Array>;
}

const fail = (file: string, msg: string): never => {
  throw new CodecError('BundleError', `bundle: ${file}: ${msg}`);
};

/** A CSR matrix's errors name its row pointer and column index files (a problem may be in either). */
const csrWhere = (ref: CsrRef) => `bundle: ${ref.rowPtr.file}, ${ref.colIdx.file}`;

function reader(source: BundleSource): (file: string) => Promise<Uint8Array> {
  if (source instanceof Map) {
    return async (f) => source.get(f) ?? fail(f, 'missing.');
  }
  return async (f) => {
    let b: unknown;
    try {
      b = await source(f);
    } catch (e) {
      if (e instanceof CodecError) throw e;
      fail(f, `cannot read (${String((e as Error)?.message ?? e).split('\n')[0]}).`);
    }
    if (!(b instanceof Uint8Array)) fail(f, 'the source gave no bytes.');
    return b as Uint8Array;
  };
}

export async function readBundle(source: BundleSource): Promise<Bundle> {
  const get = reader(source);
  let json: unknown;
  const text = new TextDecoder().decode(await get(MANIFEST_FILE));
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(MANIFEST_FILE, `not valid JSON (${oneLine((e as Error).message)}).`);
  }
  const manifest = validateManifest(json, source instanceof Map ? (f) => source.get(f)?.length : undefined);

  const cache = new Map<string, Promise<NumArray>>();
  const getArray = (ref: ArrayRef): Promise<NumArray> => {
    const key = `${ref.file}|${ref.dtype}|${ref.shape}`;
    let p = cache.get(key);
    if (!p) {
      p = get(ref.file).then((b) => decodeArray(b, ref.dtype, ref.shape, ref.file));
      p.catch(() => cache.delete(key));
      cache.set(key, p);
    }
    return p;
  };
  const getCsr = async (ref: CsrRef): Promise<Csr> => {
    const [rowPtr, colIdx, values] = await Promise.all([getArray(ref.rowPtr), getArray(ref.colIdx), getArray(ref.values)]);
    const c: Csr = {
      rowPtr: rowPtr instanceof Int32Array ? rowPtr : Int32Array.from(rowPtr),
      colIdx: colIdx instanceof Int32Array ? colIdx : Int32Array.from(colIdx),
      values: values instanceof Float32Array ? values : Float32Array.from(values),
      rows: ref.shape[0],
      cols: ref.shape[1],
    };
    checkCsr(c, csrWhere(ref));
    return c;
  };
  if (manifest.version === 1) {
    // Version 1 stored the symmetric completeness measure: the plain error is recomputed from F, F0 and contrib_net.
    const got = new Map<string, NumArray>();
    const refs = [manifest.outputs.F, manifest.outputs.F0, ...manifest.layers.filter((l) => l.completeness && l.arrays.contrib_net).map((l) => l.arrays.contrib_net)];
    for (const r of refs) got.set(r.file, await getArray(r));
    upgradeManifest(manifest, (r) => got.get(r.file) ?? null);
  }
  return {
    manifest,
    getArray,
    getCsr,
    getDense: async (ref) => csrToDense(await getCsr(ref), csrWhere(ref)),
    getFile: async (file) => (isSafeBundlePath(file) ? get(file) : fail(file, 'not a relative path inside the bundle.')),
  };
}
