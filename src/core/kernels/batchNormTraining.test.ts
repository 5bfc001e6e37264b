import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { useFastBatchNormTraining } from './batchNormTraining';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** conv -> BN -> ReLU -> conv -> BN (random gamma/beta) -> GAP -> dense, seeded. */
function model(): tf.LayersModel {
  const inp = tf.input({ shape: [6, 6, 2] });
  let x = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }).apply(inp) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 2 }), betaInitializer: tf.initializers.randomNormal({ seed: 3 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ momentum: 0.9, betaInitializer: tf.initializers.randomNormal({ seed: 5 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 6 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out });
}

/** Loss, its gradients (trainable weights, input) and the moving statistics after one training-mode pass. */
function run(m: tf.LayersModel): { loss: number; grads: Float32Array[]; moving: Float32Array[] } {
  return tf.tidy(() => {
    const x = tf.randomNormal([3, 6, 6, 2], 1, 2, 'float32', 7);
    const r = tf.randomNormal([3, 3], 0, 1, 'float32', 8);
    const loss = () => tf.sum(tf.mul(m.apply(x, { training: true }) as tf.Tensor, r)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss, m.trainableWeights.map((w) => w.read() as tf.Variable));
    const gx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(m.apply(a, { training: true }) as tf.Tensor, r)))(x);
    const moving = m.weights.filter((w) => /moving/.test(w.name)).map((w) => w.read().dataSync() as Float32Array);
    return { loss: value.dataSync()[0], grads: [...Object.values(grads), gx].map((g) => g.dataSync() as Float32Array), moving };
  });
}

function close(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  const scale = Math.max(1e-6, ...Array.from(b, Math.abs));
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4 * scale + 1e-5); // absolute part: gradients that are 0 in exact arithmetic (a bias before BN)
}

describe('useFastBatchNormTraining', () => {
  it('useFastBatchNormTraining gives tfjs-layers training-mode loss, gradients and moving statistics', () => {
    const want = run(model());
    const m = model();
    const undo = useFastBatchNormTraining(m);
    const got = run(m);
    expect(got.loss).toBeCloseTo(want.loss, 4);
    expect(got.grads.length).toBe(want.grads.length);
    got.grads.forEach((g, i) => close(g, want.grads[i]));
    got.moving.forEach((g, i) => close(g, want.moving[i]));
    undo();
    m.dispose();
  });

  it('useFastBatchNormTraining leaves inference and the saved config unchanged, and undo restores the layers', () => {
    const a = model();
    const b = model();
    const config = JSON.stringify(b.toJSON(null, false));
    const undo = useFastBatchNormTraining(b);
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 9);
    close((b.predict(x) as tf.Tensor).dataSync() as Float32Array, (a.predict(x) as tf.Tensor).dataSync() as Float32Array);
    expect(JSON.stringify(b.toJSON(null, false))).toBe(config);
    undo();
    expect(b.layers.every((l) => !Object.prototype.hasOwnProperty.call(l, 'call') || l.getClassName() !== 'BatchNormalization')).toBe(true);
    tf.dispose(x);
    a.dispose();
    b.dispose();
  });

  it('a training step with useFastBatchNormTraining leaks no tensors', () => {
    const m = model();
    useFastBatchNormTraining(m);
    const opt = tf.train.adam(1e-3);
    const x = tf.randomNormal([3, 6, 6, 2]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 3);
    const step = () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!.dispose();
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    opt.dispose();
    m.dispose();
  });
});
