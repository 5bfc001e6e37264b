/**
 * The shipped demo bundle against a fresh recomputation: the first 20 images' contributions and
 * activations recomputed by the engine from the shipped model and images equal the bundle's
 * arrays (within 1e-3 of each layer's scale), and every array's size matches its manifest entry
 * (readBundle validates them all).
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBundleFromDisk } from '../src/cli/bundleFiles';
import { loadInputSet } from '../src/cli/inputs';
import { loadHookableFromDisk } from '../src/cli/modelFiles';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { attribute } from '../src/core/attribution/attribute';
import { batchTensor } from '../src/core/pipeline/imageBatch';

const DIR = 'public/demo/bundles/fashion-cnn';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe.skipIf(!existsSync(`${DIR}/manifest.json`))('shipped demo bundle', () => {
  it.each(['fashion-cnn', 'fashion-resnet'])('%s bundle points at its shipped model (same sha256) and image set', async (name) => {
    const dir = `public/demo/bundles/${name}`;
    const m = (await readBundleFromDisk(dir)).manifest;
    const modelJson = path.join(dir, m.model.path);
    expect(path.resolve(modelJson)).toBe(path.resolve(`public/demo/models/${name}/model.json`));
    const model = JSON.parse(readFileSync(modelJson, 'utf8')) as { weightsManifest: { paths: string[] }[] };
    const h = createHash('sha256').update(readFileSync(modelJson));
    for (const g of model.weightsManifest) for (const p of g.paths) h.update(readFileSync(path.join(path.dirname(modelJson), p)));
    expect(h.digest('hex'), 'the bundle was made from the shipped weights').toBe(m.model.sha256);
    expect(path.resolve(path.join(dir, m.imagesSource!))).toBe(path.resolve('public/demo/fashion/test2000.json'));
  });

  it('fashion-cnn bundle equals a fresh recomputation on its first 20 images', async () => {
    const bundle = await readBundleFromDisk(DIR);
    const m = bundle.manifest;
    const { exec } = await loadHookableFromDisk('public/demo/models/fashion-cnn/model.json');
    const set = await loadInputSet('public/demo/fashion/test2000.json', m.preprocessing, { limit: 20 });
    expect(set.names).toEqual(m.images.slice(0, 20));
    const x = batchTensor(set, 0, 20);
    const res = await attribute(exec, x, { method: 'conductance', layers: m.layers.map((l) => l.name), steps: m.settings.steps, target: { kind: 'logit' } });
    x.dispose();
    for (const l of m.layers) {
      const r = res.layers.get(l.name)!;
      for (const [kind, fresh] of [['contrib_net', r.net], ['act_net', r.actNet]] as const) {
        const stored = (await bundle.getArray(l.arrays[kind])) as Float32Array;
        const scale = Math.max(...Array.from(fresh, Math.abs));
        for (let i = 0; i < fresh.length; i++) expect(Math.abs(stored[i] - fresh[i]), `${l.name} ${kind} [${i}]`).toBeLessThan(1e-3 * scale + 1e-6);
      }
    }
    const F = (await bundle.getArray(m.outputs.F)) as Float32Array;
    for (let i = 0; i < 20; i++) expect(F[i]).toBeCloseTo(res.F[i], 3);
    expect(tf.memory().numTensors).toBeLessThan(200);
  });
});
