/**
 * Hostile and broken inputs for the fuzz test (tests/fuzz.test.ts), made by mutating the shipped
 * demo files: the fashion-cnn model (model.json + its shard), images (a PNG and a JPEG made from
 * the demo image set's first picture), the analysis bundle and the image set. Each case is a set
 * of files for one entry point, the file its error must name, and whether it must fail ('error')
 * or may also load ('any': e.g. a flipped byte inside a weight is still a valid model).
 * Deterministic: a seeded generator picks positions.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { rng } from '../../src/core/util/rng';

export type FuzzTarget = 'model' | 'image' | 'bundle' | 'imageset';

export interface FuzzCase {
  id: string;
  target: FuzzTarget;
  /** The entry file: model.json's name, the image's name, the image set header's name. Bundles: manifest.json. */
  entry: string;
  /** The file map (every file of the model, bundle or image set; the image alone). */
  files: Map<string, Uint8Array>;
  /** The file the error message must name. */
  names: string;
  expect: 'error' | 'any' | 'ok';
}

export interface FuzzSources {
  modelJson: Uint8Array;
  shard: Uint8Array;
  /** The bundle's files, relative paths. */
  bundle: Map<string, Uint8Array>;
  imagesetJson: Uint8Array;
  imagesetBin: Uint8Array;
}

const SHARD = 'group1-shard1of1.bin';
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);


const truncate = (b: Uint8Array, n: number) => b.slice(0, Math.max(0, Math.min(b.length, n)));
function flip(b: Uint8Array, positions: number[]): Uint8Array {
  const out = b.slice();
  for (const p of positions) out[p % out.length] ^= 0xff;
  return out;
}
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
/** `depth` nested arrays around 0: [[[...0...]]]. */
const nested = (depth: number) => '['.repeat(depth) + '0' + ']'.repeat(depth);

// ---- CRC32 (PNG chunks) ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(enc(type), 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function pngOf(width: number, height: number, gray: (i: number) => number): Uint8Array {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([gray(i), gray(i), gray(i), 255], i * 4);
  return new Uint8Array(PNG.sync.write(png));
}
export function jpegOf(width: number, height: number, gray: (i: number) => number): Uint8Array {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([gray(i), 255 - gray(i), gray(i), 255], i * 4);
  return new Uint8Array(jpeg.encode({ data, width, height }, 90).data);
}

