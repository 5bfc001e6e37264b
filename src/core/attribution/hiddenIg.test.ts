import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { linearHead, randomImages, residualCnn } from '../../../tests/helpers/models';
import { Executor } from '../model/executor';
import { attribute } from './attribute';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** a(x) of layer h and the dense weights of class k, computed without the engine. */
function linearParts(model: tf.LayersModel, x: tf.Tensor, k: number) {
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer('h').output as tf.SymbolicTensor });
  const a = (sub.predict(x) as tf.Tensor).reshape([x.shape[0], -1]);
  const a0 = (sub.predict(tf.zerosLike(x)) as tf.Tensor).reshape([x.shape[0], -1]);
  const w = (model.getLayer('out').getWeights()[0] as tf.Tensor2D).slice([0, k], [-1, 1]).reshape([1, -1]);
  return { a, a0, w };
}

describe('hidden-path IG and activation x gradient', () => {
  it('hidden-ig equals (a - a0) . w when the network after the layer is linear', async () => {
    const model = linearHead(4);
    const x = randomImages([2, 4, 4, 2], 3);
    const res = await attribute(new Executor(model), x, { method: 'hidden-ig', layers: ['h'], steps: 4, target: { kind: 'logit', classIndex: 0 }, keepMaps: true });
    const { a, a0, w } = linearParts(model, x, 0);
    const want = tf.mul(tf.sub(a, a0), w).dataSync();
    const got = res.layers.get('h')!.map!;
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    tf.dispose([a, a0, w, x]);
  });

  it('act-grad equals a . w, and the normalised variant divides by ||w||', async () => {
    const model = linearHead(6);
    const x = randomImages([2, 4, 4, 2], 5);
    const exec = new Executor(model);
    const plain = await attribute(exec, x, { method: 'act-grad', layers: ['h'], target: { kind: 'logit', classIndex: 1 }, keepMaps: true });
    const norm = await attribute(exec, x, { method: 'act-grad-norm', layers: ['h'], target: { kind: 'logit', classIndex: 1 }, keepMaps: true });
    const { a, a0, w } = linearParts(model, x, 1);
    const want = tf.mul(a, w).dataSync();
    const wn = Math.sqrt(tf.sum(tf.square(w)).dataSync()[0]);
    const got = plain.layers.get('h')!.map!;
    const gotN = norm.layers.get('h')!.map!;
    for (let i = 0; i < got.length; i++) {
      expect(got[i]).toBeCloseTo(want[i], 5);
      expect(gotN[i]).toBeCloseTo(want[i] / wn, 5);
    }
    expect(plain.layers.get('h')!.completeness).toBeNull();
    tf.dispose([a, a0, w, x]);
  });

  it('hidden-ig sums to F_after(a) - F_after(a0) at every layer, cut or not', async () => {
    const exec = new Executor(residualCnn(21));
    const x = randomImages([3, 8, 8, 2], 23);
    // Plain error |sum - dF| / |dF|: 4.9% at 32 steps, 2.0% at 128 (about 1/S here; the symmetric
    // measure, once reported, showed under 1% at 32), 0.5% at 512.
    const res = await attribute(exec, x, { method: 'hidden-ig', layers: ['c1', 'c2', 'r'], steps: 512 });
    for (const l of ['c1', 'c2', 'r']) for (const e of res.layers.get(l)!.completeness!) expect(e).toBeLessThan(0.01);
    x.dispose();
  });

  it('hidden-ig and act-grad leak no tensors', async () => {
    const exec = new Executor(residualCnn(25));
    const x = randomImages([2, 8, 8, 2], 27);
    await attribute(exec, x, { method: 'hidden-ig', layers: ['c2'], steps: 3 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      await attribute(exec, x, { method: 'hidden-ig', layers: ['c2', 'r'], steps: 3, alphaChunk: 2 });
      await attribute(exec, x, { method: 'act-grad-norm', layers: ['c2', 'r'] });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
