import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { rng } from '../util/rng';
import { Adam } from './adam';
import { inference } from './arch';
import { resolveConfig } from './config';
import { ARCHS } from './kinds';
import { drawWeighted, reviveDeadModes } from './revive';
import { plantedDictionary } from './testData';
import type { SaeKind } from './types';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('dead-mode revival', () => {
  it('drawWeighted() draws distinct indices with positive weight only', () => {
    const r = rng(3);
    expect(drawWeighted([0, 0, 5, 0], 3, r)).toEqual([2]);
    const got = drawWeighted([1, 0, 1, 1], 5, r).sort();
    expect(got).toEqual([0, 2, 3]);
    // Proportional: index 1 (weight 9) is drawn first far more often than index 0 (weight 1).
    let first1 = 0;
    for (let t = 0; t < 2000; t++) first1 += drawWeighted([1, 9], 1, r)[0];
    expect(first1 / 2000).toBeGreaterThan(0.85);
    expect(first1 / 2000).toBeLessThan(0.95);
  });

  it.each<SaeKind>(['stsae', 'topk'])('reviveDeadModes() (%s) re-initialises every dead mode toward a row and clears its moments', async (kind) => {
    const d = 8;
    const n = 40;
    const { data } = plantedDictionary({ nAtoms: 6, d, active: 2, n, lo: 0.8, hi: 1.2, seed: 2 });
    // STSAE at tau 0.99: no sigmoid code of a fresh encoder reaches it, so every mode is dead.
    // TopK with a zeroed encoder: every pre-activation is 0, so no mode fires.
    const config = resolveConfig(d, { kind, K: 12, tau: 0.99, topk: 2 });
    const init = ARCHS[kind].init(config, rng(1), new Float32Array(d));
    if (kind === 'topk') init.wEnc.data.fill(0);
    const names = Object.keys(init);
    const vars: Record<string, tf.Variable> = {};
    for (const k of names) vars[k] = tf.variable(tf.tensor(init[k].data, init[k].shape));
    const X = tf.tensor2d(data, [n, d]);
    const adam = new Adam(names.map((k) => vars[k]), 0.01);
    const fires = () => tf.tidy(() => Array.from(ARCHS[kind].encode(vars, X, config, inference).greater(0).any(0).dataSync()));
    expect(fires().every((f) => !f)).toBe(true);
    // One step so that the moments are non-zero.
    adam.step(names.map((k) => tf.onesLike(vars[k])));
    const train = Int32Array.from({ length: n }, (_, i) => i);
    const revived = await reviveDeadModes({ arch: ARCHS[kind], vars, names, adam, X, train, config, random: rng(5) });
    expect(revived).toBe(12);
    // Every revived STSAE mode fires (on the row it was revived toward); TopK keeps 2 a row.
    const f = fires();
    if (kind === 'stsae') expect(f.every(Boolean)).toBe(true);
    else expect(f.filter(Boolean).length).toBeGreaterThanOrEqual(2);
    // The atoms changed, and their moments were cleared: a zero-gradient step leaves them as they are.
    const atoms = vars.atoms.dataSync().slice();
    expect(Array.from(atoms)).not.toEqual(Array.from(init.atoms.data));
    adam.step(names.map((k) => tf.zerosLike(vars[k])));
    expect(Array.from(vars.atoms.dataSync())).toEqual(Array.from(atoms));
    adam.dispose();
    tf.dispose([X, ...Object.values(vars)]);
  });
});
