/**
 * The STSAE threshold schedule (tauWarmup): at tau = 0.9 from the start no sigmoid code of a fresh
 * STSAE reaches the threshold, so no gradient flows and every mode stays dead; raising the training
 * threshold from 0.5 to 0.9 over the first epochs trains modes that, at the final tau, reconstruct
 * a planted dictionary's data. Weights are kept only from the epoch the threshold reaches tau.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { plantedDictionary } from './testData';
import { trainSae } from './train';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('STSAE threshold schedule', () => {
  it('tau 0.9 trains no mode without the schedule and trains modes with it', async () => {
    const d = 16;
    const n = 400;
    const p = plantedDictionary({ nAtoms: 12, d, active: 2, n, lo: 0.8, hi: 1.2, seed: 3 });
    const base = { kind: 'stsae' as const, K: 36, tau: 0.9, lr: 3e-3, batchSize: 128, maxEpochs: 40, patience: 40, seed: 2, revive: false };
    const cold = await trainSae(p.data, n, d, { ...base, tauWarmup: 0 });
    expect(cold.aliveModes.length).toBe(0);
    // Dead-mode revival alone also brings modes back (each fires on the row it was revived toward).
    const revived = await trainSae(p.data, n, d, { ...base, tauWarmup: 0, revive: true });
    expect(revived.revived).toBeGreaterThan(0);
    expect(revived.aliveModes.length).toBeGreaterThan(0);
    expect(revived.r2Global).toBeGreaterThan(cold.r2Global + 0.2);
    const warm = await trainSae(p.data, n, d, { ...base, tauWarmup: 15 });
    expect(warm.config.tau).toBe(0.9);
    expect(warm.config.tauWarmup).toBe(15);
    expect(warm.bestEpoch).toBeGreaterThanOrEqual(15);
    // The default (no tauWarmup given): the threshold warms up over 30% of the steps.
    const byDefault = await trainSae(p.data, n, d, { kind: 'stsae', K: 36, tau: 0.9, seed: 2, revive: false, maxEpochs: 40 });
    expect(byDefault.aliveModes.length).toBeGreaterThan(0);
    expect(warm.aliveModes.length).toBeGreaterThan(0);
    // This short run (40 epochs of 400 rows) reaches R^2 about 0.3 at tau 0.9; without the schedule it is <= 0.
    expect(warm.r2Global).toBeGreaterThan(0.2);
    expect(warm.r2Global).toBeGreaterThan(cold.r2Global + 0.2);
    // Codes at the final threshold: 0 or >= 0.9.
    const z = warm.encode(p.data.subarray(0, 100 * d), 100);
    expect(z.every((v) => v === 0 || v >= 0.9)).toBe(true);
  }, 60000);
});
