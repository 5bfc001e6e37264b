/**
 * Conv2D -> BatchNorm (-> ReLU) folded into one fused convolution: the same outputs, the same
 * conductance (so the same input gradients through the folded op's own gradient) as the layers
 * run one by one, folding only where no hook looks inside, and no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { conductance } from '../attribution/conductance';
import { registerFastGradients } from '../kernels/register';
import { rng as seededRandom } from '../util/rng';
import { Executor } from './executor';
import { findFoldedBlocks, setFoldConvBn } from './foldedConvBn';

beforeAll(async () => {
  await useNodeBackend('wasm');
  registerFastGradients();
});
afterEach(() => setFoldConvBn(true));

/** Sets every BatchNorm's statistics and affine weights to seeded random values (away from 1 and 0). */
function randomizeBatchNorms(m: tf.LayersModel, seed: number): void {
  const rand = seededRandom(seed);
  for (const l of m.layers) {
    if (l.getClassName() !== 'BatchNormalization') continue;
    const names = l.weights.map((v) => v.name);
    l.setWeights(l.getWeights().map((w, j) => {
      const name = names[j];
      const v = Float32Array.from({ length: w.size }, () => (/variance/.test(name) ? 0.2 + 2 * rand() : /gamma/.test(name) ? 0.5 + rand() : rand() - 0.5));
      return tf.tensor(v, w.shape);
    }));
  }
}

function model(): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotNormal({ seed: s });
  const inp = tf.input({ shape: [10, 10, 3] });
  let r1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: true, biasInitializer: tf.initializers.constant({ value: 0.1 }), name: 'c1', kernelInitializer: init(1) }).apply(inp) as tf.SymbolicTensor;
  r1 = tf.layers.batchNormalization({ name: 'bn1' }).apply(r1) as tf.SymbolicTensor;
  r1 = tf.layers.reLU({ name: 'r1' }).apply(r1) as tf.SymbolicTensor;
  let a2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, name: 'c2', kernelInitializer: init(2) }).apply(r1) as tf.SymbolicTensor;
  a2 = tf.layers.batchNormalization({ name: 'bn2', center: false }).apply(a2) as tf.SymbolicTensor;
  a2 = tf.layers.activation({ activation: 'relu', name: 'a2' }).apply(a2) as tf.SymbolicTensor;
  let b3 = tf.layers.conv2d({ filters: 4, kernelSize: 1, padding: 'valid', useBias: false, name: 'c3', kernelInitializer: init(3) }).apply(a2) as tf.SymbolicTensor;
  b3 = tf.layers.batchNormalization({ name: 'bn3', scale: false }).apply(b3) as tf.SymbolicTensor;
  let h = tf.layers.add({ name: 'add' }).apply([b3, r1]) as tf.SymbolicTensor;
  h = tf.layers.reLU({ name: 'r3' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten({ name: 'f' }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, name: 'd', kernelInitializer: init(5) }).apply(h) as tf.SymbolicTensor;
  const m = tf.model({ inputs: inp, outputs: out });
  randomizeBatchNorms(m, 11);
  return m;
}

function images(n: number): tf.Tensor4D {
  const rand = seededRandom(5);
  return tf.tensor4d(Float32Array.from({ length: n * 300 }, () => rand()), [n, 10, 10, 3]);
}

const maxRel = (a: Float32Array, b: Float32Array) => {
  const scale = Math.max(...Array.from(b, Math.abs), 1e-12);
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]))) / scale;
};

describe('folded Conv2D + BatchNorm (+ ReLU)', () => {
  it('finds the foldable runs: with a ReLU layer, with a relu Activation, and before an Add', () => {
    const ex = new Executor(model());
    const blocks = [...findFoldedBlocks(ex.plan).values()].map((b) => [ex.plan.steps[b.start].name, b.span, b.relu]);
    expect(blocks).toEqual([
      ['c1', 3, true],
      ['c2', 3, true],
      ['c3', 2, false],
    ]);
  });

  it('gives the outputs and the conductance of the layers run one by one', async () => {
    const m = model();
    const ex = new Executor(m);
    const x = images(6);
    const want = m.predict(x) as tf.Tensor;
    const folded = ex.predict(x);
    expect(maxRel(folded.dataSync() as Float32Array, want.dataSync() as Float32Array)).toBeLessThan(1e-5);
    const layers = ['r1', 'a2', 'r3'];
    const on = await conductance(ex, x, { layers, steps: 6 });
    setFoldConvBn(false);
    const off = await conductance(ex, x, { layers, steps: 6 });
    for (const l of layers) {
      const a = on.layers.get(l)!.net;
      const b = off.layers.get(l)!.net;
      expect(Math.max(...Array.from(b, Math.abs))).toBeGreaterThan(1e-3);
      expect(maxRel(a, b), l).toBeLessThan(1e-4);
    }
    tf.dispose([x, want, folded]);
  });

  it('runs the layers one by one where a hook looks inside a block', () => {
    const m = model();
    const ex = new Executor(m);
    const x = images(2);
    const inner = tf.model({ inputs: m.inputs, outputs: m.getLayer('bn1').output as tf.SymbolicTensor });
    const want = inner.predict(x) as tf.Tensor;
    const { captured, outputs } = ex.run(x, { capture: ['bn1'] });
    expect(maxRel(captured.get('bn1')!.dataSync() as Float32Array, want.dataSync() as Float32Array)).toBeLessThan(1e-6);
    // A mask on the convolution of a block: with every channel of c2 zeroed, a2 = relu(-mean2 * gamma2 / sqrt(var2 + eps)) (bn2 has no beta).
    const zero = ex.run(x, { masks: new Map([['c2', tf.zeros([4])]]), capture: ['a2'] });
    const [gamma, mean, variance] = m.getLayer('bn2').getWeights().map((w) => w.dataSync());
    const eps = (m.getLayer('bn2') as unknown as { epsilon: number }).epsilon;
    const a2 = zero.captured.get('a2')!.dataSync();
    a2.forEach((v, i) => expect(v).toBeCloseTo(Math.max(0, (-mean[i % 4] * gamma[i % 4]) / Math.sqrt(variance[i % 4] + eps)), 6));
    expect(Math.max(...a2)).toBeGreaterThan(0);
    tf.dispose([x, want, ...captured.values(), ...outputs, ...zero.captured.values(), ...zero.outputs]);
  });

  it('leaves no tensor behind across repeated conductance runs', async () => {
    const ex = new Executor(model());
    const x = images(3);
    await conductance(ex, x, { layers: ['r1', 'r3'], steps: 4 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await conductance(ex, x, { layers: ['r1', 'r3'], steps: 4 });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
