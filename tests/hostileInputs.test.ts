/**
 * Hostile and broken inputs (issue 9): at least 200 mutations of the shipped model files, images,
 * image sets and analysis bundles go through the same entry points the CLI and the worker use.
 * Every case must end within a time limit either in a clean load or in a CodecError whose one-line
 * message names the file; nothing may throw anything else (a TypeError, a RangeError, a tfjs
 * stack), leak tensors, or disturb a model loaded before the fuzzing.
 *
 * The odd images in tests/fixtures/hostile/ (CMYK and progressive JPEG, APNG, GIF, 16-bit and
 * palette PNG, BMP, TIFF, 1x1) were written once with Pillow (python3-pil).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundleFiles, readBundleFromDisk } from '../src/cli/bundleFiles';
import { decodeImage } from '../src/cli/decodeImage';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { readBundle } from '../src/core/bundle/reader';
import { zipFiles } from '../src/core/bundle/zip';
import { checkImageSetData, parseImageSetHeader } from '../src/core/data/imageset';
import { CodecError } from '../src/core/errors';
import { loadHookableModel, type LoadedHookable } from '../src/core/model/graphModel';
import { rng } from '../src/core/util/rng';

const MODEL_DIR = 'public/demo/models/fashion-cnn';
const BUNDLE_DIR = 'public/demo/bundles/fashion-cnn';
const HOSTILE = 'tests/fixtures/hostile';
const CASE_LIMIT_MS = 15_000;

interface Case {
  name: string;
  /** The file the message must name. */
  file: string;
  run: () => Promise<unknown>;
  /** 'error': must be refused; 'any': a clean load or a clean refusal are both fine. */
  expect: 'error' | 'any';
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const random = rng(2026);
const pick = (n: number) => Math.floor(random() * n);

const modelJson = readFileSync(`${MODEL_DIR}/model.json`);
const shard = readFileSync(`${MODEL_DIR}/group1-shard1of1.bin`);
const model = JSON.parse(dec.decode(modelJson)) as { weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[]; modelTopology: unknown; format?: string };

function modelFiles(json: Uint8Array | string | object, bin: Uint8Array | null = shard, binName = 'group1-shard1of1.bin'): Map<string, Uint8Array> {
  const j = typeof json === 'string' ? enc.encode(json) : json instanceof Uint8Array ? json : enc.encode(JSON.stringify(json));
  const m = new Map<string, Uint8Array>([['model.json', j]]);
  if (bin) m.set(binName, bin);
  return m;
}

async function loadAndDispose(files: Map<string, Uint8Array>, name = 'model.json'): Promise<void> {
  const l: LoadedHookable = await loadHookableModel(files, name);
  // A model that loads must also run: one forward pass on a zero image.
  const x = tf.zeros([1, 28, 28, 1]);
  try {
    tf.tidy(() => void l.exec.predict(x));
  } finally {
    x.dispose();
    l.dispose();
  }
}

/** A deep copy of model.json with `edit` applied. */
function editModel(edit: (m: typeof model) => void): object {
  const m = structuredClone(model);
  edit(m);
  return m;
}

function flip(b: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(b);
  for (let i = 0; i < n; i++) out[pick(out.length)] ^= 1 << pick(8);
  return out;
}

