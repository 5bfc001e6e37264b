/**
 * Layers run as plain ops under a gradient tape give the fused layer's outputs and input
 * gradients, and no filter gradient is computed (tfjs' fused ops compute every input's).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { registerFastGradients } from '../kernels/register';
import { Executor } from './executor';
import { applyWithInputGradients, recordingGradients } from './inputGradLayers';

beforeAll(async () => {
  await useNodeBackend('wasm');
  registerFastGradients();
});

function model(): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotNormal({ seed: s });
  const inp = tf.input({ shape: [9, 9, 3] });
  let h = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', useBias: false, name: 'c1', kernelInitializer: init(1) }).apply(inp) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ name: 'bn', gammaInitializer: 'ones', movingMeanInitializer: tf.initializers.constant({ value: 0.1 }) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU({ name: 'r' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'valid', name: 'c2', biasInitializer: tf.initializers.constant({ value: 0.05 }), kernelInitializer: init(2) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', dilationRate: 1, name: 'dw', depthwiseInitializer: init(3) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh', name: 'c3', kernelInitializer: init(4) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten({ name: 'f' }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, name: 'd', kernelInitializer: init(5) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out });
}

describe('layers run for input gradients', () => {
  it('only under a gradient tape', () => {
    expect(recordingGradients()).toBe(false);
    const m = model();
    const x = tf.ones([1, 9, 9, 3]);
    expect(applyWithInputGradients(m.getLayer('c1'), x)).toBeNull();
    tf.grad((v: tf.Tensor) => {
      expect(recordingGradients()).toBe(true);
      return tf.sum(v);
    })(x);
    x.dispose();
    m.dispose();
  });

  it('outputs and input gradients equal the fused layers\', without filter gradients', async () => {
    const m = model();
    const exec = new Executor(m);
    const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 9);
    const w = tf.randomNormal([2, 3], 0, 1, 'float32', 10);
    // tfjs' own: the model called directly (fused ops with their customGrad).
    const ref = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(m.apply(v) as tf.Tensor, w)));
    const mine = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(exec.run(v).outputs[0], w)));
    const kernels = async (f: (v: tf.Tensor) => tf.Tensor) => (await tf.profile(() => f(x))).kernels.map((k) => k.name);
    const refNames = await kernels(ref);
    const mineNames = await kernels(mine);
    expect(refNames).toContain('Conv2DBackpropFilter');
    expect(mineNames).not.toContain('Conv2DBackpropFilter');
    expect(mineNames).not.toContain('DepthwiseConv2dNativeBackpropFilter');
    const [gr, gm] = [ref(x), mine(x)];
    const [vr, vm] = [await gr.data(), await gm.data()];
    expect(vm.length).toBe(vr.length);
    const scale = Math.max(...Array.from(vr, Math.abs));
    vr.forEach((v, i) => expect(Math.abs(vm[i] - v), `dx[${i}]`).toBeLessThan(1e-5 * scale + 1e-7));
    // Forward outputs under the tape equal predict's.
    const fr = tf.tidy(() => m.predict(x) as tf.Tensor);
    let fm: tf.Tensor | null = null;
    tf.grad((v: tf.Tensor) => {
      const y = exec.run(v).outputs[0];
      fm = tf.keep(y.clone());
      return tf.sum(y);
    })(x).dispose();
    const [ar, am] = [await fr.data(), await fm!.data()];
    ar.forEach((v, i) => expect(am[i]).toBeCloseTo(v, 5));
    tf.dispose([x, w, gr, gm, fr, fm!]);
    m.dispose();
  });
});
