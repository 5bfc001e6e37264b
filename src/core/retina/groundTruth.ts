/**
 * What was planted in the simulated retina, as plain JSON (shipped beside the student), and the
 * true instantaneous receptive field: the gradient of a cell's rate with respect to the input
 * window at that moment, through the amacrine paths and the softplus slope (tf.grad).
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import { spatialFilter, temporalFilter } from './bipolar';
import type { Retina, RetinaSpec } from './simulator';

export interface RetinaGroundTruth {
  format: 'codec-retina-ground-truth';
  version: 1;
  size: number;
  frames: number;
  kernelSize: number;
  /** Input layout: (size, size, frames), channel k = frame t - (frames - 1) + k. */
  layout: string;
  bipolarTypes: {
    id: string;
    polarity: number;
    threshold: number;
    /** Unit-norm spatial profile (kernelSize^2, row-major) and temporal profile by lag (index 0 = the current frame). */
    spatial: number[];
    temporal: number[];
    params: Record<string, number>;
  }[];
  amacrineTypes: { id: string; sigma: number; inputs: Record<string, number> }[];
  /** Inhibition of each bipolar type's terminals by each amacrine type. */
  inhibition: Record<string, Record<string, number>>;
  cells: {
    id: string;
    cellClass: string;
    center: [number, number];
    sigma: number;
    /** Planted input weights by bipolar type id (0 = not connected). */
    inputs: Record<string, number>;
    amacrine: Record<string, number>;
    bias: number;
    gain: number;
  }[];
  classes: string[];
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function retinaGroundTruth(spec: RetinaSpec): RetinaGroundTruth {
  const ids = spec.bipolar.map((b) => b.id);
  const am = spec.amacrine.map((a) => a.id);
  const byId = (ws: number[], names: string[]) => Object.fromEntries(names.map((n, i) => [n, ws[i]]));
  return {
    format: 'codec-retina-ground-truth',
    version: 1,
    size: spec.size,
    frames: spec.frames,
    kernelSize: spec.kernelSize,
    layout: 'input (size, size, frames); channel k = frame t - (frames - 1) + k (oldest first)',
    bipolarTypes: spec.bipolar.map((b) => ({
      id: b.id,
      polarity: b.polarity,
      threshold: b.threshold,
      spatial: Array.from(spatialFilter(b, spec.kernelSize), round),
      temporal: Array.from(temporalFilter(b, spec.frames), round),
      params: { centerSigma: b.centerSigma, surroundSigma: b.surroundSigma, surroundWeight: b.surroundWeight, tau1: b.tau1, tau2: b.tau2, biphasic: b.biphasic },
    })),
    amacrineTypes: spec.amacrine.map((a) => ({ id: a.id, sigma: a.sigma, inputs: byId(a.inputs, ids) })),
    inhibition: Object.fromEntries(ids.map((id, j) => [id, byId(spec.inhibition[j], am)])),
    cells: spec.cells.map((c) => ({ id: c.id, cellClass: c.cellClass, center: c.center, sigma: c.sigma, inputs: byId(c.inputs, ids), amacrine: byId(c.amacrine, am), bias: c.bias, gain: c.gain })),
    classes: [...new Set(spec.cells.map((c) => c.cellClass))],
  };
}

/**
 * Instantaneous receptive fields d r_c / d x for every window of x (B, size, size, frames) and
 * cell c: (B, size, size, frames). Windows are independent, so one gradient of the batch sum
 * gives each window's own gradient.
 */
export function trueIrf(retina: Retina, x: tf.Tensor4D, cell: number): tf.Tensor4D {
  check(Number.isInteger(cell) && cell >= 0 && cell < retina.numCells, () => `trueIrf: cell must be in [0, ${retina.numCells}), but got ${cell}.`);
  return tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(retina.rates(xx as tf.Tensor4D), [0, cell], [-1, 1])))(x) as tf.Tensor4D);
}

/** The same for any model mapping windows to rates (B, cells): the student's IRF. */
export function modelIrf(model: { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] }, x: tf.Tensor4D, cell: number): tf.Tensor4D {
  return tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(model.predict(xx) as tf.Tensor2D, [0, cell], [-1, 1])))(x) as tf.Tensor4D);
}