function modelCases(): Case[] {
  const cases: Case[] = [];
  const m = (name: string, files: Map<string, Uint8Array>, file: string, expectErr: 'error' | 'any' = 'error', jsonName = 'model.json') =>
    cases.push({ name: `model: ${name}`, file, expect: expectErr, run: () => loadAndDispose(files, jsonName) });
  const w0 = model.weightsManifest[0].weights;
  // Truncated model.json at 20 points; truncated and padded shards.
  for (let i = 1; i <= 20; i++) m(`model.json truncated to ${i * 5}%`, modelFiles(modelJson.subarray(0, Math.floor((modelJson.length * i * 5) / 100) - 1)), 'model.json');
  for (const f of [0, 0.1, 0.5, 0.9, 0.999]) m(`shard truncated to ${f * 100}%`, modelFiles(modelJson, shard.subarray(0, Math.floor(shard.length * f))), 'group1-shard1of1.bin');
  m('shard with 4 extra bytes', modelFiles(modelJson, new Uint8Array([...shard, 0, 0, 0, 0])), 'group1-shard1of1.bin');
  m('shard missing', modelFiles(modelJson, null), 'group1-shard1of1.bin');
  m('zero-byte model.json', modelFiles(new Uint8Array()), 'model.json');
  m('model.json missing', new Map([['group1-shard1of1.bin', shard]]), 'model.json');
  m('model.json is a PNG', modelFiles(readFileSync(`${HOSTILE}/one.png`)), 'model.json');
  m('model.json is UTF-16', modelFiles(new Uint8Array(Buffer.from(dec.decode(modelJson), 'utf16le'))), 'model.json');
  m('model.json is a JSON array', modelFiles('[1,2,3]'), 'model.json');
  m('model.json is null', modelFiles('null'), 'model.json');
  m('model.json is a number', modelFiles('42'), 'model.json');
  m('model.json named model.txt', new Map([['model.txt', modelJson], ['group1-shard1of1.bin', shard]]), 'model.txt', 'any', 'model.txt');
  // Flipped bytes in model.json (most break the JSON or a name; some may still load).
  for (let i = 0; i < 30; i++) {
    const bytes = flip(modelJson, 1 + (i % 3));
    if (process.env.FUZZ_DUMP === String(i)) writeFileSync('/tmp/fuzzcase.json', bytes);
    m(`model.json with ${1 + (i % 3)} flipped bytes #${i}`, modelFiles(bytes), 'model.json', 'any');
  }
  // Flipped bytes in the shard: still a model (weights differ), or NaN/Inf weights refused.
  for (let i = 0; i < 10; i++) m(`shard with flipped bytes #${i}`, modelFiles(modelJson, flip(shard, 8)), 'model.json', 'any');
  // NaN and Inf weights.
  for (const [label, v] of [['NaN', NaN], ['Inf', Infinity], ['-Inf', -Infinity]] as const) {
    for (const at of [0, 1000, shard.length / 4 - 1]) {
      const bad = new Float32Array(shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength));
      bad[at] = v;
      m(`${label} weight at float ${at}`, modelFiles(modelJson, new Uint8Array(bad.buffer)), 'model.json');
    }
  }
  // Weights manifest: dtypes, shapes, names, paths.
  for (const dtype of ['float64', 'int8', 'complex64', 'string', 'bool', '', 'float16']) {
    m(`weight dtype ${dtype || '(empty)'}`, modelFiles(editModel((x) => (x.weightsManifest[0].weights[0].dtype = dtype))), 'any-file', 'error');
  }
  const shapes: unknown[] = [[], [3, 3, 1], [3, 3, 1, 16, 1], [-3, 3, 1, 16], [0, 3, 1, 16], [1e9, 1e9, 1, 16], [3.5, 3, 1, 16], ['3', 3, 1, 16], null, 'big', [2 ** 31, 1, 1, 1], [Number.MAX_SAFE_INTEGER, 1]];
  for (const s of shapes) m(`weight shape ${JSON.stringify(s)}`, modelFiles(editModel((x) => ((x.weightsManifest[0].weights[0] as { shape: unknown }).shape = s))), 'any-file');
  m('weight renamed', modelFiles(editModel((x) => (x.weightsManifest[0].weights[0].name = 'nosuch/kernel'))), 'model.json');
  m('weight removed', modelFiles(editModel((x) => x.weightsManifest[0].weights.splice(0, 1))), 'any-file');
  m('weight duplicated', modelFiles(editModel((x) => x.weightsManifest[0].weights.push(x.weightsManifest[0].weights[0]))), 'any-file');
  // Same names and total size: tfjs reads the bytes in the new order (wrong values, not detectable).
  m('weights reordered', modelFiles(editModel((x) => x.weightsManifest[0].weights.reverse())), 'any-file', 'any');
  m('weightsManifest missing', modelFiles(editModel((x) => delete (x as { weightsManifest?: unknown }).weightsManifest)), 'model.json');
  m('weightsManifest is an object', modelFiles(editModel((x) => ((x as { weightsManifest: unknown }).weightsManifest = { paths: [] }))), 'model.json');
  m('weightsManifest paths is a string', modelFiles(editModel((x) => ((x.weightsManifest[0] as { paths: unknown }).paths = 'group1-shard1of1.bin'))), 'model.json');
  m('weights is null', modelFiles(editModel((x) => ((x.weightsManifest[0] as { weights: unknown }).weights = null))), 'model.json');
  m('shard path leaves the folder', modelFiles(editModel((x) => (x.weightsManifest[0].paths = ['../../etc/passwd']))), 'passwd');
  m('shard path names another shard', modelFiles(editModel((x) => (x.weightsManifest[0].paths = ['group9-shard1of1.bin']))), 'group9-shard1of1.bin');
  m('quantization with an unknown dtype', modelFiles(editModel((x) => ((x.weightsManifest[0].weights[0] as { quantization?: unknown }).quantization = { dtype: 'uint4', scale: 1, min: 0 }))), 'any-file');
  // Topology.
  m('modelTopology missing', modelFiles(editModel((x) => delete (x as { modelTopology?: unknown }).modelTopology)), 'model.json');
  m('modelTopology is a string', modelFiles(editModel((x) => (x.modelTopology = 'Sequential'))), 'model.json');
  m('modelTopology is null', modelFiles(editModel((x) => (x.modelTopology = null))), 'model.json');
  m('format graph-model on a layers model', modelFiles(editModel((x) => (x.format = 'graph-model'))), 'model.json');
  m('format unknown', modelFiles(editModel((x) => (x.format = 'onnx'))), 'model.json', 'any');
  const topo = JSON.stringify(model.modelTopology);
  m('an unknown layer class', modelFiles(editModel((x) => (x.modelTopology = JSON.parse(topo.replace('"class_name":"Conv2D"', '"class_name":"FancyConv"'))))), 'model.json');
  m('a Lambda layer', modelFiles(editModel((x) => (x.modelTopology = JSON.parse(topo.replace('"class_name":"Conv2D"', '"class_name":"Lambda"'))))), 'model.json');
  m('an input shape of 1e9', modelFiles(editModel((x) => (x.modelTopology = JSON.parse(topo.replace(/\[null,28,28,1\]/g, '[null,1000000000,1000000000,1]'))))), 'model.json');
  m('an inbound node to a missing layer', modelFiles(editModel((x) => (x.modelTopology = JSON.parse(topo.replace(/"inbound_nodes":\[\[\["([\w]+)"/, '"inbound_nodes":[[["nosuchlayer"'))))), 'model.json');
  m('a cycle between layers', modelFiles(editModel((x) => (x.modelTopology = JSON.parse(topo.replace('"inbound_nodes":[[["image",0,0,{}]]]', '"inbound_nodes":[[["conv2",0,0,{}]]]'))))), 'model.json');
  // Deeply nested JSON (a stack overflow must become a message) and a huge string.
  for (const depth of [1000, 100_000]) m(`topology nested ${depth} deep`, modelFiles(`{"format":"layers-model","modelTopology":${'['.repeat(depth)}${']'.repeat(depth)},"weightsManifest":[]}`), 'model.json');
  m('config nested 5000 deep', modelFiles(dec.decode(modelJson).replace('"config":{', `"config":{"deep":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)},`)), 'model.json', 'any');
  m('a 20 MB name', modelFiles(editModel((x) => (x.weightsManifest[0].weights[0].name = 'x'.repeat(20_000_000)))), 'model.json');
  void w0;
  return cases;
}

function pngBytes(width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  png.data.fill(128);
  return new Uint8Array(PNG.sync.write(png));
}

/** A PNG whose header declares width x height (the rest is a valid small image's data). */
function pngDeclaring(width: number, height: number): Uint8Array {
  const b = new Uint8Array(pngBytes(4, 4));
  const v = new DataView(b.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  return b;
}

function imageCases(): Case[] {
  const cases: Case[] = [];
  const im = (name: string, bytes: Uint8Array, file: string, expectErr: 'error' | 'any' = 'error') =>
    cases.push({
      name: `image: ${name}`,
      file,
      expect: expectErr,
      run: async () => {
        const p = decodeImage(bytes, file);
        expect(p.data.length).toBe(p.width * p.height * 4);
      },
    });
  const good = pngBytes(28, 28);
  const jpg = readFileSync(`${HOSTILE}/progressive.jpg`);
  im('zero bytes', new Uint8Array(), 'empty.png');
  im('text named .png', enc.encode('hello, I am not an image'), 'note.png');
  im('JSON named .jpg', modelJson, 'model.jpg');
  im('10000x10000 declared PNG', pngDeclaring(10_000, 10_000), 'huge.png');
  im('100000x1 declared PNG', pngDeclaring(100_000, 1000), 'wide.png');
  im('0x0 declared PNG', pngDeclaring(0, 0), 'zero.png');
  im('2^31 declared PNG', pngDeclaring(2 ** 31, 2 ** 31), 'overflow.png');
  for (let i = 1; i <= 12; i++) im(`PNG truncated at ${i * 8} bytes`, good.subarray(0, i * 8), `cut${i}.png`);
  for (let i = 1; i <= 8; i++) im(`JPEG truncated at ${Math.round((i / 9) * 100)}%`, jpg.subarray(0, Math.floor((jpg.length * i) / 9)), `cut${i}.jpg`, 'any');
  for (let i = 0; i < 15; i++) im(`PNG with flipped bytes #${i}`, flip(good, 1 + (i % 4)), `flip${i}.png`, 'any');
  for (let i = 0; i < 10; i++) im(`JPEG with flipped bytes #${i}`, flip(jpg, 1 + (i % 4)), `flip${i}.jpg`, 'any');
  // Valid but unusual: these decode (an animated PNG gives its first frame).
  for (const f of ['cmyk.jpg', 'progressive.jpg', 'gray.jpg', 'animated.png', 'gray16.png', 'palette.png', 'one.png']) im(f, readFileSync(`${HOSTILE}/${f}`), f, 'any');
  // Formats the decoder does not read: a clear refusal.
  for (const f of ['animated.gif', 'image.bmp', 'image.tiff']) im(f, readFileSync(`${HOSTILE}/${f}`), f);
  im('GIF renamed .png', readFileSync(`${HOSTILE}/animated.gif`), 'renamed.png');
  return cases;
}

function imageSetCases(): Case[] {
  const cases: Case[] = [];
  const header = { format: 'codec-imageset', version: 1, count: 4, height: 28, width: 28, channels: 1, data: 'set.bin', labels: [0, 1, 2, 3] };
  const bytes = new Uint8Array(4 * 784);
  const s = (name: string, text: string, bin: Uint8Array, expectErr: 'error' | 'any' = 'error', file = 'set.json') =>
    cases.push({ name: `imageset: ${name}`, file, expect: expectErr, run: async () => checkImageSetData(parseImageSetHeader(text, 'set.json'), bin) });
  s('valid', JSON.stringify(header), bytes, 'any');
  s('binary one byte short', JSON.stringify(header), bytes.subarray(1), 'error', 'set.bin');
  s('binary empty', JSON.stringify(header), new Uint8Array(), 'error', 'set.bin');
  s('count 1e12', JSON.stringify({ ...header, count: 1e12 }), bytes);
  s('count negative', JSON.stringify({ ...header, count: -4 }), bytes);
  s('height 10000 width 10000', JSON.stringify({ ...header, height: 10_000, width: 10_000 }), bytes, 'error', 'set.bin');
  s('channels 5', JSON.stringify({ ...header, channels: 5 }), bytes);
  s('labels too few', JSON.stringify({ ...header, labels: [0] }), bytes);
  s('labels not integers', JSON.stringify({ ...header, labels: ['a', 'b', 'c', 'd'] }), bytes);
  s('data path leaves the folder', JSON.stringify({ ...header, data: '../../secret.bin' }), bytes);
  s('truncated header', JSON.stringify(header).slice(0, 30), bytes);
  s('header is an array', '[]', bytes);
  s('nested 100000 deep', '['.repeat(100_000) + ']'.repeat(100_000), bytes);
  s('wrong format', JSON.stringify({ ...header, format: 'something' }), bytes);
  s('version 99', JSON.stringify({ ...header, version: 99 }), bytes);
  return cases;
}

async function bundleCases(): Promise<Case[]> {
  const files = await readBundleFiles(BUNDLE_DIR);
  const manifest = JSON.parse(dec.decode(files.get('manifest.json')!)) as Record<string, unknown> & { layers: { arrays: Record<string, { file: string; shape: number[]; dtype: string }> }[] };
  const cases: Case[] = [];
  const withFiles = (edit: (m: Map<string, Uint8Array>) => void) => {
    const m = new Map(files);
    edit(m);
    return m;
  };
  const withManifest = (edit: (m: typeof manifest) => void) =>
    withFiles((f) => {
      const m = structuredClone(manifest);
      edit(m);
      f.set('manifest.json', enc.encode(JSON.stringify(m)));
    });
  const b = (name: string, map: Map<string, Uint8Array>, file: string, expectErr: 'error' | 'any' = 'error') =>
    cases.push({
      name: `bundle: ${name}`,
      file,
      expect: expectErr,
      run: async () => {
        const bundle = await readBundle(map);
        // Read every array, so size and structure checks all run.
        for (const l of bundle.manifest.layers) {
          for (const ref of Object.values(l.arrays)) await bundle.getArray(ref);
          for (const s of Object.values(l.sae ?? {})) {
            await bundle.getArray(s.arrays.atoms);
            await bundle.getCsr(s.arrays.codes);
          }
        }
      },
    });
  const mj = files.get('manifest.json')!;
  for (let i = 1; i <= 10; i++) b(`manifest truncated to ${i * 9}%`, withFiles((f) => f.set('manifest.json', mj.subarray(0, Math.floor((mj.length * i * 9) / 100)))), 'manifest.json');
  b('manifest missing', withFiles((f) => f.delete('manifest.json')), 'manifest.json');
  b('manifest empty', withFiles((f) => f.set('manifest.json', new Uint8Array())), 'manifest.json');
  b('version 99', withManifest((m) => (m.version = 99)), 'manifest.json');
  b('version missing', withManifest((m) => delete m.version), 'manifest.json');
  b('format wrong', withManifest((m) => (m.format = 'zip')), 'manifest.json');
  b('layers not an array', withManifest((m) => ((m as { layers: unknown }).layers = {})), 'manifest.json');
  b('nested 100000 deep', withFiles((f) => f.set('manifest.json', enc.encode('['.repeat(100_000) + ']'.repeat(100_000)))), 'manifest.json');
  const firstArrays = Object.entries(manifest.layers[0].arrays);
  for (const [key, ref] of firstArrays) {
    b(`${key} truncated`, withFiles((f) => f.set(ref.file, f.get(ref.file)!.subarray(0, 7))), ref.file);
    b(`${key} missing`, withFiles((f) => f.delete(ref.file)), ref.file);
    b(`${key} shape disagrees with its size`, withManifest((m) => (m.layers[0].arrays[key].shape = [ref.shape[0] + 1, ...ref.shape.slice(1)])), ref.file);
    b(`${key} huge declared shape`, withManifest((m) => (m.layers[0].arrays[key].shape = [1e9, 1e9])), ref.file);
    b(`${key} negative shape`, withManifest((m) => (m.layers[0].arrays[key].shape = [-1, ref.shape[1]])), ref.file);
    b(`${key} dtype float64`, withManifest((m) => (m.layers[0].arrays[key].dtype = 'float64')), ref.file);
    b(`${key} path leaves the bundle`, withManifest((m) => (m.layers[0].arrays[key].file = '../../../etc/passwd')), 'passwd');
    b(`${key} flipped bytes`, withFiles((f) => f.set(ref.file, flip(f.get(ref.file)!, 20))), ref.file, 'any');
  }
  // CSR codes with a broken structure.
  const sae = (manifest.layers[0] as unknown as { sae: { contributions: { arrays: { codes: { rowPtr: { file: string }; colIdx: { file: string } } } } } }).sae.contributions.arrays.codes;
  b('CSR rowptr scrambled', withFiles((f) => f.set(sae.rowPtr.file, flip(f.get(sae.rowPtr.file)!, 30))), sae.rowPtr.file);
  b('CSR col out of range', withFiles((f) => f.set(sae.colIdx.file, new Uint8Array(f.get(sae.colIdx.file)!.length).fill(0xff))), sae.colIdx.file);
  // Zipped bundles.
  const zip = zipFiles(files, { level: 1 });
  // Through the CLI's reader (a .zip file on disk), as `codec report bundle.zip` reads it.
  const tmp = mkdtempSync(path.join(tmpdir(), 'codec-fuzz-'));
  let nz = 0;
  const viaDisk = async (bytes: Uint8Array) => {
    const f = path.join(tmp, `b${nz++}`, 'bundle.zip');
    mkdirSync(path.dirname(f));
    writeFileSync(f, bytes);
    return readBundleFromDisk(f);
  };
  const z = (name: string, bytes: Uint8Array) => cases.push({ name: `bundle zip: ${name}`, file: 'bundle.zip', expect: 'error', run: () => viaDisk(bytes) });
  for (const f of [0, 0.05, 0.5, 0.95]) z(`truncated to ${f * 100}%`, zip.subarray(0, Math.floor(zip.length * f)));
  z('not a zip', enc.encode('PK but not really'));
  z('a PNG renamed .zip', readFileSync(`${HOSTILE}/one.png`));
  z('empty zip', zipFiles(new Map()));
  z('zip without manifest', zipFiles(new Map([['a.bin', new Uint8Array(4)]])));
  for (let i = 0; i < 5; i++) cases.push({ name: `bundle zip: flipped bytes #${i}`, file: 'bundle.zip', expect: 'any', run: () => viaDisk(flip(zip, 4)) });
  return cases;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`TIMEOUT: ${what} took over ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

let before: LoadedHookable;
let reference: Float32Array;
const probe = () => tf.tidy(() => tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 7));

beforeAll(async () => {
  await useNodeBackend('wasm');
  // A model loaded before the fuzzing: it must give the same outputs after it.
  before = await loadHookableModel(modelFiles(modelJson));
  const x = probe();
  reference = tf.tidy(() => before.exec.predict(x).dataSync() as Float32Array);
  x.dispose();
});

afterAll(() => before?.dispose());

describe('hostile inputs', () => {
  it('at least 200 mutated models, images, image sets and bundles each end in a clean load or a clear message naming the file', async () => {
    const cases = [...modelCases(), ...imageCases(), ...imageSetCases(), ...(await bundleCases())];
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const tensors0 = tf.memory().numTensors;
    const failures: string[] = [];
    const outcomes = { loaded: 0, refused: 0 };
    for (const c of cases) {
      if (process.env.FUZZ_VERBOSE) console.error(`fuzz: ${c.name}`);
      const t0 = tf.memory().numTensors;
      try {
        await withTimeout(c.run(), CASE_LIMIT_MS, c.name);
        if (c.expect === 'error') failures.push(`${c.name}: loaded, but must be refused`);
        else outcomes.loaded++;
      } catch (e) {
        const msg = String((e as Error)?.message ?? e);
        if (!(e instanceof CodecError)) failures.push(`${c.name}: ${(e as Error)?.name}: ${msg.slice(0, 200)}`);
        else if (msg.includes('\n')) failures.push(`${c.name}: message is not one line: ${msg.slice(0, 200)}`);
        else if (c.file !== 'any-file' && !msg.includes(c.file)) failures.push(`${c.name}: message does not name ${c.file}: ${msg.slice(0, 200)}`);
        else if (c.file === 'any-file' && !/\.(json|bin)\b/.test(msg)) failures.push(`${c.name}: message names no file: ${msg.slice(0, 200)}`);
        else outcomes.refused++;
      }
      const leaked = tf.memory().numTensors - t0;
      if (leaked !== 0) failures.push(`${c.name}: ${leaked} tensors left behind`);
    }
    console.log(`fuzz: ${cases.length} cases, ${outcomes.refused} refused with a clear message, ${outcomes.loaded} loaded cleanly, ${failures.length} failures`);
    expect(failures).toEqual([]);
    // No tensors left behind by the failed loads.
    expect(tf.memory().numTensors).toBe(tensors0);
    // The model loaded before is untouched.
    const x = probe();
    const after = tf.tidy(() => before.exec.predict(x).dataSync());
    x.dispose();
    expect(Array.from(after)).toEqual(Array.from(reference));
  }, 600_000);

  it('the hostile fixtures are all here', () => {
    expect(readdirSync(HOSTILE).sort()).toEqual(['animated.gif', 'animated.png', 'cmyk.jpg', 'gray.jpg', 'gray16.png', 'image.bmp', 'image.tiff', 'one.png', 'palette.png', 'progressive.jpg']);
  });
});
