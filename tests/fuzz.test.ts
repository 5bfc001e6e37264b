/**
 * Fuzz: over 550 hostile and broken inputs (tests/fuzz/cases.ts: mutations of the shipped demo
 * model, images, bundle and image set, and the odd images in tests/fixtures/hostile/) go through
 * the entry points the CLI and the worker use: loadHookableFromDisk (model.json + shards from a
 * folder) and loadHookableModel (the dropped files' map), decodeImage + resizeImage, readBundle
 * (manifest validated against the file sizes, then every array and CSR matrix read) on the file map
 * and on a .zip on disk, and readImageSetFile or parseImageSetHeader + checkImageSetData. Each must
 * end within a time limit either loaded (where the case allows it) or in a one-line CodecError
 * naming the file; no other exception, no leaked tensors, and the model and bundle loaded before
 * the run still give the same predictions and arrays after it.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundleFromDisk } from '../src/cli/bundleFiles';
import { decodeImage } from '../src/cli/decodeImage';
import { readImageSetFile } from '../src/cli/imagesetFile';
import { loadHookableFromDisk } from '../src/cli/modelFiles';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { readBundle, type Bundle } from '../src/core/bundle/reader';
import { arrayRefs } from '../src/core/bundle/validate';
import { checkImageSetData, parseImageSetHeader } from '../src/core/data/imageset';
import { CodecError } from '../src/core/errors';
import { resizeImage } from '../src/core/image/resize';
import { loadHookableModel, type LoadedHookable } from '../src/core/model/graphModel';
import { FUZZ_TARGETS, HOSTILE_FIXTURES, fuzzCases, type FuzzCase, type FuzzSources } from './fuzz/cases';

const ROOT = path.resolve(__dirname, '..', 'public', 'demo');
const MODEL_DIR = path.join(ROOT, 'models', 'fashion-cnn');
const BUNDLE_DIR = path.join(ROOT, 'bundles', 'fashion-cnn');
const HOSTILE_DIR = path.join(__dirname, 'fixtures', 'hostile');
/** Per case; the slowest legitimate case (a full bundle read) takes well under a second. */
const CASE_LIMIT_MS = 5000;
/** The two suites folded into this one had 291 and 262 cases. */
const MIN_CASES = 291 + 262;

async function readTree(dir: string, rel = ''): Promise<[string, Uint8Array][]> {
  const out: [string, Uint8Array][] = [];
  for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await readTree(dir, r)));
    else out.push([r, new Uint8Array(await fs.readFile(path.join(dir, r)))]);
  }
  return out;
}

let tmp: string;
let sources: FuzzSources;
let cases: FuzzCase[];
let reference: LoadedHookable;
let batch: tf.Tensor4D;
let before: Float32Array;
let bundleBefore: Float32Array;
let referenceBundle: Bundle;

async function writeFiles(dir: string, files: Map<string, Uint8Array>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const [name, b] of files) await fs.writeFile(path.join(dir, name), b);
}

/** One forward pass on a zero image, then the model disposed. */
function runOnce(m: LoadedHookable): void {
  try {
    tf.tidy(() => {
      const y = m.exec.run(tf.zeros([1, 28, 28, 1])).outputs[0];
      y.dataSync();
    });
  } finally {
    m.dispose();
  }
}

/** Every array and CSR matrix of the bundle, so each size and structure check runs. */
async function readAll(b: Bundle): Promise<void> {
  for (const { ref } of arrayRefs(b.manifest)) await b.getArray(ref);
  for (const l of b.manifest.layers) {
    for (const s of Object.values(l.sae ?? {})) {
      if (!s) continue;
      await b.getCsr(s.arrays.codes);
      await b.getDense(s.arrays.codes);
    }
  }
}

/** Runs one case through its entry point; resolves when it loaded, rejects with its error. */
async function run(c: FuzzCase, dir: string): Promise<void> {
  switch (c.target) {
    case 'model':
      await writeFiles(dir, c.files);
      return runOnce(await loadHookableFromDisk(path.join(dir, c.entry)));
    case 'model-files':
      return runOnce(await loadHookableModel(c.files, c.entry));
    case 'image': {
      const img = decodeImage(c.files.get(c.entry)!, c.entry);
      if (img.data.length !== img.width * img.height * 4) throw new Error(`${c.id}: decoded ${img.data.length} bytes for ${img.width} x ${img.height} RGBA`);
      resizeImage(img, { width: 28, height: 28, channels: 1 });
      return;
    }
    case 'bundle':
      return readAll(await readBundle(c.files));
    case 'bundle-zip':
      await writeFiles(dir, c.files);
      return readAll(await readBundleFromDisk(path.join(dir, c.entry)));
    case 'imageset':
      await writeFiles(dir, c.files);
      await readImageSetFile(path.join(dir, c.entry));
      return;
    case 'imageset-files': {
      // As the worker pairs dropped files: the binary is the file the header names.
      const header = parseImageSetHeader(new TextDecoder().decode(c.files.get(c.entry)!), c.entry);
      const binName = header.data.split('/').pop()!;
      const bin = c.files.get(binName);
      if (!bin) throw new Error(`${c.id}: the case has no ${binName}`);
      checkImageSetData(header, bin, binName);
      return;
    }
  }
}