/** A PNG whose IHDR declares width x height (CRC fixed), the pixel data left as it was. */
function pngDeclaring(png: Uint8Array, width: number, height: number): Uint8Array {
  const out = png.slice();
  const v = new DataView(out.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  v.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}
/** Offset of the SOF0 segment's length field in a baseline JPEG. */
function sofAt(b: Uint8Array): number {
  for (let i = 2; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === 0xc0) return i + 2;
  throw new Error('no SOF0');
}
function jpegDeclaring(b: Uint8Array, width: number, height: number): Uint8Array {
  const out = b.slice();
  const o = sofAt(out);
  out.set([height >> 8, height & 255, width >> 8, width & 255], o + 3);
  return out;
}
/** An APNG: the PNG with an acTL chunk (2 frames) after IHDR. */
function apng(png: Uint8Array): Uint8Array {
  const actl = new Uint8Array(8);
  new DataView(actl.buffer).setUint32(0, 2);
  return concat(png.subarray(0, 33), pngChunk('acTL', actl), png.subarray(33));
}
/** A JPEG whose frame declares 4 components (CMYK), with Adobe's APP14 marker, as Photoshop writes. */
function cmykJpeg(b: Uint8Array): Uint8Array {
  const out = b.slice();
  out[sofAt(out) + 7] = 4;
  const app14 = Uint8Array.from([0xff, 0xee, 0x00, 0x0e, ...enc('Adobe'), 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x02]);
  return concat(out.subarray(0, 2), app14, out.subarray(2));
}
/** A 2-frame GIF89a (NETSCAPE loop extension), 1x1 pixels. */
const ANIMATED_GIF = Uint8Array.from([
  ...enc('GIF89a'), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255,
  0x21, 0xff, 0x0b, ...enc('NETSCAPE2.0'), 3, 1, 0, 0, 0,
  0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0,
  0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3b,
]);

// ---- the model ----
interface Manifest {
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  modelTopology: { config: { layers: { class_name: string }[] } };
  [k: string]: unknown;
}

function modelCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const add = (id: string, json: Uint8Array | string, shard: Uint8Array | null, names: string, expect: FuzzCase['expect'], entry = 'model.json', shardName = SHARD) => {
    const files = new Map<string, Uint8Array>([[entry, typeof json === 'string' ? enc(json) : json]]);
    if (shard) files.set(shardName, shard);
    out.push({ id: `model/${id}`, target: 'model', entry, files, names, expect });
  };
  const base = () => JSON.parse(dec(src.modelJson)) as Manifest;
  const edit = (id: string, f: (m: Manifest) => void, names: string, expect: FuzzCase['expect'] = 'error') => {
    const m = base();
    f(m);
    add(id, JSON.stringify(m), src.shard, names, expect);
  };
  /** model.json with its first layer replaced by `depth` nested arrays (spliced as text: JSON.stringify would overflow the stack). */
  const nestedLayer = (depth: number) => JSON.stringify({ ...base(), modelTopology: { ...base().modelTopology, config: { ...base().modelTopology.config, layers: ['@@'] } } }).replace('"@@"', nested(depth));
  const J = src.modelJson.length;
  const S = src.shard.length;

  // model.json: truncated, zero bytes, flipped bytes, not JSON, not an object, wrong content.
  for (const n of [0, 1, 2, 10, 100, 1000, Math.floor(J / 3), Math.floor(J / 2), J - 100, J - 2, J - 1]) add(`json-truncated-${n}`, truncate(src.modelJson, n), src.shard, 'model.json', 'error');
  for (let k = 0; k < 16; k++) add(`json-flip-${k}`, flip(src.modelJson, [Math.floor(r() * J)]), src.shard, 'model.json', 'any');
  for (let k = 0; k < 4; k++) add(`json-flip8-${k}`, flip(src.modelJson, Array.from({ length: 8 }, () => Math.floor(r() * J))), src.shard, 'model.json', 'any');
  for (const [id, text] of [['null', 'null'], ['array', '[]'], ['number', '42'], ['string', '"model"'], ['empty-object', '{}'], ['utf16', '\ufeff{'], ['binary', dec(src.shard.subarray(0, 500))]] as const) add(`json-${id}`, text, src.shard, 'model.json', 'error');
  add('json-is-the-shard', src.shard, src.shard, 'model.json', 'error');
  add('json-is-a-png', pngOf(4, 4, (i) => i), src.shard, 'model.json', 'error');
  for (const d of [250, 1000, 100_000]) add(`json-nested-${d}`, nestedLayer(d), src.shard, 'model.json', 'error');
  add('json-nested-raw-1e6', `{"modelTopology": ${nested(1_000_000)}, "weightsManifest": []}`, src.shard, 'model.json', 'error');

  // The weights manifest: dtypes, shapes, names, paths.
  for (const dt of ['float64', 'string', 'complex64', 'uint8', 'int16', 'bfloat16', '', 'FLOAT32']) edit(`dtype-${dt || 'empty'}`, (m) => (m.weightsManifest[0].weights[0].dtype = dt), dt === 'uint8' || dt === 'int16' ? SHARD : 'model.json');
  edit('dtype-int32', (m) => (m.weightsManifest[0].weights[3].dtype = 'int32'), 'model.json', 'any');
  edit('dtype-number', (m) => ((m.weightsManifest[0].weights[0] as { dtype: unknown }).dtype = 32), 'model.json');
  const shapes: [string, unknown][] = [
    ['bigger', [3, 3, 1, 17]], ['smaller', [3, 3, 1, 15]], ['permuted', [16, 1, 3, 3]], ['flat', [144]], ['scalar', []], ['negative', [3, 3, -1, 16]],
    ['fraction', [3, 3, 1.5, 16]], ['string', '3x3'], ['null', null], ['strings', ['3', '3', '1', '16']], ['nan', [3, 3, null, 16]],
    ['huge', [100000, 100000, 1, 16]], ['huge-2^31', [2 ** 31]], ['huge-1e300', [1e300]], ['zero', [0, 3, 1, 16]], ['many-dims', Array(64).fill(1)],
  ];
  for (const [id, shape] of shapes) edit(`shape-${id}`, (m) => ((m.weightsManifest[0].weights[0] as { shape: unknown }).shape = shape), id === 'permuted' || id === 'flat' || id === 'scalar' ? 'model.json' : id === 'bigger' || id === 'smaller' || id === 'zero' ? SHARD : 'model.json');
  edit('weight-renamed', (m) => (m.weightsManifest[0].weights[0].name = 'nope/kernel'), 'model.json');
  edit('weight-duplicated', (m) => m.weightsManifest[0].weights.push({ ...m.weightsManifest[0].weights[1] }), SHARD);
  edit('weight-dropped', (m) => m.weightsManifest[0].weights.shift(), SHARD);
  edit('weights-swapped', (m) => {
    const w = m.weightsManifest[0].weights;
    [w[1], w[2]] = [w[2], w[1]]; // gamma and beta: same shape, values swapped; still a model
  }, 'model.json', 'any');
  edit('weight-no-name', (m) => delete (m.weightsManifest[0].weights[0] as { name?: string }).name, 'model.json');
  edit('manifest-missing', (m) => delete (m as { weightsManifest?: unknown }).weightsManifest, 'model.json');
  edit('manifest-object', (m) => ((m as { weightsManifest: unknown }).weightsManifest = { paths: [SHARD] }), 'model.json');
  edit('manifest-no-paths', (m) => delete (m.weightsManifest[0] as { paths?: string[] }).paths, 'model.json');
  edit('path-escapes', (m) => (m.weightsManifest[0].paths = ['../../etc/passwd']), 'model.json');
  edit('path-absolute', (m) => (m.weightsManifest[0].paths = ['/etc/passwd']), 'model.json');
  edit('path-wrong-name', (m) => (m.weightsManifest[0].paths = ['weights.bin']), 'weights.bin');
  edit('path-two-shards', (m) => m.weightsManifest[0].paths.push('group1-shard2of2.bin'), 'group1-shard2of2.bin');
  edit('topology-missing', (m) => delete (m as { modelTopology?: unknown }).modelTopology, 'model.json');
  edit('layer-lambda', (m) => (m.modelTopology.config.layers[1].class_name = 'Lambda'), 'model.json');
  edit('layer-unknown', (m) => (m.modelTopology.config.layers[2].class_name = 'MyCustomLayer'), 'model.json');
  // Wiring: tfjs' deserializer loops forever on a node naming a missing layer or a node index never made.
  type Wired = { name: string; inbound_nodes: [string, number, number, object][][] };
  edit('inbound-dangling', (m) => ((m.modelTopology.config.layers[3] as unknown as Wired).inbound_nodes[0][0][0] = 'conv9_conv'), 'model.json');
  edit('inbound-node-index', (m) => ((m.modelTopology.config.layers[3] as unknown as Wired).inbound_nodes[0][0][1] = 7), 'model.json');
  edit('output-dangling', (m) => ((m.modelTopology.config as unknown as { output_layers: unknown[] }).output_layers = [['nope', 0, 0]]), 'model.json');
  edit('layers-empty', (m) => (m.modelTopology.config.layers = []), 'model.json');
  edit('format-graph', (m) => (m.format = 'graph-model'), 'model.json');

  // The shard: truncated, empty, padded, flipped bytes, NaN and Inf weights, missing.
  for (const n of [0, 1, 4, 1000, Math.floor(S / 2), S - 4, S - 1]) add(`shard-truncated-${n}`, src.modelJson, truncate(src.shard, n), SHARD, 'error');
  add('shard-padded', src.modelJson, concat(src.shard, new Uint8Array(4)), SHARD, 'error');
  add('shard-doubled', src.modelJson, concat(src.shard, src.shard), SHARD, 'error');
  add('shard-missing', src.modelJson, null, SHARD, 'error');
  for (let k = 0; k < 10; k++) add(`shard-flip-${k}`, src.modelJson, flip(src.shard, [Math.floor(r() * S)]), SHARD, 'any');
  for (let k = 0; k < 3; k++) add(`shard-flip100-${k}`, src.modelJson, flip(src.shard, Array.from({ length: 100 }, () => Math.floor(r() * S))), SHARD, 'any');
  // NaN / Inf at a random value of a few weights: refused, naming the weight.
  const weights = base().weightsManifest[0].weights;
  const offsets: { name: string; offset: number; count: number }[] = [];
  let off = 0;
  for (const w of weights) {
    const count = w.shape.reduce((p, d) => p * d, 1);
    offsets.push({ name: w.name, offset: off, count });
    off += count * 4;
  }
  for (const [i, value] of [[0, NaN], [3, Infinity], [6, -Infinity], [15, NaN], [16, Infinity], [17, NaN], [26, Infinity]] as const) {
    const w = offsets[i];
    const shard = src.shard.slice();
    new DataView(shard.buffer).setFloat32(w.offset + 4 * Math.floor(r() * w.count), value, true);
    add(`shard-${String(value)}-in-${w.name}`, src.modelJson, shard, w.name, 'error');
  }
  // Wrong file names and extensions.
  add('entry-named-txt', src.modelJson, src.shard, 'model.txt', 'ok', 'model.txt');
  add('shard-named-png', src.modelJson, src.shard, SHARD, 'error', 'model.json', 'group1-shard1of1.png');
  add('entry-is-a-jpeg', jpegOf(8, 8, (i) => i), src.shard, 'model.jpg', 'error', 'model.jpg');
  add('image-as-shard', src.modelJson, pngOf(8, 8, (i) => i), SHARD, 'error');
  return out;
}

