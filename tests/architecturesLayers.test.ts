/** Keras' Normalization layer (architecturesLayers.ts), which tfjs lacks: its formula, files, executor. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { Normalization, registerKerasLayers } from '../src/core/model/architecturesLayers';
import { Executor } from '../src/core/model/executor';
import { loadModelFromFiles } from '../src/core/model/load';
import { modelToFiles } from './helpers/modelFiles';
import { randomImages } from './helpers/models';

beforeAll(async () => {
  await useNodeBackend('wasm');
  registerKerasLayers();
});

const MEAN = [0.4, 0.5, 0.6];
const VAR = [0.05, 0.2, 1.5];

/** input 8x8x3 -> Rescaling(1/2) -> Normalization (adapted weights) -> conv 3x3x4 -> GAP -> dense 2, as EfficientNet's stem. */
function normalizedModel(): tf.LayersModel {
  const inp = tf.input({ shape: [8, 8, 3] });
  let x = tf.layers.rescaling({ scale: 0.5, name: 'rescaling' }).apply(inp) as tf.SymbolicTensor;
  const norm = new Normalization({ name: 'normalization', axis: -1 });
  x = norm.apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'conv', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: 'out', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  const m = tf.model({ inputs: inp, outputs: out });
  norm.setWeights([tf.tensor1d(MEAN), tf.tensor1d(VAR), tf.scalar(100, 'int32')]);
  return m;
}

describe('Normalization', () => {
  it('Normalization computes (x - mean) / sqrt(variance), or its inverse, per channel', () => {
    const x = randomImages([2, 4, 4, 3], 5);
    const fromConfig = new Normalization({ axis: -1, mean: MEAN, variance: VAR });
    const inverse = new Normalization({ axis: -1, mean: MEAN, variance: VAR, invert: true });
    const got = (fromConfig.apply(x) as tf.Tensor).dataSync();
    const back = (inverse.apply(fromConfig.apply(x)) as tf.Tensor).dataSync();
    const xs = x.dataSync();
    for (let i = 0; i < xs.length; i++) {
      const c = i % 3;
      expect(got[i]).toBeCloseTo((xs[i] - MEAN[c]) / Math.sqrt(VAR[c]), 5);
      expect(back[i]).toBeCloseTo(xs[i], 5);
    }
    x.dispose();
  });

  it('a model with a Normalization layer saves as Keras writes it, loads, and runs in the executor', async () => {
    const model = normalizedModel();
    const files = await modelToFiles(model);
    const json = JSON.parse(new TextDecoder().decode(files.get('model.json')!));
    expect(JSON.stringify(json.modelTopology)).toContain('"class_name":"Normalization"');
    expect(json.weightsManifest[0].weights.map((w: { name: string; dtype: string }) => `${w.name}:${w.dtype}`)).toEqual(
      expect.arrayContaining(['normalization/mean:float32', 'normalization/variance:float32', 'normalization/count:int32']),
    );
    const { model: back } = await loadModelFromFiles(files);
    const x = randomImages([2, 8, 8, 3], 6);
    const want = (model.predict(x) as tf.Tensor).dataSync();
    const got = new Executor(back).predict(x).dataSync();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    // The normalised stem equals the formula, read through a hook.
    const a = tf.tidy(() => new Executor(back).run(x, { capture: ['normalization'] }).captured.get('normalization')!.dataSync());
    const xs = x.dataSync();
    for (let i = 0; i < xs.length; i += 37) expect(a[i]).toBeCloseTo((xs[i] * 0.5 - MEAN[i % 3]) / Math.sqrt(VAR[i % 3]), 5);
    x.dispose();
  });
});
