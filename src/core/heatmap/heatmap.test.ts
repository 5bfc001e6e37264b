import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { Executor } from '../model/executor';
import { inputModeMap, referenceMask } from './inputMap';
import { channelSumMap, upsampleBilinear } from './layerMap';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** A fully linear model: conv (no activation, no bias) 'h' with 3 channels -> flatten -> dense 2. */
function linearModel(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, padding: 'same', useBias: false, name: 'h', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 2, name: 'out', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }));
  return m;
}

describe('heatmaps', () => {
  it('channelSumMap sums the picked channels per position', () => {
    const map = Float32Array.from([1, 2, 3, 4, 5, 6]); // 1x2 positions x 3 channels
    expect(Array.from(channelSumMap(map, 1, 2, 3, [0, 2]))).toEqual([4, 10]);
  });

  it('upsampleBilinear keeps constants and matches tf.image.resizeBilinear', () => {
    expect(Array.from(upsampleBilinear(new Float32Array(4).fill(2), 2, 2, 5, 5))).toEqual(Array(25).fill(2));
    const src = Float32Array.from([0, 1, 2, 3, 4, 5]);
    const want = tf.image.resizeBilinear(tf.tensor3d(src, [2, 3, 1]), [4, 7], false, true).dataSync();
    const got = upsampleBilinear(src, 2, 3, 4, 7);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
  });

  it('inputModeMap through a channel subset equals the gradient of the model with the other channels cut', async () => {
    const model = linearModel();
    const exec = new Executor(model);
    const x = tf.randomUniform([1, 5, 5, 2], 0, 1, 'float32', 9) as tf.Tensor4D;
    const { gradXInput } = await inputModeMap(exec, x, 'h', [0, 2], { kind: 'logit' }, 1);
    // Independent: zero the dense weights reading channel 1 (flatten order HWC), take dF/dx * x.
    const dense = model.getLayer('out');
    const [k, b] = dense.getWeights();
    const keep = tf.tensor1d(Array.from({ length: 75 }, (_, i) => (i % 3 === 1 ? 0 : 1))).reshape([75, 1]);
    dense.setWeights([tf.mul(k, keep), b]);
    const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(model.apply(xx) as tf.Tensor, [0, 1], [1, 1])))(x);
    const want = tf.mul(gx, x).dataSync();
    dense.setWeights([k, b]);
    for (let i = 0; i < want.length; i++) expect(gradXInput[i]).toBeCloseTo(want[i], 5);
    tf.dispose([x, keep, gx]);
  });

  it('referenceMask normalises to [0, 1] and is zero for a constant map', () => {
    const g = Float32Array.from({ length: 36 }, (_, i) => (i === 14 ? 10 : 0.1 * (i % 5)));
    const m = referenceMask(g, 6, 6, 1, { size: 3, gain: 1 });
    expect(Math.min(...m)).toBe(0);
    expect(Math.max(...m)).toBeCloseTo(1, 6);
    expect(Array.from(referenceMask(new Float32Array(9).fill(1), 3, 3, 1))).toEqual(Array(9).fill(0));
  });
});