// ---- images ----
function imageCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const px = src.imagesetBin.subarray(0, 28 * 28);
  const png = pngOf(28, 28, (i) => px[i]);
  const jpg = jpegOf(28, 28, (i) => px[i]);
  const add = (id: string, name: string, bytes: Uint8Array, expect: FuzzCase['expect']) =>
    out.push({ id: `image/${id}`, target: 'image', entry: name, files: new Map([[name, bytes]]), names: name, expect });
  for (const [kind, b, ext] of [['png', png, 'png'], ['jpeg', jpg, 'jpg']] as const) {
    add(`${kind}-valid`, `shirt.${ext}`, b, 'ok');
    for (const f of [0, 1, 3, 8, 16, 30, 0.25, 0.5, 0.75, 0.9, -1]) {
      const n = f === -1 ? b.length - 1 : f < 1 ? Math.floor(b.length * f) : f;
      add(`${kind}-truncated-${n}`, `shirt-${n}.${ext}`, truncate(b, n), n === 0 ? 'error' : 'any');
    }
    for (let k = 0; k < 12; k++) add(`${kind}-flip-${k}`, `shirt-flip${k}.${ext}`, flip(b, [Math.floor(r() * b.length)]), 'any');
    for (let k = 0; k < 4; k++) add(`${kind}-flip20-${k}`, `shirt-flip20-${k}.${ext}`, flip(b, Array.from({ length: 20 }, () => Math.floor(r() * b.length))), 'any');
    const declare = kind === 'png' ? pngDeclaring : jpegDeclaring;
    for (const [w, h] of [[10000, 10000], [65535, 65535], [0, 28], [28, 0], [60000, 1000]]) add(`${kind}-declares-${w}x${h}`, `huge-${w}x${h}.${ext}`, declare(b, w, h), 'error');
    if (kind === 'png') add('png-declares-2^31', 'huge-2^31.png', declare(b, 2 ** 31, 2 ** 31), 'error');
    add(`${kind}-1x1`, `dot.${ext}`, kind === 'png' ? pngOf(1, 1, () => 200) : jpegOf(1, 1, () => 200), 'ok');
  }
  add('png-10000x10000-declared-empty-idat', 'big.png', pngDeclaring(png, 10000, 10000), 'error');
  add('apng', 'animated.png', apng(png), 'error');
  add('gif-animated', 'animated.gif', ANIMATED_GIF, 'error');
  add('gif-named-png', 'animated.png', ANIMATED_GIF, 'error');
  add('cmyk-jpeg', 'cmyk.jpg', cmykJpeg(jpg), 'error');
  add('webp', 'photo.webp', concat(enc('RIFF'), new Uint8Array(4), enc('WEBPVP8 '), new Uint8Array(20)), 'error');
  add('bmp', 'photo.bmp', concat(enc('BM'), new Uint8Array(60)), 'error');
  add('zero-bytes', 'empty.png', new Uint8Array(0), 'error');
  add('text-named-png', 'notes.png', enc('hello, not an image\n'), 'error');
  add('json-named-jpg', 'model.jpg', src.modelJson, 'error');
  add('png-named-jpg', 'really-a-png.jpg', png, 'ok');
  add('jpeg-named-png', 'really-a-jpeg.png', jpg, 'ok');
  add('png-signature-only', 'sig.png', png.subarray(0, 8), 'error');
  add('jpeg-soi-only', 'soi.jpg', jpg.subarray(0, 3), 'error');
  return out;
}

