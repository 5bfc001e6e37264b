/**
 * The retina view's bundle (public/demo/retina/view.json, `npm run retina:view`): the int8 packing,
 * the view's helpers, and the shipped bundle checked against the simulator's planted ground truth
 * and the shipped student, recomputed here (true rates, the true IRF by tf.grad of the simulator,
 * and the conductance maps' completeness: per cell the channels' contributions add up to the
 * student's rate change from the gray baseline).
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromDisk } from '../src/cli/modelFiles';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { trueIrf } from '../src/core/retina/groundTruth';
import { rank1 } from '../src/core/retina/irf';
import { Retina } from '../src/core/retina/simulator';
import { makeMovie, windowData } from '../src/core/retina/stimuli';
import { pack, unpack, type RetinaViewBundle } from '../src/core/retina/viewBundle';
import { cellTypeProfile, cosineOf, nearestMoment } from '../src/app/retina/wiring';

const DIR = 'public/demo/retina';
const shipped = existsSync(`${DIR}/view.json`) && existsSync(`${DIR}/student/model.json`);

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('view bundle packing and helpers', () => {
  it('pack/unpack round-trips within half a quantisation step', () => {
    const v = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i * 0.37) * 3.2 - 0.5);
    const p = pack(v);
    const u = unpack(p);
    expect(p.scale).toBeCloseTo(Math.max(...v.map(Math.abs)), 6);
    for (let i = 0; i < v.length; i++) expect(Math.abs(u[i] - v[i])).toBeLessThanOrEqual(p.scale / 254 + 1e-6);
    expect(Array.from(unpack(pack([0, 0, 0])))).toEqual([0, 0, 0]);
    expect(unpack(pack([-2, 2]))[0]).toBeCloseTo(-2, 6);
  });

  it('cellTypeProfile adds channels per matched type and averages over moments; nearestMoment', () => {
    const cm = (channelNet: number[]) => ({ channelNet }) as never;
    const view = {
      types: ['a', 'b'],
      channelType: [1, -1, 0, 1],
      movies: [{ moments: [{ t: 20, cells: [cm([1, 5, 2, 3])] }, { t: 30, cells: [cm([3, 5, 0, 1])] }] }],
    } as unknown as RetinaViewBundle;
    // type a = channel 2: (2 + 0) / 2; type b = channels 0 and 3: (1 + 3 + 3 + 1) / 2.
    expect(cellTypeProfile(view, 0)).toEqual([1, 4]);
    expect(cosineOf([1, 0], [0, 1])).toBe(0);
    expect(cosineOf([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(nearestMoment([{ t: 20 }, { t: 30 }, { t: 40 }], 34)).toBe(1);
    expect(nearestMoment([{ t: 20 }, { t: 30 }, { t: 40 }], 36)).toBe(2);
  });
});

describe.skipIf(!shipped)('shipped view.json against the planted ground truth', () => {
  const view = shipped ? (JSON.parse(readFileSync(`${DIR}/view.json`, 'utf8')) as RetinaViewBundle) : null!;

  it('has every stimulus family, the planted wiring and the report channel matching', () => {
    const retina = new Retina();
    const report = JSON.parse(readFileSync(`${DIR}/report.json`, 'utf8'));
    expect(view.movies.map((m) => m.family).sort()).toEqual(['bars', 'flash', 'natural', 'objectMotion', 'whiteNoise']);
    expect(view.cells.map((c) => c.inputs)).toEqual(retina.spec.cells.map((c) => c.inputs));
    report.filterMatch.shifted.typeToChannel.forEach((ch: number, j: number) => expect(view.channelType[ch]).toBe(j));
    // The modes come from the report's STSAE (retrained with its settings: the same fit).
    const rep = report.layers[0].rateSae;
    expect(view.sae).toMatchObject({ K: rep.K, tau: report.settings.tau, alive: rep.alive });
    expect(Math.abs(view.sae.r2 - rep.r2)).toBeLessThan(1e-3);
    let active = 0;
    for (const m of view.movies)
      for (const mo of m.moments)
        for (const c of mo.cells) {
          // Codes are 0 or >= tau; only active ones are listed, largest share first.
          for (const x of c.modes) expect(x.code).toBeGreaterThanOrEqual(report.settings.tau);
          for (let i = 1; i < c.modes.length; i++) expect(c.modes[i].share).toBeLessThanOrEqual(c.modes[i - 1].share);
          active += c.modes.length > 0 ? 1 : 0;
        }
    expect(active).toBeGreaterThan(0);
    retina.dispose();
  });

  it('true rates, the true IRF (tf.grad of the simulator) and conductance completeness, recomputed', async () => {
    const retina = new Retina();
    const { model } = await loadModelFromDisk(`${DIR}/student/model.json`);
    const { size, frames } = view;
    for (const family of ['flash', 'objectMotion']) {
      const m = view.movies.find((x) => x.family === family)!;
      const movie = makeMovie(family, { frames: m.length, size, seed: m.seed });
      // The movie itself (int8 in the bundle).
      const packed = unpack(m.frames);
      const scale = m.frames.scale;
      for (let i = 0; i < movie.frames.length; i += 97) expect(Math.abs(packed[i] - movie.frames[i])).toBeLessThanOrEqual(scale / 254 + 1e-6);
      // True rates at every time.
      const rates = retina.ratesOf(windowData(movie, m.times, frames), m.times.length);
      m.times.forEach((_, i) => m.trueRates[i].forEach((r, c) => expect(Math.abs(r - rates[i * retina.numCells + c])).toBeLessThan(1e-3)));
      const mo = m.moments[1];
      const data = windowData(movie, [mo.t], frames);
      const x = tf.tensor4d(data, [1, size, size, frames]);
      const F = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
      const F0 = tf.tidy(() => (model.predict(tf.zerosLike(x)) as tf.Tensor).dataSync());
      for (const cell of [0, 1, 3]) {
        const cm = mo.cells[cell];
        // Ground truth IRF.
        const g = trueIrf(retina, x, cell);
        const r1 = rank1(g.dataSync(), frames);
        g.dispose();
        const sp = unpack(cm.trueIrf.spatial);
        for (let i = 0; i < sp.length; i++) expect(Math.abs(sp[i] - r1.spatial[i])).toBeLessThanOrEqual(cm.trueIrf.spatial.scale / 254 + 1e-4);
        cm.trueIrf.temporal.forEach((v, k) => expect(Math.abs(v - r1.temporal[k])).toBeLessThan(1e-3));
        // Completeness of the first-layer conductance for this cell's rate (relu1 is a cut of the student).
        const sum = cm.channelNet.reduce((a, b) => a + b, 0);
        const dF = F[cell] - F0[cell];
        const sumAbs = cm.channelNet.reduce((a, b) => a + Math.abs(b), 0);
        expect(Math.abs(sum - dF)).toBeLessThan(0.05 * Math.max(Math.abs(dF), sumAbs));
        // The maps sum over space to the per-channel numbers (up to int8 quantisation).
        const maps = unpack(cm.channelMaps);
        const C = cm.channelNet.length;
        const perCh = cm.channelNet.map((_, c) => maps.filter((_, i) => i % C === c).reduce((a, b) => a + b, 0));
        perCh.forEach((v, c) => expect(Math.abs(v - cm.channelNet[c])).toBeLessThan((cm.channelMaps.scale / 254) * view.mapSize * view.mapSize + 1e-3));
      }
      x.dispose();
    }
    retina.dispose();
    model.dispose();
  }, 60000);
});
