/**
 * Bundle cases: mutations of the shipped fashion-cnn analysis bundle, read through readBundle on the
 * file map with every array and CSR matrix read after (manifest cut, flipped, of another version or
 * format; array files cut, empty, padded, missing; declared dtypes and shapes; paths leaving the
 * bundle; broken CSR structure), then more of the same per array of the first layer and the bundle
 * zipped, read as the CLI reads a .zip (from the former tests/hostileInputs.test.ts).
 */
import { BUNDLE_VERSION, READABLE_VERSIONS } from '../../src/core/bundle/manifest';
import { zipFiles } from '../../src/core/bundle/zip';
import { concat, dec, enc, flip, flipBits, nested, truncate } from './mutations';
import type { FuzzCase, FuzzSources } from './types';

const M = 'manifest.json';
type Ref = { file: string; dtype: string; shape: number[] };
type Man = { version: unknown; format: unknown; images: unknown; outputs: Record<string, Ref>; layers: { name: string; arrays: Record<string, Ref>; sae?: Record<string, { arrays: { atoms: Ref; codes: { shape: number[]; rowPtr: Ref; colIdx: Ref; values: Ref } } }> }[]; [k: string]: unknown };
const manifestOf = (src: FuzzSources) => JSON.parse(dec(src.bundle.get(M)!)) as Man;
const firstSae = (m: Man) => Object.values(m.layers[0].sae ?? {})[0]!;
/** The array files the first cases cut (all) and empty, pad and delete (the first five). */
function arrayFiles(m: Man): string[] {
  const sae = firstSae(m);
  return [m.outputs.F, m.outputs.F0, m.outputs.targetClass, ...Object.values(m.layers[0].arrays), sae.arrays.atoms, sae.arrays.codes.rowPtr, sae.arrays.codes.colIdx, sae.arrays.codes.values].map((x) => x.file);
}
/** A version this app does not read: one past the newest it writes or reads. */
const UNREADABLE_VERSION = Math.max(BUNDLE_VERSION, ...READABLE_VERSIONS) + 1;

export function bundleCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const add = (id: string, change: (files: Map<string, Uint8Array>) => void, names: string, expect: FuzzCase['expect'] = 'error') => {
    const files = new Map(src.bundle);
    change(files);
    out.push({ id: `bundle/${id}`, target: 'bundle', entry: M, files, names, expect });
  };
  const mb = src.bundle.get(M)!;
  const man = () => manifestOf(src);
  const edit = (id: string, f: (m: Man) => void, names: string, expect: FuzzCase['expect'] = 'error') => add(id, (files) => {
    const m = man();
    f(m);
    files.set(M, enc(JSON.stringify(m)));
  }, names, expect);

  for (const n of [0, 1, 50, Math.floor(mb.length / 2), mb.length - 1]) add(`manifest-truncated-${n}`, (fs) => fs.set(M, truncate(mb, n)), M);
  for (let k = 0; k < 8; k++) add(`manifest-flip-${k}`, (fs) => fs.set(M, flip(mb, [Math.floor(r() * mb.length)])), M, 'any');
  add('manifest-missing', (fs) => fs.delete(M), M);
  add('manifest-nested', (fs) => fs.set(M, enc(nested(200_000))), M);
  add('manifest-nested-field', (fs) => fs.set(M, enc(JSON.stringify({ ...man(), layers: '@@' }).replace('"@@"', nested(3000)))), M);
  edit(`version-${UNREADABLE_VERSION}`, (m) => (m.version = UNREADABLE_VERSION), M);
  edit('version-missing', (m) => delete m.version, M);
  edit('version-string', (m) => (m.version = '1'), M);
  edit('format-wrong', (m) => (m.format = 'zip'), M);
  edit('images-not-list', (m) => (m.images = 'all'), M);
  edit('images-fewer', (m) => (m.images = (m.images as string[]).slice(1)), M);

  const m0 = man();
  const sae = firstSae(m0);
  const files = arrayFiles(m0);
  // Array files: truncated, empty, padded, missing.
  for (const f of files) {
    const b = src.bundle.get(f)!;
    add(`array-truncated-${f}`, (fs) => fs.set(f, truncate(b, Math.floor(b.length * r()))), f);
  }
  for (const f of files.slice(0, 5)) {
    add(`array-empty-${f}`, (fs) => fs.set(f, new Uint8Array(0)), f);
    add(`array-padded-${f}`, (fs) => fs.set(f, concat(src.bundle.get(f)!, new Uint8Array(8))), f);
    add(`array-missing-${f}`, (fs) => fs.delete(f), f);
  }
  // Declared dtypes and shapes.
  edit('dtype-float64', (m) => (m.outputs.F.dtype = 'float64'), m0.outputs.F.file);
  edit('dtype-uint8', (m) => (m.outputs.F.dtype = 'uint8'), m0.outputs.F.file);
  edit('shape-huge', (m) => (m.outputs.F.shape = [2000, 1e12]), m0.outputs.F.file);
  edit('shape-rows', (m) => (m.outputs.F.shape = [1999]), m0.outputs.F.file);
  edit('shape-negative', (m) => (m.outputs.F.shape = [-2000]), m0.outputs.F.file);
  edit('shape-string', (m) => ((m.outputs.F as { shape: unknown }).shape = '2000'), M);
  edit('atoms-shape', (m) => (Object.values(m.layers[0].sae!)[0].arrays.atoms.shape = [sae.arrays.atoms.shape[0] + 1, sae.arrays.atoms.shape[1]]), sae.arrays.atoms.file);
  edit('codes-shape', (m) => (Object.values(m.layers[0].sae!)[0].arrays.codes.shape = [2000, 3]), M);
  edit('path-escapes', (m) => (m.outputs.F.file = '../../model.json'), M);
  edit('path-absolute', (m) => (m.outputs.F.file = '/etc/passwd'), M);
  // CSR structure broken inside a valid-sized file: row pointers out of order.
  const rp = sae.arrays.codes.rowPtr.file;
  add('csr-rowptr-scrambled', (fs) => {
    const b = src.bundle.get(rp)!.slice();
    const v = new Int32Array(b.buffer);
    v[5] = 1e9;
    fs.set(rp, b);
  }, rp);
  const ci = sae.arrays.codes.colIdx.file;
  add('csr-colidx-out-of-range', (fs) => {
    const b = src.bundle.get(ci)!.slice();
    new Int32Array(b.buffer)[0] = 1e6;
    fs.set(ci, b);
  }, ci);
  // NaN and Inf in data arrays are stored values, shown as they are: a bundle still reads.
  add('array-nan-F', (fs) => {
    const b = src.bundle.get(m0.outputs.F.file)!.slice();
    new Float32Array(b.buffer)[0] = NaN;
    fs.set(m0.outputs.F.file, b);
  }, m0.outputs.F.file, 'ok');
  return out;
}