// ---- the analysis bundle ----
function bundleCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const M = 'manifest.json';
  const add = (id: string, change: (files: Map<string, Uint8Array>) => void, names: string, expect: FuzzCase['expect'] = 'error') => {
    const files = new Map(src.bundle);
    change(files);
    out.push({ id: `bundle/${id}`, target: 'bundle', entry: M, files, names, expect });
  };
  const mb = src.bundle.get(M)!;
  type Ref = { file: string; dtype: string; shape: number[] };
  type Man = { version: unknown; format: unknown; images: unknown; outputs: Record<string, Ref>; layers: { name: string; arrays: Record<string, Ref>; sae?: Record<string, { arrays: { atoms: Ref; codes: { shape: number[]; rowPtr: Ref; colIdx: Ref; values: Ref } } }> }[]; [k: string]: unknown };
  const man = () => JSON.parse(dec(mb)) as Man;
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
  edit('version-2', (m) => (m.version = 2), M);
  edit('version-missing', (m) => delete m.version, M);
  edit('version-string', (m) => (m.version = '1'), M);
  edit('format-wrong', (m) => (m.format = 'zip'), M);
  edit('images-not-list', (m) => (m.images = 'all'), M);
  edit('images-fewer', (m) => (m.images = (m.images as string[]).slice(1)), M);

  const m0 = man();
  const l0 = m0.layers[0];
  const sae = Object.values(l0.sae ?? {})[0]!;
  const files = [m0.outputs.F, m0.outputs.F0, m0.outputs.targetClass, ...Object.values(l0.arrays), sae.arrays.atoms, sae.arrays.codes.rowPtr, sae.arrays.codes.colIdx, sae.arrays.codes.values].map((x) => x.file);
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

