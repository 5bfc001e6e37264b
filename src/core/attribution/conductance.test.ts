import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { linearHead, randomImages, residualCnn } from '../../../tests/helpers/models';
import { Executor } from '../model/executor';
import { conductance, gradPass } from './conductance';
import { targetFn } from './targets';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('conductance', () => {
  it('conductance equals (a - a0) . w exactly when the network after the layer is linear', async () => {
    const model = linearHead();
    const exec = new Executor(model);
    const x = randomImages([3, 4, 4, 2]);
    const res = await conductance(exec, x, { layers: ['h'], steps: 3, target: { kind: 'logit', classIndex: 1 }, keepMaps: true });
    // Independent: a(x) and a(0) from a sub-model, w from the dense kernel (flatten order = HWC).
    const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer('h').output as tf.SymbolicTensor });
    const a = (sub.predict(x) as tf.Tensor).reshape([3, -1]);
    const a0 = (sub.predict(tf.zerosLike(x)) as tf.Tensor).reshape([3, -1]);
    const w = (model.getLayer('out').getWeights()[0] as tf.Tensor2D).slice([0, 1], [-1, 1]).reshape([1, -1]);
    const expected = tf.mul(tf.sub(a, a0), w).dataSync();
    const got = res.layers.get('h')!.map!;
    expect(got.length).toBe(expected.length);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(expected[i], 5);
    // And the layer is a cut: completeness is exact here.
    for (const e of res.layers.get('h')!.completeness!) expect(e).toBeLessThan(1e-5);
    tf.dispose([x, a, a0, w]);
  });

  it('conductance of several layers in one pass equals layer-by-layer runs', async () => {
    const exec = new Executor(residualCnn(3));
    const x = randomImages([2, 8, 8, 2], 11);
    const layers = ['c1', 'c2', 'r', 'c3'];
    const all = await conductance(exec, x, { layers, steps: 6, keepMaps: true, alphaChunk: 3 });
    for (const l of layers) {
      const one = await conductance(exec, x, { layers: [l], steps: 6, keepMaps: true, alphaChunk: 7 });
      const m1 = all.layers.get(l)!.map!;
      const m2 = one.layers.get(l)!.map!;
      for (let i = 0; i < m1.length; i++) expect(m1[i]).toBeCloseTo(m2[i], 4);
    }
    x.dispose();
  });

  it('gradPass gradients match central finite differences of the target', async () => {
    const exec = new Executor(residualCnn(5));
    const x = randomImages([1, 8, 8, 2], 13);
    const k = tf.tensor1d([0], 'int32');
    const tgt = targetFn({ kind: 'logit' });
    const { a, g, f } = gradPass(exec, tf.zerosLike(x), x, [1], ['c3'], [[4, 4, 6]], tgt, k);
    const act = a[0];
    const grad = g[0].dataSync();
    const eps = 1e-2;
    const F = (t: tf.Tensor) => tf.tidy(() => tgt(exec.run(x, { replace: new Map([['c3', t]]) }).outputs[0] as tf.Tensor2D, k).dataSync()[0]);
    const av = act.dataSync();
    for (const idx of [0, 5, 17, 40, 95]) {
      const plus = av.slice();
      plus[idx] += eps;
      const minus = av.slice();
      minus[idx] -= eps;
      const fd = (F(tf.tensor(plus, act.shape)) - F(tf.tensor(minus, act.shape))) / (2 * eps);
      expect(grad[idx]).toBeCloseTo(fd, 3);
    }
    tf.dispose([...a, ...g, f, k, x]);
  });

  it('completeness holds under 1% at 32 steps at every cut of a net with a skip connection', async () => {
    const exec = new Executor(residualCnn(7));
    const x = randomImages([4, 8, 8, 2], 17);
    const cuts = exec.layers().filter((l) => l.isCut && l.className !== 'Dense').map((l) => l.name);
    expect(cuts).toEqual(expect.arrayContaining(['c1', 'add', 'r', 'c3', 'gap']));
    expect(cuts).not.toContain('c2');
    const res = await conductance(exec, x, { layers: [...cuts, 'c2'], steps: 32 });
    for (const l of cuts) for (const e of res.layers.get(l)!.completeness!) expect(e).toBeLessThan(0.01);
    expect(res.layers.get('c2')!.completeness).toBeNull();
    x.dispose();
  });

  it('conductance leaks no tensors over repeated runs', async () => {
    const exec = new Executor(residualCnn(9));
    const x = randomImages([2, 8, 8, 2], 19);
    await conductance(exec, x, { layers: ['c1', 'r'], steps: 4, alphaChunk: 2 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await conductance(exec, x, { layers: ['c1', 'r'], steps: 4, alphaChunk: 2, target: { kind: 'prob' } });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('conductance rejects bad steps and unknown layers with a clear message', async () => {
    const exec = new Executor(residualCnn(9));
    const x = randomImages([1, 8, 8, 2]);
    await expect(conductance(exec, x, { layers: ['c1'], steps: 0 })).rejects.toThrow(/^conductance: steps must be an integer >= 1, but got 0\.$/);
    await expect(conductance(exec, x, { layers: ['nope'] })).rejects.toThrow(/unknown layer nope/);
    x.dispose();
  });
});
