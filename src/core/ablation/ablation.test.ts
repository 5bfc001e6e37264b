import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { chainCnn, randomImages } from '../../../tests/helpers/models';
import { Executor } from '../model/executor';
import { AblationSession } from './ablate';
import { atomChannelScores, channelMask, topChannels } from './channels';
import { sweepTrials, trapezoidAuc } from './sweep';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('ablation', () => {
  it('topChannels takes k = max(1, floor(p/100*C)) largest signed entries', () => {
    const s = Float32Array.from([0.1, -2, 3, 0.5, 0.5, 1]);
    expect(topChannels(s, 1)).toEqual({ channels: [2], k: 1, fraction: 1 / 6 });
    expect(topChannels(s, 50).channels).toEqual([2, 5, 3]);
    expect(topChannels(s, 99).k).toBe(5);
    expect(() => topChannels(s, 0)).toThrow(/^topChannels: pct must be in \(0, 100\], but got 0\.$/);
  });

  it('atomChannelScores uses the positive half of an ei atom by default', () => {
    expect(Array.from(atomChannelScores([-1, -2, 3, 4], 2))).toEqual([3, 4]);
    expect(Array.from(atomChannelScores([-1, -2, 3, 4], 2, 'sum'))).toEqual([2, 2]);
    expect(() => atomChannelScores([1, 2, 3], 2)).toThrow(/atom has 3 entries, expected 2 or 4/);
  });

  it('channelMask destroys or preserves', () => {
    expect(Array.from(channelMask(4, [1, 3], 'destroy'))).toEqual([1, 0, 1, 0]);
    expect(Array.from(channelMask(4, [1, 3], 'preserve'))).toEqual([0, 1, 0, 1]);
    expect(() => channelMask(4, [1], 'smash' as never)).toThrow(/unknown ablation kind: smash/);
  });

  it('destroying a channel equals the model with that channel\'s outgoing weights zeroed', () => {
    const model = chainCnn();
    const x = randomImages([3, 6, 6, 1], 41);
    const exec = new Executor(model);
    const s = new AblationSession(exec, x, 'a');
    const got = s.withMask(channelMask(5, [2, 4], 'destroy')).logits;
    s.dispose();
    // Independent: zero kernel[:, :, c, :] of the next conv for c in {2, 4}, run predict.
    const b = model.getLayer('b');
    const [k, bias] = b.getWeights();
    const keep = tf.tensor1d([1, 1, 0, 1, 0]).reshape([1, 1, 5, 1]);
    b.setWeights([tf.mul(k, keep), bias]);
    const want = (model.predict(x) as tf.Tensor).dataSync();
    b.setWeights([k, bias]);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    tf.dispose([x, keep]);
  });

  it('AblationSession leaks no tensors over 50 ablations', () => {
    const exec = new Executor(chainCnn());
    const x = randomImages([2, 6, 6, 1], 43);
    const before = tf.memory().numTensors;
    const s = new AblationSession(exec, x, 'b');
    for (let i = 0; i < 50; i++) s.ablate(Float32Array.from([1, 2, 3, 4]), 1 + (i % 99), i % 2 ? 'destroy' : 'preserve');
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('sweepTrials recovers a planted selective ablation', () => {
    // 2 classes x 20 images: ablation at the 3rd pct onward kills class 0 only.
    const labels = Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1));
    const pcts = [10, 50, 90];
    const base = new Uint8Array(40).fill(1);
    const after = pcts.map((_, pi) => Uint8Array.from(labels, (l) => (l === 0 && pi >= 1 ? 0 : 1)));
    const r = sweepTrials({ base, after, fractions: [0.1, 0.5, 0.9] }, labels, 0, 2, { pcts, trials: 5 });
    expect(r.targetRatio).toEqual([1, 0, 0]);
    expect(r.offRatio).toEqual([1, 1, 1]);
    expect(r.aucTarget).toBeCloseTo(0.2, 10);
    expect(r.aucOff).toBeCloseTo(0.8, 10);
    expect(r.selectivity).toBeCloseTo(-0.75, 10);
    expect(r.trials).toBe(5);
  });

  it('sweepTrials skips and counts trials with zero original accuracy', () => {
    const labels = [0, 0, 1, 1];
    const r = sweepTrials({ base: Uint8Array.from([0, 0, 1, 1]), after: [Uint8Array.from([0, 0, 1, 1])], fractions: [0.5] }, labels, 0, 2, { pcts: [50], trials: 3 });
    expect(r.skippedTrials).toBe(3);
    expect(r.trials).toBe(0);
  });

  it('trapezoidAuc integrates a line exactly', () => {
    expect(trapezoidAuc([0, 0.5, 1], [0, 0.5, 1])).toBeCloseTo(0.5, 12);
  });
});
