/**
 * CODEC on the retina student against the simulator's ground truth: the filter matching through
 * studentFilters on a student with planted first-layer filters (known answer), the recovery reached
 * by the shipped student (asserted at the level it reaches, see below), and one small end-to-end
 * analyzeRetina run (completeness at the cut layers, IRFs, no leaked tensors).
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromDisk } from '../src/cli/modelFiles';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { analyzeRetina } from '../src/core/retina/analysis';
import { BIPOLAR_TYPES, bipolarFilter } from '../src/core/retina/bipolar';
import { matchFilters, separableFilters } from '../src/core/retina/matching';
import { Retina } from '../src/core/retina/simulator';
import { buildStudent, studentFilters } from '../src/core/retina/student';

const MODEL = 'public/demo/retina/student/model.json';
const shipped = existsSync(MODEL);
if (!shipped) console.warn(`[retinaCodec.test] ${MODEL} is missing: run \`npx tsx scripts/train-retina.ts\`; the shipped-student tests are skipped.`);

const D = 9 * 9 * 20;

function plantedFilters(): Float32Array {
  const out = new Float32Array(4 * D);
  BIPOLAR_TYPES.forEach((b, j) => out.set(bipolarFilter(b), j * D));
  return out;
}

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('studentFilters + matchFilters', () => {
  it('a student whose conv1 holds the planted filters (one sign-flipped through BatchNorm) matches all four with cosine 1', () => {
    const model = buildStudent({ cells: 8, seed: 3 });
    const conv = model.getLayer('conv1');
    const [kernel, bias] = conv.getWeights();
    const k = kernel.dataSync().slice();
    const planted = plantedFilters();
    // Types 0..3 go to channels 5, 2, 7, 0; channel 7's filter is stored negated and its BN gamma made negative.
    const target = [5, 2, 7, 0];
    target.forEach((ch, j) => {
      for (let i = 0; i < D; i++) k[i * 8 + ch] = (ch === 7 ? -1 : 1) * 3 * planted[j * D + i];
    });
    conv.setWeights([tf.tensor(k, kernel.shape), bias]);
    const bn = model.getLayer('bn1');
    const bw = bn.getWeights();
    const gamma = bw[0].dataSync().slice();
    gamma[7] = -0.5;
    bn.setWeights([tf.tensor(gamma, bw[0].shape), ...bw.slice(1)]);
    const sf = studentFilters(model);
    expect(sf.channels).toBe(8);
    const m = matchFilters(planted, sf.filters, { size: 9, frames: 20, maxShift: 1 });
    expect(m.typeToChannel).toEqual(target);
    for (const c of m.matched) expect(c).toBeCloseTo(1, 5);
    expect(m.recovered).toBe(4);
    model.dispose();
  });
});

describe('shipped student against the planted types', () => {
  it.skipIf(!shipped)('the shipped student recovers the planted bipolar types it is stated to (see the comment)', async () => {
    const { model } = await loadModelFromDisk(MODEL);
    const sf = studentFilters(model);
    const m = matchFilters(plantedFilters(), sf.filters, { size: 9, frames: 20, maxShift: 2 });
    const sep = matchFilters(plantedFilters(), separableFilters(sf.filters, 20, D), { size: 9, frames: 20, maxShift: 2 });
    console.log(`[retinaCodec.test] matched cosines (shift <= 2 px): ${m.matched.map((v) => v.toFixed(3)).join(' ')}; separable parts: ${sep.matched.map((v) => v.toFixed(3)).join(' ')}`);
    // The issue asks for >= 3 of 4 types with matched cosine > 0.8. The shipped student (80 training
    // movies, held-out r = 0.993, 1081 s of training on WASM, the epoch kept by held-out fit alone)
    // reaches 3 of 4 on its raw filters (best shift <= 2 px): off-fast 0.840, off-slow 0.811, on-fast
    // 0.887, on-slow 0.784 (under), each type to its own channel. The earlier student, trained on 40
    // movies, reached 2 (0.815, 0.724, 0.853, 0.798). What keeps on-slow under is noise in its
    // 1620-weight filter, not the wrong type: the rank-1 space x time (separable) part of each matched
    // filter reaches 0.95, 0.95, 0.96, 0.88, so all 4 types are recovered there.
    expect(m.recovered).toBeGreaterThanOrEqual(3);
    for (const c of m.matched) expect(c).toBeGreaterThan(0.75);
    expect(sep.recovered).toBe(4);
    // Each type goes to a distinct channel, the same one in both readings.
    expect(sep.typeToChannel).toEqual(m.typeToChannel);
    model.dispose();
  });

  it.skipIf(!shipped)('analyzeRetina on the shipped student: complete contributions, IRFs, every score present, no leaked tensors', async () => {
    const { model } = await loadModelFromDisk(MODEL);
    const retina = new Retina();
    const before = tf.memory().numTensors;
    const r = await analyzeRetina(model, retina, { perFamily: 4, cellPerFamily: 2, irfPerFamily: 1, steps: 20, saeEpochs: 15, seed: 7 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.layers.map((l) => l.name)).toEqual(['relu1', 'conv2']);
    for (const l of r.layers) {
      // Both hidden layers are cuts: conductance sums to F(x) - F(x0) (20 steps).
      expect(l.completeness.surprisal).toBeLessThan(0.05);
      expect(l.completeness.rate).toBeLessThan(0.05);
      expect(l.usage).toHaveLength(8);
      expect(l.surprisalSae.K).toBe(160);
      expect(l.familyModes).toHaveLength(8);
    }
    expect(r.layers[0].cellWiring).toHaveLength(8);
    expect(r.irf.perCell).toHaveLength(8);
    expect(r.irf.moments).toBe(5);
    for (const a of r.irf.perCell) expect(a.full).toBeGreaterThan(0);
    retina.dispose();
    model.dispose();
  });
});
