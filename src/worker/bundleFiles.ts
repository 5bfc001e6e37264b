/**
 * Reading an analysis bundle (manifest.json + little-endian .bin arrays) from a file map, and
 * fetching one from a URL. Arrays are decoded lazily and cached.
 * TODO(engine): replace `decodeArray` with src/core/bundle/reader's getArray/getCsr once it lands;
 * this copy exists so the app runs before it does.
 */
import type { ArrayRef, BundleManifest, CsrRef } from '../core/bundle/manifest';

export type NumArray = Float32Array | Int32Array | Uint8Array | Uint16Array;

export interface Csr {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float32Array;
  shape: [number, number];
}

function fail(msg: string): never {
  throw Object.assign(new Error(msg), { name: 'BundleError' });
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

const SIZE: Record<string, number> = { float32: 4, float16: 2, int32: 4, uint8: 1, uint16: 2 };

export function decodeArray(bytes: Uint8Array, ref: ArrayRef): NumArray {
  const n = ref.shape.reduce((p, d) => p * d, 1);
  const size = SIZE[ref.dtype];
  if (!size) fail(`bundle: ${ref.file} has unsupported dtype ${ref.dtype}.`);
  if (bytes.byteLength !== n * size) fail(`bundle: ${ref.file} holds ${bytes.byteLength} bytes, but shape [${ref.shape}] of ${ref.dtype} needs ${n * size}.`);
  const buf = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  switch (ref.dtype) {
    case 'float32':
      return new Float32Array(buf.buffer, buf.byteOffset, n);
    case 'int32':
      return new Int32Array(buf.buffer, buf.byteOffset, n);
    case 'uint8':
      return new Uint8Array(buf.buffer, buf.byteOffset, n);
    case 'uint16':
      return new Uint16Array(buf.buffer, buf.byteOffset, n);
    case 'float16': {
      const h = new Uint16Array(buf.buffer, buf.byteOffset, n);
      return Float32Array.from(h, halfToFloat);
    }
  }
}

/** Every file a manifest refers to (arrays, CSR parts, sprite). */
export function referencedFiles(m: BundleManifest & { inputs?: ArrayRef }): string[] {
  const out = new Set<string>();
  const add = (r?: ArrayRef) => r && out.add(r.file);
  const addCsr = (c?: CsrRef) => c && [c.rowPtr, c.colIdx, c.values].forEach(add);
  add(m.outputs?.F);
  add(m.outputs?.F0);
  add(m.outputs?.targetClass);
  add(m.outputs?.probs);
  add(m.inputs);
  for (const l of m.layers ?? []) {
    Object.values(l.arrays ?? {}).forEach(add);
    for (const s of [l.sae?.contributions, l.sae?.activations]) {
      if (!s) continue;
      add(s.arrays.atoms);
      addCsr(s.arrays.codes);
      add(s.classCorr);
    }
  }
  if (m.sprite) out.add(m.sprite.file);
  return [...out];
}

/** Structural checks with messages that name the field. */
export function checkManifest(m: unknown, where: string): asserts m is BundleManifest {
  const j = m as Partial<BundleManifest>;
  if (!j || typeof j !== 'object') fail(`${where}: manifest.json is not a JSON object.`);
  if (j.format !== 'codec-bundle') fail(`${where}: manifest.json format is ${JSON.stringify(j.format)}, expected "codec-bundle".`);
  if (j.version !== 1) fail(`${where}: manifest.json version ${j.version} is not supported (expected 1).`);
  if (!Array.isArray(j.images) || !Array.isArray(j.layers) || !j.outputs) fail(`${where}: manifest.json lacks images, layers or outputs.`);
}

export class BundleFiles {
  private cache = new Map<string, NumArray>();
  constructor(
    readonly manifest: BundleManifest & { inputs?: ArrayRef },
    readonly files: Map<string, Uint8Array>,
  ) {}

  bytes(file: string): Uint8Array {
    const b = this.files.get(file);
    if (!b) fail(`bundle: ${file} is missing (manifest.json refers to it).`);
    return b;
  }

  array(ref: ArrayRef): NumArray {
    let a = this.cache.get(ref.file);
    if (!a) {
      a = decodeArray(this.bytes(ref.file), ref);
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
  checkManifest(manifest, root.pathname);
  const files = new Map<string, Uint8Array>();
  const names = referencedFiles(manifest);
  await Promise.all(
    names.map(async (f) => {
      const r = await fetch(new URL(f, root), { signal });
      if (!r.ok) fail(`bundle: ${f} answered ${r.status} (manifest.json refers to it).`);
      files.set(f, new Uint8Array(await r.arrayBuffer()));
    }),
  );
  return new BundleFiles(manifest, files);
}

/** A bundle from dropped files (a folder with manifest.json). Paths are matched relative to the manifest. */
export async function bundleFromFiles(entries: { file: File; path: string }[]): Promise<BundleFiles> {
  const man = entries.find((e) => e.path.split('/').pop() === 'manifest.json');
  if (!man) fail('bundle: no manifest.json among the dropped files.');
  const prefix = man.path.slice(0, man.path.length - 'manifest.json'.length);
  let manifest: unknown;
  try {
    manifest = JSON.parse(await man.file.text());
  } catch {
    fail(`bundle: ${man.path} is not valid JSON.`);
  }
  checkManifest(manifest, man.path);
  const byPath = new Map(entries.map((e) => [e.path.startsWith(prefix) ? e.path.slice(prefix.length) : e.path, e.file]));
  const files = new Map<string, Uint8Array>();
  for (const f of referencedFiles(manifest)) {
    const file = byPath.get(f) ?? entries.find((e) => e.path.endsWith('/' + f) || e.path === f)?.file;
    if (!file) fail(`bundle: ${f} is missing among the dropped files (manifest.json refers to it).`);
    files.set(f, new Uint8Array(await file.arrayBuffer()));
  }
  return new BundleFiles(manifest, files);
}