/** More manifest edits and, per array of the first layer, the same mutations; `r` draws the flipped bits. */
export function layerArrayCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const add = (id: string, change: (files: Map<string, Uint8Array>) => void, names: string, expect: FuzzCase['expect'] = 'error') => {
    const files = new Map(src.bundle);
    change(files);
    out.push({ id: `bundle/${id}`, target: 'bundle', entry: M, files, names, expect });
  };
  const edit = (id: string, f: (m: Man) => void, names: string) => add(id, (files) => {
    const m = manifestOf(src);
    f(m);
    files.set(M, enc(JSON.stringify(m)));
  }, names);
  const mb = src.bundle.get(M)!;
  for (let i = 1; i <= 10; i++) add(`manifest-truncated-${i * 9}pct`, (f) => f.set(M, truncate(mb, Math.floor((mb.length * i * 9) / 100))), M);
  add('manifest-renamed', (f) => (f.delete(M), f.set('Manifest.json', mb)), M);
  add('manifest-blank', (f) => f.set(M, enc(' \n\t')), M);
  edit('version-99', (m) => (m.version = 99), M);
  edit('version-null', (m) => (m.version = null), M);
  edit('format-missing', (m) => delete m.format, M);
  edit('layers-object', (m) => ((m as { layers: unknown }).layers = {}), M);
  add('manifest-nested-empty-100000', (f) => f.set(M, enc('['.repeat(100_000) + ']'.repeat(100_000))), M);
  const m0 = manifestOf(src);
  // The cases above delete the first five array files; for those, the manifest names a file the bundle lacks instead.
  const deletedAbove = new Set(arrayFiles(m0).slice(0, 5));
  for (const [key, ref] of Object.entries(m0.layers[0].arrays)) {
    add(`${key}-truncated-7`, (f) => f.set(ref.file, truncate(f.get(ref.file)!, 7)), ref.file);
    if (deletedAbove.has(ref.file)) edit(`${key}-names-absent-file`, (m) => (m.layers[0].arrays[key].file = `${ref.file}.old`), `${ref.file}.old`);
    else add(`${key}-missing`, (f) => f.delete(ref.file), ref.file);
    edit(`${key}-shape-one-row-more`, (m) => (m.layers[0].arrays[key].shape = [ref.shape[0] + 1, ...ref.shape.slice(1)]), ref.file);
    edit(`${key}-shape-huge`, (m) => (m.layers[0].arrays[key].shape = [1e9, 1e9]), ref.file);
    edit(`${key}-shape-negative`, (m) => (m.layers[0].arrays[key].shape = [-1, ref.shape[1]]), ref.file);
    edit(`${key}-dtype-float64`, (m) => (m.layers[0].arrays[key].dtype = 'float64'), ref.file);
    edit(`${key}-path-escapes`, (m) => (m.layers[0].arrays[key].file = '../../../etc/passwd'), 'passwd');
    add(`${key}-flipbits20`, (f) => f.set(ref.file, flipBits(f.get(ref.file)!, 20, r)), ref.file, 'any');
  }
  // CSR codes with a broken structure.
  const codes = m0.layers[0].sae!.contributions.arrays.codes;
  add('csr-rowptr-flipbits30', (f) => f.set(codes.rowPtr.file, flipBits(f.get(codes.rowPtr.file)!, 30, r)), codes.rowPtr.file);
  add('csr-colidx-all-ones', (f) => f.set(codes.colIdx.file, new Uint8Array(f.get(codes.colIdx.file)!.length).fill(0xff)), codes.colIdx.file);
  return out;
}

/** The bundle zipped, read from a .zip file as `codec report bundle.zip` reads it; `r` draws the flipped bits. */
export function zipCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const add = (id: string, bytes: Uint8Array, expect: FuzzCase['expect'] = 'error') =>
    out.push({ id: `bundle-zip/${id}`, target: 'bundle-zip', entry: 'bundle.zip', files: new Map([['bundle.zip', bytes]]), names: 'bundle.zip', expect });
  const zip = zipFiles(src.bundle, { level: 1 });
  for (const f of [0, 0.05, 0.5, 0.95]) add(`truncated-${f * 100}pct`, truncate(zip, Math.floor(zip.length * f)));
  add('not-a-zip', enc('PK but not really'));
  add('png-named-zip', src.fixtures.get('one.png')!);
  add('empty-zip', zipFiles(new Map()));
  add('no-manifest', zipFiles(new Map([['a.bin', new Uint8Array(4)]])));
  for (let i = 0; i < 5; i++) add(`flipbits4-${i}`, flipBits(zip, 4, r), 'any');
  return out;
}
