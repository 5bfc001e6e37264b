import { describe, expect, it } from 'vitest';
import { defaultK, resolveConfig } from './config';
import { makeSchedule } from './schedule';

describe('SAE schedule (steps, not epochs)', () => {
  it('makeSchedule() caps the batch so small sets get several steps an epoch; steps are the same at every size', () => {
    const c = resolveConfig(8, {});
    const at = (nTrain: number) => makeSchedule(c, nTrain);
    expect([at(45).batch, at(45).stepsPerEpoch, at(45).steps]).toEqual([16, 3, 2000]);
    expect([at(180).batch, at(180).stepsPerEpoch, at(180).steps]).toEqual([23, 8, 2000]);
    expect([at(1800).batch, at(1800).stepsPerEpoch, at(1800).steps]).toEqual([128, 15, 2000]);
    expect(at(10).batch).toBe(10);
    // At most 100 evaluations, each after a whole number of epochs.
    expect(at(45).evalEvery).toBe(3 * Math.ceil(667 / 100));
    expect(at(1800).evalEvery).toBe(15 * Math.ceil(134 / 100));
    // maxEpochs cuts the steps.
    expect(makeSchedule(resolveConfig(8, { maxEpochs: 1 }), 180).steps).toBe(8);
  });

  it('lrAt(): linear warm-up over 5% of the steps, then cosine decay to 10% of the peak', () => {
    const s = makeSchedule(resolveConfig(8, { lr: 1e-3, steps: 1000 }), 500);
    expect(s.lrAt(25)).toBeCloseTo(0.5e-3, 12);
    expect(s.lrAt(50)).toBeCloseTo(1e-3, 12);
    // Half-way through the decay: 0.1 + 0.9 * 0.5 of the peak.
    expect(s.lrAt(525)).toBeCloseTo(0.55e-3, 12);
    expect(s.lrAt(1000)).toBeCloseTo(1e-4, 12);
    const flat = makeSchedule(resolveConfig(8, { lr: 1e-3, steps: 1000, lrSchedule: 'constant', lrWarmup: 0 }), 500);
    expect([flat.lrAt(1), flat.lrAt(1000)]).toEqual([1e-3, 1e-3]);
  });

  it('tauAt(): the STSAE threshold rises from 0.5 to tau over 30% of the steps (or tauWarmup epochs); none for TopK', () => {
    const s = makeSchedule(resolveConfig(8, { tau: 0.8, steps: 1000 }), 500);
    expect(s.tauWarmSteps).toBe(300);
    expect(s.tauAt(0)).toBeCloseTo(0.5, 12);
    expect(s.tauAt(150)).toBeCloseTo(0.65, 12);
    expect([s.tauAt(300), s.tauAt(1000)]).toEqual([0.8, 0.8]);
    const epochs = makeSchedule(resolveConfig(8, { tau: 0.8, steps: 1000, tauWarmup: 2 }), 500);
    expect(epochs.tauWarmSteps).toBe(2 * epochs.stepsPerEpoch);
    expect(makeSchedule(resolveConfig(8, { tauWarmup: 0 }), 500).tauWarmSteps).toBe(0);
    expect(makeSchedule(resolveConfig(8, { kind: 'topk' }), 500).tauAt(1)).toBeUndefined();
  });

  it('defaultK(): 3d, capped at max(8, floor(nTrain / 2))', () => {
    expect([defaultK(64, 45), defaultK(64, 180), defaultK(64, 1800), defaultK(2, 10)]).toEqual([22, 90, 192, 6]);
    expect(defaultK(64, 10)).toBe(8);
    expect(resolveConfig(64, { K: 300 }, 45).K).toBe(300);
  });
});
