/** The simulated retina: bipolar polarity, the analytic IRF against finite differences, ground truth, stimuli, no leaks. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { BIPOLAR_TYPES, spatialFilter, temporalFilter } from '../src/core/retina/bipolar';
import { poissonSpikes } from '../src/core/retina/ganglion';
import { retinaGroundTruth, trueIrf } from '../src/core/retina/groundTruth';
import { Retina } from '../src/core/retina/simulator';
import { STIMULUS_FAMILIES, makeMovie, movieWindows, windowData } from '../src/core/retina/stimuli';
import { rng } from '../src/core/util/rng';

let retina: Retina;

beforeAll(async () => {
  await useNodeBackend('wasm');
  retina = new Retina();
});

afterAll(() => retina.dispose());

const S = 20;
const T = 20;

/** A window that is gray, then a full-field flash of contrast c over its last `on` frames. */
function flashWindow(c: number, on: number): tf.Tensor4D {
  const data = new Float32Array(S * S * T);
  for (let i = 0; i < S * S; i++) for (let k = T - on; k < T; k++) data[i * T + k] = c;
  return tf.tensor4d(data, [1, S, S, T]);
}

describe('bipolar cells', () => {
  it('a full-field flash drives ON and OFF bipolars with opposite signs, as the separable filters predict', () => {
    const ids = BIPOLAR_TYPES.map((b) => b.id);
    for (const c of [0.8, -0.8]) {
      const x = flashWindow(c, 4);
      const st = retina.stages(x);
      const drive = st.drive.arraySync()[0];
      const out = st.bipolar.arraySync()[0];
      BIPOLAR_TYPES.forEach((b, j) => {
        // Independent: the response of polarity * S x T to a uniform step over lags 0..3 is
        // polarity * c * sum(S) * sum_{l<4} T(l), the same at every position; minus the threshold.
        const s = spatialFilter(b, 9).reduce((a, v) => a + v, 0);
        const t = temporalFilter(b, T).slice(0, 4).reduce((a, v) => a + v, 0);
        const expected = b.polarity * c * s * t - b.threshold;
        for (const [y, xx] of [[0, 0], [5, 7], [11, 11]]) expect(drive[y][xx][j]).toBeCloseTo(expected, 4);
      });
      // ON and OFF partners are exact opposites before the threshold, and the flash's sign decides which one fires.
      const on = ids.indexOf('on-fast');
      const off = ids.indexOf('off-fast');
      const onLinear = drive[3][3][on] + BIPOLAR_TYPES[on].threshold;
      const offLinear = drive[3][3][off] + BIPOLAR_TYPES[off].threshold;
      expect(onLinear).toBeCloseTo(-offLinear, 5);
      expect(Math.sign(onLinear)).toBe(Math.sign(c));
      if (c > 0) {
        expect(out[3][3][on]).toBeGreaterThan(0);
        expect(out[3][3][off]).toBe(0);
      } else {
        expect(out[3][3][off]).toBeGreaterThan(0);
        expect(out[3][3][on]).toBe(0);
      }
      tf.dispose([x, ...Object.values(st)]);
    }
  });
});

