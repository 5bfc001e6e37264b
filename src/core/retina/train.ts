/**
 * Fitting the student to simulated spikes: Adam on the Poisson loss `mean(r_hat - y log r_hat)`
 * (plus the layers' L2 penalties) over shuffled minibatches, BatchNorm and Gaussian noise in
 * training mode, and the held-out correlation with the true rates after every epoch; the weights
 * of the best epoch are restored at the end. The learning rate decays in steps over the last
 * epochs, or, with a time budget, along a cosine over the budget (training stops when it is spent).
 */
import * as tf from '@tensorflow/tfjs';
import { check, throwIfAborted } from '../errors';
import { rng } from '../util/rng';
import { batchWindows, type RetinaDataset } from './dataset';
import { rateCorrelation } from './evaluate';

export interface EpochInfo {
  epoch: number;
  loss: number;
  /** Mean over cells of the held-out Pearson correlation with the true rates. */
  heldOut: number;
  perCell: number[];
  seconds: number;
}

export interface TrainStudentOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Multiply the learning rate by this after each of the last `decayEpochs` epochs. Default 0.5. */
  decay?: number;
  decayEpochs?: number;
  /**
   * Stop after this many seconds (mid-epoch; the held-out correlation is measured then). When
   * finite, the learning rate follows lr * max(0.02, (1 + cos(pi t / budget)) / 2) over time t
   * instead of the step decay. Default Infinity.
   */
  timeBudgetSeconds?: number;
  seed?: number;
  signal?: AbortSignal;
  onEpoch?: (info: EpochInfo) => void;
  onBatch?: (done: number, total: number, loss: number) => void;
}

export async function trainStudent(model: tf.LayersModel, train: RetinaDataset, heldOut: RetinaDataset, options: TrainStudentOptions = {}): Promise<EpochInfo[]> {
  const { epochs = 10, batchSize = 128, learningRate = 2e-3, decay = 0.5, decayEpochs = 3, timeBudgetSeconds = Infinity, seed = 1, signal, onEpoch, onBatch } = options;
  check(Number.isInteger(epochs) && epochs >= 1, () => `trainStudent: epochs must be an integer >= 1, but got ${epochs}.`);
  check(train.cells === model.outputs[0].shape[1], () => `trainStudent: the data has ${train.cells} cells, the model ${model.outputs[0].shape[1]} outputs.`);
  const opt = tf.train.adam(learningRate);
  model.compile({ optimizer: opt, loss: 'poisson' });
  const random = rng(seed);
  const s = train.movies[0].size;
  const history: EpochInfo[] = [];
  let best = -Infinity;
  let bestWeights: tf.Tensor[] | null = null;
  const start = Date.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const setLr = (lr: number) => ((opt as unknown as { learningRate: number }).learningRate = lr);
    const timed = Number.isFinite(timeBudgetSeconds);
    if (!timed && epoch >= epochs - decayEpochs) setLr(learningRate * decay ** (epoch - (epochs - decayEpochs) + 1));
    const order = Array.from({ length: train.n }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    let batches = 0;
    let outOfTime = false;
    for (let b = 0; b + batchSize <= order.length; b += batchSize) {
      throwIfAborted(signal, 'trainStudent');
      const elapsed = (Date.now() - start) / 1000;
      if (timed) {
        if (elapsed > timeBudgetSeconds) {
          outOfTime = true;
          break;
        }
        setLr(learningRate * Math.max(0.02, (1 + Math.cos((Math.PI * elapsed) / timeBudgetSeconds)) / 2));
      }
      const rows = order.slice(b, b + batchSize);
      const x = tf.tensor4d(batchWindows(train, rows, train.window), [rows.length, s, s, train.window]);
      const y = tf.tensor2d(Float32Array.from(rows.flatMap((r) => Array.from(train.spikes.subarray(r * train.cells, (r + 1) * train.cells)))), [rows.length, train.cells]);
      const l = (await model.trainOnBatch(x, y)) as number;
      tf.dispose([x, y]);
      lossSum += l;
      batches++;
      onBatch?.(b + batchSize, order.length, l);
      if (batches % 8 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    const perCell = rateCorrelation(model, heldOut);
    const info = { epoch: epoch + 1, loss: lossSum / Math.max(1, batches), heldOut: perCell.reduce((a, c) => a + c, 0) / perCell.length, perCell, seconds: (Date.now() - start) / 1000 };
    history.push(info);
    onEpoch?.(info);
    if (info.heldOut > best) {
      best = info.heldOut;
      tf.dispose(bestWeights ?? []);
      bestWeights = model.getWeights().map((w) => w.clone());
    }
    if (outOfTime || info.seconds > timeBudgetSeconds) break;
  }
  if (bestWeights) {
    model.setWeights(bestWeights);
    tf.dispose(bestWeights);
  }
  return history;
}
