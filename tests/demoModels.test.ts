/**
 * The shipped demo models (public/demo/models/<name>/, from `npm run train:demo`) against their
 * cards: each reproduces its card's subsetAccuracy on the shipped 2,000 test images within 1 point,
 * through the disk loader and the engine's own preprocessing; its analyzed layers exist; its weights
 * stay under 2 MB. A model not trained yet is skipped with a message saying how to make it.
 * DEMO_MODELS_DIR=<folder> checks models elsewhere (e.g. a fresh `train:demo -- --out` before
 * they replace the shipped ones).
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromDir } from '../src/cli/fileIO';
import { readImageSetFile } from '../src/cli/imagesetFile';
import { useNodeBackend } from '../src/cli/nodeBackend';
import type { Preprocessing } from '../src/core/bundle/manifest';
import { toModelInput } from '../src/core/image/preprocess';

const ROOT = path.resolve(__dirname, '..');
const SUBSET = path.join(ROOT, 'public/demo/fashion/test2000.json');

interface Card {
  name: string;
  inputShape: number[];
  preprocessing: Preprocessing;
  classNames: string[];
  testAccuracy: number;
  subsetAccuracy: number;
  layers: { name: string; isCut: boolean }[];
}

beforeAll(async () => {
  await useNodeBackend('wasm');
});

for (const name of ['fashion-cnn', 'fashion-resnet']) {
  const dir = path.join(process.env.DEMO_MODELS_DIR ? path.resolve(process.env.DEMO_MODELS_DIR) : path.join(ROOT, 'public/demo/models'), name);
  const present = existsSync(path.join(dir, 'model.json')) && existsSync(path.join(dir, 'card.json'));
  if (!present) console.warn(`tests/demoModels: skipping ${name}: ${dir}/model.json or card.json is missing (run npm run train:demo -- --model ${name}).`);

  describe.skipIf(!present)(`demo model ${name}`, () => {
    it(`${name} reproduces its card's subsetAccuracy on the shipped 2,000 images within 1 point`, async () => {
      const card = JSON.parse(readFileSync(path.join(dir, 'card.json'), 'utf8')) as Card;
      const model = await loadModelFromDir(dir);
      const set = await readImageSetFile(SUBSET);
      const { count, height, width, channels, labels } = set.header;
      expect(labels?.length).toBe(count);
      expect(card.classNames).toEqual(set.header.classNames);
      const per = height * width * channels;
      const pre = card.preprocessing;
      const size = pre.height * pre.width * pre.channels;
      const x = new Float32Array(count * size);
      for (let i = 0; i < count; i++) toModelInput({ data: set.pixels.subarray(i * per, (i + 1) * per), height, width, channels: channels as 1 | 3 }, pre, x, i * size);
      const pred = tf.tidy(() => {
        const out: number[] = [];
        for (let s = 0; s < count; s += 250) {
          const n = Math.min(250, count - s);
          const xb = tf.tensor4d(x.subarray(s * size, (s + n) * size), [n, pre.height, pre.width, pre.channels]);
          out.push(...(tf.argMax(model.predict(xb) as tf.Tensor, 1).dataSync() as Int32Array));
        }
        return out;
      });
      const acc = pred.filter((p, i) => p === labels![i]).length / count;
      expect(Math.abs(acc - card.subsetAccuracy)).toBeLessThanOrEqual(0.01);
      const layerNames = new Set(model.layers.map((l) => l.name));
      for (const l of card.layers) expect(layerNames.has(l.name), `card layer ${l.name}`).toBe(true);
      const weightBytes = model.weights.reduce((s, w) => s + w.read().size * 4, 0);
      expect(weightBytes).toBeLessThan(2 * 1024 * 1024);
      const shards = readdirBins(dir);
      expect(shards.reduce((s, f) => s + statSync(path.join(dir, f)).size, 0)).toBe(weightBytes);
      model.dispose();
    });
  });
}

function readdirBins(dir: string): string[] {
  const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  return json.weightsManifest.flatMap((g) => g.paths);
}