describe('trueIrf', () => {
  it('trueIrf equals a central finite-difference gradient of the simulator on a linear patch', () => {
    const random = rng(21);
    const data = Float32Array.from({ length: S * S * T }, () => (random() < 0.5 ? -0.6 : 0.6));
    const x = tf.tensor4d(data, [1, S, S, T]);
    const eps = 2e-3;
    // Every rectifier's state: the signs of the bipolar drive u and of the terminal input u - inhibition.
    const signs = (v: tf.Tensor4D) =>
      tf.tidy(() => {
        const st = retina.stages(v);
        return Array.from(tf.concat([tf.sign(st.drive).flatten(), tf.sign(st.terminalInput).flatten()]).dataSync()).join(',');
      });
    let checked = 0;
    for (let cell = 0; cell < retina.numCells; cell++) {
      const g = trueIrf(retina, x, cell);
      const gv = g.dataSync();
      // Directional derivative along a random direction, and single pixels near the cell's centre.
      const dirs: Float32Array[] = [Float32Array.from({ length: S * S * T }, () => random() - 0.5)];
      const [cy, cx] = retina.spec.cells[cell].center.map((v) => v + 4);
      for (const k of [T - 2, T - 4, T - 7]) {
        const e = new Float32Array(S * S * T);
        e[(Math.round(cy) * S + Math.round(cx)) * T + k] = 1;
        dirs.push(e);
      }
      for (const d of dirs) {
        const plus = tf.tensor4d(data.map((v, i) => v + eps * d[i]), [1, S, S, T]);
        const minus = tf.tensor4d(data.map((v, i) => v - eps * d[i]), [1, S, S, T]);
        // The linear patch: no rectifier changes state between x - eps d and x + eps d.
        const same = signs(plus) === signs(minus);
        if (same) {
          const rp = tf.tidy(() => retina.rates(plus).dataSync()[cell]);
          const rm = tf.tidy(() => retina.rates(minus).dataSync()[cell]);
          const fd = (rp - rm) / (2 * eps);
          const an = d.reduce((s, v, i) => s + v * gv[i], 0);
          expect(Math.abs(fd - an)).toBeLessThan(2e-3 * Math.max(1, Math.abs(an)));
          checked++;
        }
        tf.dispose([plus, minus]);
      }
      g.dispose();
    }
    // Nearly every probe lies on a linear patch at this eps; the test must have checked many.
    expect(checked).toBeGreaterThanOrEqual(24);
    x.dispose();
  });

  it('trueIrf of a batch equals the per-window gradients, and rates/stages/trueIrf leak no tensors', () => {
    const m = makeMovie('natural', { frames: 40, seed: 3 });
    const x = movieWindows(m, [25, 30, 39]);
    const before = tf.memory().numTensors;
    const all = trueIrf(retina, x, 2);
    const one = tf.tidy(() => trueIrf(retina, tf.slice(x, [1, 0, 0, 0], [1, -1, -1, -1]), 2));
    const a = all.slice([1, 0, 0, 0], [1, -1, -1, -1]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, one))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([all, one, a]);
    tf.tidy(() => {
      retina.rates(x);
    });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    expect(() => trueIrf(retina, x, 99)).toThrow(/^trueIrf: cell must be in \[0, 8\), but got 99\.$/);
  });
});

describe('ground truth and stimuli', () => {
  it('retinaGroundTruth lists every planted connection with unit-norm filters', () => {
    const gt = retinaGroundTruth(retina.spec);
    expect(gt.bipolarTypes.map((b) => b.id)).toEqual(['off-fast', 'off-slow', 'on-fast', 'on-slow']);
    for (const b of gt.bipolarTypes) {
      expect(Math.hypot(...b.spatial)).toBeCloseTo(1, 4);
      expect(Math.hypot(...b.temporal)).toBeCloseTo(1, 4);
    }
    retina.spec.cells.forEach((c, i) => {
      expect(gt.cells[i].inputs).toEqual(Object.fromEntries(gt.bipolarTypes.map((b, j) => [b.id, c.inputs[j]])));
      expect(gt.classes).toContain(c.cellClass);
    });
    expect(JSON.parse(JSON.stringify(gt))).toEqual(gt);
  });

  it('makeMovie is deterministic for a seed, differs across seeds, and stays in [-1, 1]', () => {
    for (const f of STIMULUS_FAMILIES) {
      const a = makeMovie(f, { frames: 60, seed: 5 });
      const b = makeMovie(f, { frames: 60, seed: 5 });
      const c = makeMovie(f, { frames: 60, seed: 6 });
      expect(a.frames.every((v, i) => v === b.frames[i])).toBe(true);
      expect(a.frames.some((v, i) => v !== c.frames[i])).toBe(true);
      expect(Math.max(...a.frames.map(Math.abs))).toBeLessThanOrEqual(1);
    }
    expect(() => makeMovie('noise')).toThrow(/^unknown stimulus family: noise \(expected one of whiteNoise, natural, flash, bars, objectMotion\)$/);
  });

  it('windowData puts frame t - 19 + k in channel k', () => {
    const m = makeMovie('whiteNoise', { frames: 30, seed: 2 });
    const w = windowData(m, [25]);
    for (const [pix, k] of [[0, 0], [37, 19], [399, 5]]) expect(w[pix * T + k]).toBe(m.frames[(25 - 19 + k) * S * S + pix]);
    expect(() => windowData(m, [10])).toThrow(/^movieWindows: time 10 is outside \[19, 29\]\.$/);
  });

  it('poissonSpikes has the Poisson mean and variance', () => {
    const lam = Float32Array.from({ length: 20000 }, (_, i) => (i % 2 ? 2 : 40));
    const k = poissonSpikes(lam, rng(4));
    for (const [off, l] of [[1, 2], [0, 40]]) {
      const v = Array.from(k).filter((_, i) => i % 2 === off);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
      expect(Math.abs(mean - l)).toBeLessThan(0.05 * l);
      expect(Math.abs(variance - l)).toBeLessThan(0.1 * l);
    }
  });
});
