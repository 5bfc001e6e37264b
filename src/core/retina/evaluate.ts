/** How well a model predicts the simulator: its rates on a data set and their per-cell Pearson correlation with the true rates. */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import { pearson } from '../metrics/stats';
import { batchWindows, type RetinaDataset } from './dataset';

/** The model's rates for every sample of `ds` (N x cells). */
export function predictRates(model: tf.LayersModel, ds: RetinaDataset, batch = 256): Float32Array {
  const s = ds.movies[0].size;
  const out = new Float32Array(ds.n * ds.cells);
  for (let b = 0; b < ds.n; b += batch) {
    const rows = Array.from({ length: Math.min(batch, ds.n - b) }, (_, i) => b + i);
    const r = tf.tidy(() => model.predict(tf.tensor4d(batchWindows(ds, rows, ds.window), [rows.length, s, s, ds.window])) as tf.Tensor);
    check(r.shape[1] === ds.cells, () => `predictRates: the model has ${r.shape[1]} outputs, the data ${ds.cells} cells.`);
    out.set(r.dataSync(), b * ds.cells);
    r.dispose();
  }
  return out;
}

/** Per cell, Pearson correlation between predicted and true rates over the samples. */
export function correlationPerCell(pred: Float32Array, truth: Float32Array, n: number, cells: number): number[] {
  check(pred.length === n * cells && truth.length === n * cells, () => `correlationPerCell: both arrays must be ${n} x ${cells}.`);
  return Array.from({ length: cells }, (_, c) => {
    const a = Float32Array.from({ length: n }, (_, i) => pred[i * cells + c]);
    const b = Float32Array.from({ length: n }, (_, i) => truth[i * cells + c]);
    return pearson(a, b);
  });
}

/** The model's held-out correlation with the true rates, per cell. */
export function rateCorrelation(model: tf.LayersModel, ds: RetinaDataset): number[] {
  return correlationPerCell(predictRates(model, ds), ds.rates, ds.n, ds.cells);
}
