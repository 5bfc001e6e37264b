/**
 * The logits of a softmax-final model are the softmax's input (core/model/logits.ts): for
 * LayersModels ending in Dense(softmax), Activation('softmax'), a Softmax layer or a 1x1 Conv2D(softmax)
 * followed by Flatten, and for a
 * GraphModel ending in a Softmax op, the executor's output, the logit / prob / logprob targets and
 * the probabilities equal closed forms computed here from the same model without its softmax
 * (plain tfjs predict, not the executor). Before the fix the logit target was p_k and the
 * probabilities softmax(p).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { attribute } from '../src/core/attribution/attribute';
import type { TargetSpec } from '../src/core/attribution/targets';
import { Executor } from '../src/core/model/executor';
import { loadHookableModel } from '../src/core/model/graphModel';
import { GraphExecutor } from '../src/core/model/graphModelExecutor';
import type { HookableModel } from '../src/core/model/runner';
import { residualGraphFiles } from './helpers/graphModels';
import { randomImages, residualCnn } from './helpers/models';

type Head = 'none' | 'dense' | 'activation' | 'softmax-layer' | 'conv-flatten';

/** residualCnn(seed) with a softmax head of the given kind, and the same weights. */
function withHead(base: tf.LayersModel, head: Head): tf.LayersModel {
  if (head === 'none') return base;
  const gap = base.getLayer('gap').output as tf.SymbolicTensor;
  if (head === 'dense') {
    const dense = tf.layers.dense({ units: 3, activation: 'softmax', name: 'probs' });
    const m = tf.model({ inputs: base.inputs, outputs: dense.apply(gap) as tf.SymbolicTensor, name: 'dense_softmax' });
    dense.setWeights(base.getLayer('logits').getWeights());
    return m;
  }
  if (head === 'conv-flatten') {
    // A fully convolutional head: 1x1 Conv2D with softmax on a 1x1 map, then Flatten (the softmax is not the last layer).
    const r = tf.layers.reshape({ targetShape: [1, 1, 6], name: 'to_map' }).apply(gap) as tf.SymbolicTensor;
    const conv = tf.layers.conv2d({ filters: 3, kernelSize: 1, activation: 'softmax', name: 'probs' });
    const out = tf.layers.flatten({ name: 'flat' }).apply(conv.apply(r) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const m = tf.model({ inputs: base.inputs, outputs: out, name: 'conv_softmax' });
    const [k, b] = base.getLayer('logits').getWeights();
    conv.setWeights([k.reshape([1, 1, 6, 3]), b]);
    return m;
  }
  const layer = head === 'activation' ? tf.layers.activation({ activation: 'softmax', name: 'probs' }) : tf.layers.softmax({ name: 'probs' });
  return tf.model({ inputs: base.inputs, outputs: layer.apply(base.outputs[0]) as tf.SymbolicTensor, name: `${head}_head` });
}

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `entry ${i}: ${got[i]} vs ${want[i]}`).toBeLessThan(tol);
};

/** Closed forms from the logits z (N x K): per image the argmax class and z_k, softmax_k, log softmax_k. */
function closedForms(z: number[][]) {
  const k = z.map((r) => r.indexOf(Math.max(...r)));
  const lse = z.map((r) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0)));
  return {
    k,
    probs: z.flatMap((r, i) => r.map((v) => Math.exp(v - lse[i]))),
    logit: z.map((r, i) => r[k[i]]),
    prob: z.map((r, i) => Math.exp(r[k[i]] - lse[i])),
    logprob: z.map((r, i) => r[k[i]] - lse[i]),
  };
}

/** F(x) and F(x0) of each target, and the probs, from a conductance run at `layer`. */
async function targets(exec: HookableModel, x: tf.Tensor, layer: string, z: number[][], z0: number[][]) {
  const want = closedForms(z);
  for (const kind of ['logit', 'prob', 'logprob'] as const) {
    const r = await attribute(exec, x, { layers: [layer], steps: 4, target: { kind } as TargetSpec });
    expect([...r.targetClass]).toEqual(want.k);
    close(r.F, want[kind]);
    // At the zero baseline, the same class (fixed along the path), from the logits at zeros.
    const lse0 = z0.map((row) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0)));
    const at0 = z0.map((row, i) => (kind === 'logit' ? row[want.k[i]] : kind === 'prob' ? Math.exp(row[want.k[i]] - lse0[i]) : row[want.k[i]] - lse0[i]));
    close(r.F0, at0);
    close(r.probs, want.probs);
  }
  // Per-step top-1: the largest logit, and the largest probability (softmax once).
  const top1 = await attribute(exec, x, { layers: [layer], steps: 2, target: { kind: 'top1' } });
  close(top1.F, want.logit);
  const top1p = await attribute(exec, x, { layers: [layer], steps: 2, target: { kind: 'top1-prob' } });
  close(top1p.F, want.prob);
}

describe('the logits of a softmax-final model', () => {
  let base: tf.LayersModel;
  let x: tf.Tensor4D;
  let z: number[][];
  let z0: number[][];
  beforeAll(async () => {
    await tf.setBackend('cpu');
    base = residualCnn(5);
    x = randomImages([3, 8, 8, 2], 11);
    // The closed form: the model without a softmax, through tfjs' own predict.
    z = (base.predict(x) as tf.Tensor).arraySync() as number[][];
    z0 = (base.predict(tf.zerosLike(x)) as tf.Tensor).arraySync() as number[][];
  });

  for (const head of ['dense', 'activation', 'softmax-layer', 'conv-flatten', 'none'] as Head[]) {
    it(`Executor on a LayersModel with head ${head}: output, logit, prob and logprob targets from the logits`, async () => {
      const m = withHead(base, head);
      // The model itself gives probabilities where it has a softmax head.
      const own = (m.predict(x) as tf.Tensor).dataSync();
      close(own, head === 'none' ? z.flat() : closedForms(z).probs);
      const exec = new Executor(m);
      close(exec.predict(x).dataSync(), z.flat());
      expect(exec.logits).toEqual(
        head === 'none'
          ? { layer: 'logits', fromSoftmax: false }
          : head === 'dense' || head === 'conv-flatten'
            ? { layer: 'probs', fromSoftmax: true, softmax: 'probs (activation)' }
            : { layer: 'logits', fromSoftmax: true, softmax: 'probs' },
      );
      await targets(exec, x, 'r', z, z0);
      // The layer's own activation is put back after each run.
      close((m.predict(x) as tf.Tensor).dataSync(), head === 'none' ? z.flat() : closedForms(z).probs);
    });
  }

  for (const softmax of [true, false]) {
    it(`GraphExecutor on a GraphModel ${softmax ? 'ending in Softmax + Identity' : 'without a softmax'}: output and targets from the logits`, async () => {
      const { files, nodes } = residualGraphFiles(base, { softmax });
      const g = await loadHookableModel(files);
      expect(g.format).toBe('graph-model');
      // The graph itself: tfjs' GraphModel.predict gives probabilities where it has a softmax.
      const own = (g.exec as GraphExecutor).model.execute(x, 'Identity') as tf.Tensor;
      close(own.dataSync(), softmax ? closedForms(z).probs : z.flat());
      close(g.exec.predict(x).dataSync(), z.flat());
      expect(g.exec.logits).toEqual(softmax ? { layer: nodes.logits, fromSoftmax: true, softmax: 'Softmax' } : { layer: 'Identity', fromSoftmax: false });
      expect(g.exec.layers().map((l) => l.className)).not.toContain('Softmax');
      await targets(g.exec, x, nodes.r, z, z0);
      g.dispose();
    });
  }
});
