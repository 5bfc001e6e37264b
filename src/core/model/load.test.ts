import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { residualCnn, randomImages } from '../../../tests/helpers/models';
import { Executor } from './executor';
import { loadModelFromFiles } from './load';
import { modelToFiles } from '../../../tests/helpers/modelFiles';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('loadModelFromFiles', () => {
  it('loadModelFromFiles round-trips a model and the executor equals predict', async () => {
    const model = residualCnn(3);
    const files = await modelToFiles(model);
    const { model: back } = await loadModelFromFiles(files);
    const x = randomImages([2, 8, 8, 2]);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = new Executor(back).predict(x).dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
    x.dispose();
  });

  it('loadModelFromFiles names the problem in one line', async () => {
    const files = await modelToFiles(residualCnn(3));
    const json = files.get('model.json')!;
    await expect(loadModelFromFiles(new Map([['model.json', json.slice(0, 50)]]))).rejects.toThrow(/^model\.json: not valid JSON/);
    await expect(loadModelFromFiles(new Map([['model.json', json]]))).rejects.toThrow(/^group1-shard1of1\.bin: weight shard is missing/);
    const shard = files.get('group1-shard1of1.bin')!;
    await expect(loadModelFromFiles(new Map([['model.json', json], ['group1-shard1of1.bin', shard.slice(0, 100)]]))).rejects.toThrow(/holds? 100 bytes, but model\.json declares weights of \d+ bytes/);
    const text = new TextDecoder().decode(json).replace('"class_name":"Conv2D"', '"class_name":"Lambda"');
    await expect(loadModelFromFiles(new Map([['model.json', new TextEncoder().encode(text)], ['group1-shard1of1.bin', shard]]))).rejects.toThrow(/^model\.json: layer class Lambda \(layer \w+\) is not supported by tfjs .* the layers before it are \w+ \(InputLayer\) /);
    await expect(loadModelFromFiles(new Map())).rejects.toThrow(/^model\.json: not found/);
    const nan = shard.slice();
    new Float32Array(nan.buffer).fill(NaN, 0, 4);
    await expect(loadModelFromFiles(new Map([['model.json', json], ['group1-shard1of1.bin', nan]]))).rejects.toThrow(/contains NaN or Inf values/);
  });
});
