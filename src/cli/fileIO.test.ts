import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomImages, residualCnn } from '../../tests/helpers/models';
import { saveModelToDir } from './fileIO';
import { loadModelFromDisk } from './modelFiles';
import { useNodeBackend } from './nodeBackend';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('saveModelToDir / loadModelFromDisk', () => {
  it('saveModelToDir then loadModelFromDisk round-trips the predictions', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'codec-io-'));
    try {
      const model = residualCnn(4);
      await saveModelToDir(model, dir);
      const { model: back } = await loadModelFromDisk(path.join(dir, 'model.json'));
      const x = randomImages([2, 8, 8, 2]);
      const a = (model.predict(x) as tf.Tensor).dataSync();
      const b = (back.predict(x) as tf.Tensor).dataSync();
      expect(Array.from(b)).toEqual(Array.from(a));
      x.dispose();
      rmSync(path.join(dir, 'group1-shard1of1.bin'));
      await expect(loadModelFromDisk(path.join(dir, 'model.json'))).rejects.toThrow(/^group1-shard1of1\.bin: weight shard is missing/);
      writeFileSync(path.join(dir, 'model.json'), '{"modelTopology": ');
      await expect(loadModelFromDisk(path.join(dir, 'model.json'))).rejects.toThrow(/^model\.json: not valid JSON/);
      await expect(loadModelFromDisk(path.join(dir, 'nope.json'))).rejects.toThrow(/nope\.json: cannot read the file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
