/**
 * An analysis bundle as the worker holds it: the manifest (validated by the engine's
 * validateManifest) and every file it names, in memory, decoded synchronously by the engine's
 * decodeArray and cached, so the views can read arrays without awaiting. Fetched from a URL (the
 * static demo) or read from dropped files (a folder, or a .zip through the engine's unzipFiles).
 */
import { decodeArray, type NumArray } from '../core/bundle/arrays';
import type { ArrayRef, BundleManifest, CsrRef } from '../core/bundle/manifest';
import { upgradeManifest } from '../core/bundle/upgrade';
import { arrayRefs, validateManifest } from '../core/bundle/validate';
import { unzipFiles } from '../core/bundle/zip';

export type { NumArray };

export interface Csr {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float32Array;
  shape: [number, number];
}

/** The manifest as the worker reads it: the engine's, plus optional raw pixels of the images. */
export type Manifest = BundleManifest & { inputs?: ArrayRef };

function fail(msg: string): never {
  throw Object.assign(new Error(msg), { name: 'BundleError' });
}

/** Every file a manifest refers to (arrays, CSR parts, pixels, sprite). */
export function referencedFiles(m: Manifest): string[] {
  const out = new Set(arrayRefs(m).map((r) => r.ref.file));
  if (m.inputs) out.add(m.inputs.file);
  if (m.sprite) out.add(m.sprite.file);
  return [...out];
}

function validate(json: unknown, files?: Map<string, Uint8Array>): Manifest {
  const m = validateManifest(json, files ? (f) => files.get(f)?.length : undefined) as Manifest;
  if (!m.outputs?.F || !m.outputs.F0 || !m.outputs.targetClass) fail('bundle: manifest.json: outputs must name F, F0 and targetClass.');
  return m;
}

/** A version 1 manifest read with the files of its bundle, upgraded in place to version 2 (core/bundle/upgrade.ts). */
export function upgradeFromFiles(m: Manifest, files: Map<string, Uint8Array>): Manifest {
  return upgradeManifest(m, (ref) => {
    const b = files.get(ref.file);
    return b ? decodeArray(b, ref.dtype, ref.shape, ref.file) : null;
  }) as Manifest;
}

export class BundleFiles {
  private cache = new Map<string, NumArray>();
  constructor(
    readonly manifest: Manifest,
    readonly files: Map<string, Uint8Array>,
  ) {
    // A version 1 bundle is read as version 2: the plain completeness error recomputed from its arrays (upgrade.ts).
    upgradeManifest(manifest, (ref) => (this.files.has(ref.file) ? this.float(ref) : null));
  }

  bytes(file: string): Uint8Array {
    const b = this.files.get(file);
    if (!b) fail(`bundle: ${file} is missing (manifest.json refers to it).`);
    return b;
  }

  array(ref: ArrayRef): NumArray {
    let a = this.cache.get(ref.file);
    if (!a) {
      a = decodeArray(this.bytes(ref.file), ref.dtype, ref.shape, ref.file);
      this.cache.set(ref.file, a);
    }
    return a;
  }

  float(ref: ArrayRef): Float32Array {
    const a = this.array(ref);
    return a instanceof Float32Array ? a : Float32Array.from(a);
  }

  int(ref: ArrayRef): Int32Array {
    const a = this.array(ref);
    return a instanceof Int32Array ? a : Int32Array.from(a);
  }

  csr(ref: CsrRef): Csr {
    const rowPtr = this.int(ref.rowPtr);
    const colIdx = this.int(ref.colIdx);
    const values = this.float(ref.values);
    if (rowPtr.length !== ref.shape[0] + 1 || colIdx.length !== values.length || rowPtr[rowPtr.length - 1] !== values.length) {
      fail(`bundle: CSR ${ref.values.file} is inconsistent (rows ${ref.shape[0]}, row pointers ${rowPtr.length}, nnz ${values.length}).`);
    }
    return { rowPtr, colIdx, values, shape: ref.shape };
  }
}

/** Fetches manifest.json and every file it names from a bundle folder URL (same origin). */
export async function fetchBundle(url: string, signal?: AbortSignal): Promise<BundleFiles> {
  const base = url.endsWith('/') ? url : url.replace(/manifest\.json$/, '') || './';
  const root = new URL(base.endsWith('/') ? base : base + '/', self.location.href);
  const res = await fetch(new URL('manifest.json', root), { signal }).catch((e: Error) => fail(`bundle: cannot fetch ${root.href}manifest.json (${e.message}).`));
  if (!res.ok) fail(`bundle: ${root.pathname}manifest.json answered ${res.status} ${res.statusText}.`);
  let manifest: unknown;
  try {
    manifest = await res.json();
  } catch {
    fail(`bundle: ${root.pathname}manifest.json is not valid JSON.`);
  }
  const files = new Map<string, Uint8Array>();
  await Promise.all(
    referencedFiles(validate(manifest)).map(async (f) => {
      const r = await fetch(new URL(f, root), { signal });
      if (!r.ok) fail(`bundle: ${f} answered ${r.status} (manifest.json refers to it).`);
      files.set(f, new Uint8Array(await r.arrayBuffer()));
    }),
  );
  return new BundleFiles(validate(manifest, files), files);
}

/** A bundle from dropped files: a folder with manifest.json, or a .zip of one. */
export async function bundleFromFiles(entries: { file: File; path: string }[]): Promise<BundleFiles> {
  const zip = entries.find((e) => /\.zip$/i.test(e.path));
  if (zip && !entries.some((e) => e.path.split('/').pop() === 'manifest.json')) {
    const all = unzipFiles(new Uint8Array(await zip.file.arrayBuffer()), zip.path);
    // A zip of the folder itself or of its contents: strip the folder prefix of manifest.json.
    const man = [...all.keys()].find((k) => k.split('/').pop() === 'manifest.json');
    if (!man) fail(`bundle: ${zip.path} holds no manifest.json.`);
    const prefix = man.slice(0, man.length - 'manifest.json'.length);
    const files = new Map([...all].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    return fromMap(files, zip.path);
  }
  const man = entries.find((e) => e.path.split('/').pop() === 'manifest.json');
  if (!man) fail('bundle: no manifest.json among the dropped files (drop the bundle folder, or its .zip).');
  const prefix = man.path.slice(0, man.path.length - 'manifest.json'.length);
  const files = new Map<string, Uint8Array>();
  for (const e of entries) if (e.path.startsWith(prefix)) files.set(e.path.slice(prefix.length), new Uint8Array(await e.file.arrayBuffer()));
  return fromMap(files, man.path);
}

function fromMap(files: Map<string, Uint8Array>, where: string): BundleFiles {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(files.get('manifest.json')));
  } catch {
    fail(`bundle: ${where}: manifest.json is not valid JSON.`);
  }
  const m = validate(json, files);
  for (const f of referencedFiles(m)) if (!files.has(f)) fail(`bundle: ${f} is missing (manifest.json refers to it).`);
  return new BundleFiles(m, files);
}