function withLimit<T>(p: Promise<T>, ms: number, id: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error(`${id}: over the time limit of ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

/** A digest of what a case feeds its entry point (target, entry, every file name and byte). */
function inputDigest(c: FuzzCase, memo: WeakMap<Uint8Array, string>): string {
  const h = createHash('sha256').update(`${c.target}\0${c.entry}\0`);
  for (const [name, b] of [...c.files].sort(([a], [z]) => (a < z ? -1 : 1))) {
    let d = memo.get(b);
    if (d === undefined) memo.set(b, (d = createHash('sha256').update(b).digest('hex')));
    h.update(`${name}\0${d}\0`);
  }
  return h.digest('hex');
}

beforeAll(async () => {
  await useNodeBackend('wasm');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'codec-fuzz-'));
  const bundle = new Map(await readTree(BUNDLE_DIR));
  sources = {
    modelJson: new Uint8Array(await fs.readFile(path.join(MODEL_DIR, 'model.json'))),
    shard: new Uint8Array(await fs.readFile(path.join(MODEL_DIR, 'group1-shard1of1.bin'))),
    bundle,
    imagesetJson: new Uint8Array(await fs.readFile(path.join(ROOT, 'fashion', 'test2000.json'))),
    imagesetBin: new Uint8Array(await fs.readFile(path.join(ROOT, 'fashion', 'test2000.bin'))),
    fixtures: new Map(await readTree(HOSTILE_DIR)),
  };
  cases = fuzzCases(sources);
  reference = await loadHookableFromDisk(path.join(MODEL_DIR, 'model.json'));
  batch = tf.tidy(() => tf.tensor4d(sources.imagesetBin.subarray(0, 16 * 784), [16, 28, 28, 1], 'float32').div(255) as tf.Tensor4D);
  before = tf.tidy(() => reference.exec.run(batch).outputs[0]).dataSync() as Float32Array;
  referenceBundle = await readBundle(bundle);
  bundleBefore = (await referenceBundle.getArray(referenceBundle.manifest.outputs.F)) as Float32Array;
}, 60_000);

afterAll(async () => {
  reference?.dispose();
  batch?.dispose();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('fuzz: hostile and broken files', () => {
  it('the hostile fixtures are all here', async () => {
    expect((await fs.readdir(HOSTILE_DIR)).sort()).toEqual(HOSTILE_FIXTURES);
  });

  it(`makes at least ${MIN_CASES} cases, of every kind, each id and each input once`, () => {
    if (process.env.FUZZ_SUMMARY) console.error(`fuzz: ${cases.length} cases: ${FUZZ_TARGETS.map((t) => `${t} ${cases.filter((c) => c.target === t).length}`).join(', ')}`);
    expect(cases.length).toBeGreaterThanOrEqual(MIN_CASES);
    expect([...new Set(cases.map((c) => c.target))].sort()).toEqual([...FUZZ_TARGETS].sort());
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    const memo = new WeakMap<Uint8Array, string>();
    const seen = new Map<string, string>();
    const same: string[] = [];
    for (const c of cases) {
      const d = inputDigest(c, memo);
      if (seen.has(d)) same.push(`${c.id} = ${seen.get(d)}`);
      else seen.set(d, c.id);
    }
    expect(same).toEqual([]);
  });

  it('every case loads (where allowed) or ends in one clear line naming the file, in time, leaking nothing', async () => {
    const tensors = tf.memory().numTensors;
    const problems: string[] = [];
    let errors = 0;
    let slowest = { id: '', ms: 0 };
    for (const [i, c] of cases.entries()) {
      const dir = path.join(tmp, String(i));
      let err: unknown = null;
      const t0 = tf.memory().numTensors;
      const start = performance.now();
      try {
        await withLimit(run(c, dir), CASE_LIMIT_MS, c.id);
      } catch (e) {
        err = e;
      }
      const ms = performance.now() - start;
      if (ms > slowest.ms) slowest = { id: c.id, ms };
      if (tf.memory().numTensors !== t0) problems.push(`${c.id}: leaked ${tf.memory().numTensors - t0} tensors`);
      await fs.rm(dir, { recursive: true, force: true });
      if (err === null) {
        if (c.expect === 'error') problems.push(`${c.id}: loaded, but should have been refused`);
        continue;
      }
      errors++;
      const msg = (err as Error)?.message ?? String(err);
      if (!(err instanceof CodecError)) problems.push(`${c.id}: not a CodecError: ${(err as Error)?.name}: ${msg.slice(0, 300)}`);
      else if (c.expect === 'ok') problems.push(`${c.id}: should load, but: ${msg}`);
      else if (msg.includes('\n')) problems.push(`${c.id}: message is more than one line: ${msg.slice(0, 300)}`);
      else if (!msg.includes(c.names)) problems.push(`${c.id}: message does not name ${c.names}: ${msg.slice(0, 300)}`);
    }
    if (process.env.FUZZ_SUMMARY) console.error(`fuzz: ${cases.length} cases, ${errors} refused, ${cases.length - errors} loaded, ${problems.length} problems; slowest ${slowest.id} ${Math.round(slowest.ms)} ms`);
    expect(problems).toEqual([]);
    expect(errors).toBeGreaterThan(450);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 300_000);

  it('the model and bundle loaded before the fuzz run give the same results after it', async () => {
    const after = tf.tidy(() => reference.exec.run(batch).outputs[0]).dataSync();
    expect(Array.from(after)).toEqual(Array.from(before));
    // Against the bundle's own record of the same images' target logit F (the model made it).
    const F = await referenceBundle.getArray(referenceBundle.manifest.outputs.F);
    expect(F).toBe(bundleBefore);
    expect(Array.from(F.slice(0, 16))).toEqual(Array.from(bundleBefore.slice(0, 16)));
  });
});
