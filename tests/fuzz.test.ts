/**
 * Fuzz: over 200 hostile and broken inputs (tests/fuzz/cases.ts, mutations of the shipped demo
 * model, images, bundle and image set) go through the entry points the CLI and the worker use:
 * loadHookableFromDisk (model.json + shards from a folder), decodeImage + resizeImage, readBundle
 * (manifest validated against the file sizes, then every array and CSR matrix read), and
 * readImageSetFile. Each must end within a time limit either loaded (where the case allows it) or
 * in a one-line CodecError naming the file; no other exception, no leaked tensors, and the model
 * and bundle loaded before the run still give the same predictions and arrays after it.
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../src/cli/decodeImage';
import { readImageSetFile } from '../src/cli/imagesetFile';
import { loadHookableFromDisk } from '../src/cli/modelFiles';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { readBundle } from '../src/core/bundle/reader';
import { arrayRefs } from '../src/core/bundle/validate';
import { CodecError } from '../src/core/errors';
import { resizeImage } from '../src/core/image/resize';
import type { LoadedHookable } from '../src/core/model/graphModel';
import { fuzzCases, type FuzzCase, type FuzzSources } from './fuzz/cases';

const ROOT = path.resolve(__dirname, '..', 'public', 'demo');
const MODEL_DIR = path.join(ROOT, 'models', 'fashion-cnn');
const BUNDLE_DIR = path.join(ROOT, 'bundles', 'fashion-cnn');
/** Per case; the slowest legitimate case (a full bundle read) takes well under a second. */
const CASE_LIMIT_MS = 5000;

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
let referenceBundle: Awaited<ReturnType<typeof readBundle>>;

async function writeFiles(dir: string, files: Map<string, Uint8Array>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const [name, b] of files) await fs.writeFile(path.join(dir, name), b);
}

/** Runs one case through its entry point; resolves when it loaded, rejects with its error. */
async function run(c: FuzzCase, dir: string): Promise<void> {
  switch (c.target) {
    case 'model': {
      await writeFiles(dir, c.files);
      const m = await loadHookableFromDisk(path.join(dir, c.entry));
      try {
        tf.tidy(() => {
          const y = m.exec.run(tf.zeros([1, 28, 28, 1])).outputs[0];
          y.dataSync();
        });
      } finally {
        m.dispose();
      }
      return;
    }
    case 'image': {
      const img = decodeImage(c.files.get(c.entry)!, c.entry);
      resizeImage(img, { width: 28, height: 28, channels: 1 });
      return;
    }
    case 'bundle': {
      const b = await readBundle(c.files);
      for (const { ref } of arrayRefs(b.manifest)) await b.getArray(ref);
      for (const l of b.manifest.layers) for (const s of Object.values(l.sae ?? {})) if (s) await b.getDense(s.arrays.codes);
      return;
    }
    case 'imageset': {
      await writeFiles(dir, c.files);
      await readImageSetFile(path.join(dir, c.entry));
      return;
    }
  }
}

function withLimit<T>(p: Promise<T>, ms: number, id: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error(`${id}: over the time limit of ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
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
  it('makes at least 200 cases, of every kind', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const kinds = new Set(cases.map((c) => c.target));
    expect([...kinds].sort()).toEqual(['bundle', 'image', 'imageset', 'model']);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('every case loads (where allowed) or ends in one clear line naming the file, in time, leaking nothing', async () => {
    const tensors = tf.memory().numTensors;
    const problems: string[] = [];
    let errors = 0;
    for (const [i, c] of cases.entries()) {
      const dir = path.join(tmp, String(i));
      let err: unknown = null;
      const t0 = tf.memory().numTensors;
      try {
        await withLimit(run(c, dir), CASE_LIMIT_MS, c.id);
      } catch (e) {
        err = e;
      }
      if (tf.memory().numTensors !== t0) problems.push(`${c.id}: leaked ${tf.memory().numTensors - t0} tensors`);
      if (err === null) {
        if (c.expect === 'error') problems.push(`${c.id}: loaded, but should have been refused`);
        continue;
      }
      errors++;
      const msg = (err as Error)?.message ?? String(err);
      if (!(err instanceof CodecError)) problems.push(`${c.id}: not a CodecError: ${(err as Error)?.name}: ${msg.slice(0, 300)}`);
      else if (c.expect === 'ok') problems.push(`${c.id}: should load, but: ${msg}`);
      else if (msg.includes('\n')) problems.push(`${c.id}: message is more than one line: ${msg.slice(0, 300)}`);
      else if (!msg.includes(c.names)) problems.push(`${c.id}: message does not name ${c.names}: ${msg}`);
      await fs.rm(dir, { recursive: true, force: true });
    }
    if (process.env.FUZZ_SUMMARY) console.error(`fuzz: ${cases.length} cases, ${errors} refused, ${cases.length - errors} loaded, ${problems.length} problems`);
    expect(problems).toEqual([]);
    expect(errors).toBeGreaterThan(150);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 120_000);

  it('the model and bundle loaded before the fuzz run give the same results after it', async () => {
    const after = tf.tidy(() => reference.exec.run(batch).outputs[0]).dataSync();
    expect(Array.from(after)).toEqual(Array.from(before));
    // Against the bundle's own record of the same images' target logit F (the model made it).
    const F = await referenceBundle.getArray(referenceBundle.manifest.outputs.F);
    expect(F).toBe(bundleBefore);
    expect(Array.from(F.slice(0, 16))).toEqual(Array.from(bundleBefore.slice(0, 16)));
  });
});