// ---- the image set ----
function imagesetCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const J = 'test2000.json';
  const B = 'test2000.bin';
  const add = (id: string, json: Uint8Array | string, bin: Uint8Array | null, names: string, expect: FuzzCase['expect'] = 'error', binName = B) => {
    const files = new Map<string, Uint8Array>([[J, typeof json === 'string' ? enc(json) : json]]);
    if (bin) files.set(binName, bin);
    out.push({ id: `imageset/${id}`, target: 'imageset', entry: J, files, names, expect });
  };
  const h = () => JSON.parse(dec(src.imagesetJson)) as Record<string, unknown>;
  const edit = (id: string, f: (x: Record<string, unknown>) => void, names: string, expect: FuzzCase['expect'] = 'error') => {
    const x = h();
    f(x);
    add(id, JSON.stringify(x), src.imagesetBin, names, expect);
  };
  const L = src.imagesetJson.length;
  for (const n of [0, 1, 30, Math.floor(L / 2), L - 1]) add(`json-truncated-${n}`, truncate(src.imagesetJson, n), src.imagesetBin, J);
  for (let k = 0; k < 4; k++) add(`json-flip-${k}`, flip(src.imagesetJson, [Math.floor(r() * 200)]), src.imagesetBin, J, 'any');
  add('json-nested', nested(100_000), src.imagesetBin, J);
  const bin = src.imagesetBin;
  for (const n of [0, 1, 784, bin.length - 1]) add(`bin-truncated-${n}`, src.imagesetJson, truncate(bin, n), B);
  add('bin-padded', src.imagesetJson, concat(bin, new Uint8Array(1)), B);
  add('bin-missing', src.imagesetJson, null, B);
  add('bin-wrong-name', src.imagesetJson, bin, B, 'error', 'test2000.png');
  edit('count-huge', (x) => (x.count = 1e12), J);
  edit('dims-huge', (x) => ((x.width = 100000), (x.height = 100000)), J);
  edit('channels-5', (x) => (x.channels = 5), J);
  edit('labels-short', (x) => (x.labels = (x.labels as number[]).slice(1)), J);
  edit('version-9', (x) => (x.version = 9), J);
  edit('data-escapes', (x) => (x.data = '../../etc/passwd'), J);
  edit('format-wrong', (x) => (x.format = 'idx'), J);
  return out;
}

/** Every case, in a fixed order (seeded). */
export function fuzzCases(src: FuzzSources, seed = 9): FuzzCase[] {
  const r = rng(seed);
  return [...modelCases(src, r), ...imageCases(src, r), ...bundleCases(src, r), ...imagesetCases(src, r)];
}
