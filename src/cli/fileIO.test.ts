import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomImages, residualCnn } from '../../tests/helpers/models';
import { loadModelFromDir, saveModelToDir } from './fileIO';
import { loadModelFromDisk } from './modelFiles';
import { useNodeBackend } from './nodeBackend';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

function withDir(f: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'codec-io-'));
    try {
      await f(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function predictions(model: tf.LayersModel): number[] {
  return tf.tidy(() => Array.from((model.predict(randomImages([2, 8, 8, 2])) as tf.Tensor).dataSync()));
}

describe('saveModelToDir / loadModelFromDir', () => {
  it(
    'saveModelToDir then loadModelFromDir (folder or model.json) and loadModelFromDisk round-trip the predictions',
    withDir(async (dir) => {
      const model = residualCnn(4);
      const { bytes, shards } = await saveModelToDir(model, dir);
      expect(shards).toEqual(['group1-shard1of1.bin']);
      expect(bytes).toBe(model.countParams() * 4);
      const want = predictions(model);
      for (const back of [await loadModelFromDir(dir), await loadModelFromDir(path.join(dir, 'model.json')), (await loadModelFromDisk(path.join(dir, 'model.json'))).model]) {
        expect(predictions(back)).toEqual(want);
        back.dispose();
      }
      model.dispose();
    }),
  );

  it(
    'saveModelToDir splits weights into shards of at most shardBytes, and loadModelFromDir joins them',
    withDir(async (dir) => {
      const model = residualCnn(5);
      const { bytes, shards } = await saveModelToDir(model, dir, { shardBytes: 200 });
      expect(shards.length).toBe(Math.ceil(bytes / 200));
      expect(readdirSync(dir).filter((f) => f.endsWith('.bin')).sort()).toEqual([...shards].sort());
      expect(shards.map((s) => readFileSync(path.join(dir, s)).length).reduce((a, b) => a + b, 0)).toBe(bytes);
      const back = await loadModelFromDir(dir);
      expect(predictions(back)).toEqual(predictions(model));
      model.dispose();
      back.dispose();
    }),
  );

  it(
    'loadModelFromDir names a missing shard, a short shard, a truncated model.json and a missing folder in one line',
    withDir(async (dir) => {
      await saveModelToDir(residualCnn(4), dir);
      const shard = path.join(dir, 'group1-shard1of1.bin');
      const full = readFileSync(shard);
      writeFileSync(shard, full.subarray(0, full.length - 4));
      await expect(loadModelFromDir(dir)).rejects.toThrow(/^group1-shard1of1\.bin: weight shards hold \d+ bytes, but model\.json declares weights of \d+ bytes/);
      rmSync(shard);
      await expect(loadModelFromDir(dir)).rejects.toThrow(/^group1-shard1of1\.bin: weight shard is missing \(named in model\.json's weightsManifest; no file .*group1-shard1of1\.bin\)\.$/);
      const json = readFileSync(path.join(dir, 'model.json'), 'utf8');
      writeFileSync(path.join(dir, 'model.json'), json.slice(0, 100));
      await expect(loadModelFromDir(dir)).rejects.toThrow(/model\.json: not valid JSON \(truncated or not a model\.json\)/);
      await expect(loadModelFromDisk(path.join(dir, 'model.json'))).rejects.toThrow(/^model\.json: not valid JSON/);
      await expect(loadModelFromDir(path.join(dir, 'nope'))).rejects.toThrow(/nope: cannot read the file/);
      for (const p of [dir, path.join(dir, 'nope')]) await expect(loadModelFromDir(p)).rejects.not.toThrow(/\n/);
    }),
  );

  it('saveModelToDir refuses a bad shardBytes', async () => {
    await expect(saveModelToDir(residualCnn(4), 'unused', { shardBytes: 0 })).rejects.toThrow(/^saveModelToDir: shardBytes must be an integer >= 4, but got 0\.$/);
  });
});
