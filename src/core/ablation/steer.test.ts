import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { chainCnn, randomImages } from '../../../tests/helpers/models';
import { Executor } from '../model/executor';
import { AblationSession } from './ablate';
import { channelMask, topChannels } from './channels';
import { addStrength, atomDirection, meanActiveCode, scaleMask } from './steer';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** A planted model: input 2x2x2 -> 1x1 conv 'h' (3 channels, linear) -> flatten -> dense 'out' (4 logits, linear). */
function planted(): tf.LayersModel {
  const m = tf.sequential({ name: 'planted' });
  m.add(tf.layers.conv2d({ inputShape: [2, 2, 2], filters: 3, kernelSize: 1, name: 'h', kernelInitializer: tf.initializers.randomNormal({ seed: 5 }), biasInitializer: tf.initializers.constant({ value: 0.1 }) }));
  m.add(tf.layers.flatten({ name: 'flat' }));
  m.add(tf.layers.dense({ units: 4, name: 'out', kernelInitializer: tf.initializers.randomNormal({ seed: 6 }), biasInitializer: tf.initializers.constant({ value: -0.2 }) }));
  return m;
}

describe('steering', () => {
  it('scaleMask puts the factor on the picked channels and 1 elsewhere; refuses factors out of [-2, 3]', () => {
    expect(Array.from(scaleMask(4, [1, 3], 1.5))).toEqual([1, 1.5, 1, 1.5]);
    expect(Array.from(scaleMask(3, [0], -2))).toEqual([-2, 1, 1]);
    expect(() => scaleMask(3, [0], 3.5)).toThrow(/^scaleMask: the factor must be in \[-2, 3\], but got 3.5\.$/);
    expect(() => scaleMask(3, [3], 1)).toThrow(/channel 3 out of range/);
    expect(addStrength(1)).toBe(0);
    expect(addStrength(-2)).toBe(-3);
    expect(meanActiveCode([0, 2, 0, 4])).toBe(3);
    expect(meanActiveCode([0, 0])).toBe(0);
  });

  it('scaling by 1 changes nothing; scaling by 0 equals destroy', () => {
    const model = chainCnn();
    const x = randomImages([3, 6, 6, 1], 7);
    const exec = new Executor(model);
    const want = (model.predict(x) as tf.Tensor).dataSync();
    const s = new AblationSession(exec, x, 'a');
    const top = topChannels(Float32Array.from([0.3, -1, 2, 0.5, 1]), 40).channels;
    const one = s.withMask(scaleMask(5, top, 1)).logits;
    for (let i = 0; i < want.length; i++) expect(Math.abs(one[i] - want[i])).toBeLessThanOrEqual(1e-6);
    const zero = s.withMask(scaleMask(5, top, 0)).logits;
    const destroy = s.withMask(channelMask(5, top, 'destroy')).logits;
    expect(Array.from(zero)).toEqual(Array.from(destroy));
    // Adding a zero direction (strength 0: factor 1) changes nothing either.
    const added = s.withMask(scaleMask(5, top, 1), atomDirection([1, 2, 3, 4, 5], 2, 1, s.positions, addStrength(1))).logits;
    for (let i = 0; i < want.length; i++) expect(Math.abs(added[i] - want[i])).toBeLessThanOrEqual(1e-6);
    s.dispose();
    x.dispose();
  });

  it('on a planted linear head the logits move by the closed-form amount', () => {
    const model = planted();
    const x = randomImages([2, 2, 2, 2], 11);
    const h = tf.model({ inputs: model.inputs, outputs: model.getLayer('h').output as tf.SymbolicTensor });
    const act = (h.predict(x) as tf.Tensor).dataSync(); // B x 2 x 2 x 3
    const W = model.getLayer('out').getWeights()[0].dataSync(); // 12 x 4, row = p*3 + c
    const [B, P, C, K] = [2, 4, 3, 4];
    const s = new AblationSession(new Executor(model), x, 'h');
    expect(s.positions).toBe(P);
    const base = s.withMask(new Float32Array(C).fill(1)).logits;
    // Scale channels {0, 2} by 2.5: dz_j = (f - 1) * sum_p sum_{c in picked} h[p, c] W[p*C + c, j].
    const f = 2.5;
    const scaled = s.withMask(scaleMask(C, [0, 2], f)).logits;
    // Add a direction: atom [1, -2, 0.5], std 3, code 0.8, strength f - 1, over P positions.
    const atom = [1, -2, 0.5];
    const dir = atomDirection(atom, 3, 0.8, P, addStrength(f));
    const steered = s.withMask(new Float32Array(C).fill(1), dir).logits;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < K; j++) {
        let dScale = 0;
        let dAdd = 0;
        for (let p = 0; p < P; p++) {
          for (const c of [0, 2]) dScale += (f - 1) * act[b * P * C + p * C + c] * W[(p * C + c) * K + j];
          for (let c = 0; c < C; c++) dAdd += ((f - 1) * 0.8 * 3 * atom[c] / P) * W[(p * C + c) * K + j];
        }
        expect(scaled[b * K + j] - base[b * K + j]).toBeCloseTo(dScale, 4);
        expect(steered[b * K + j] - base[b * K + j]).toBeCloseTo(dAdd, 4);
      }
    }
    s.dispose();
    x.dispose();
  });
});
