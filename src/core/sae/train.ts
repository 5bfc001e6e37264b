/**
 * Training of a sparse autoencoder (STSAE or TopK) on (n x d) rows:
 *   1. normalise: x / std (global std of all entries) when `normalize`;
 *   2. seeded split into training and validation rows, seeded init;
 *   3. epochs of shuffled mini-batches with Adam, the kind's projection after each step, and a
 *      yield to the event loop every few batches;
 *   4. after each epoch the validation loss decides: a relative improvement (> minDelta) keeps a
 *      copy of the weights; lrPatience epochs without one halve the learning rate; patience
 *      epochs without one stop (stoppedEarly);
 *   5. the best weights are kept (also on abort: cancelled), then codes of all rows give the
 *      alive modes and the reconstruction R^2.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import { aliveModes } from '../metrics/modeStats';
import { rng } from '../util/rng';
import { Adam } from './adam';
import { inference, type ForwardContext, type SaeArch, type TensorWeights } from './arch';
import { resolveConfig } from './config';
import { checkData, globalStd, rowMean, shuffle, splitRows } from './data';
import { ARCHS } from './kinds';
import { reconstructionR2 } from './r2';
import { makeTrainedSae } from './trained';
import type { SaeConfig, SaeHistory, SaeOptions, SaeWeights, TrainedSae } from './types';

/** Rows per tensor chunk when evaluating the validation loss. */
const EVAL_CHUNK = 2048;

/**
 * Yields to the event loop so that a worker stays responsive (messages, cancel). setImmediate
 * in Node; in a browser worker a MessageChannel message, since nested setTimeout(0) is clamped
 * to 4 ms; setTimeout(0) elsewhere.
 */
function pause(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Trains an SAE on `data` (n x d, row-major). See SaeOptions for every option and its default. */
export async function trainSae(data: Float32Array, n: number, d: number, options: SaeOptions = {}): Promise<TrainedSae> {
  checkData('trainSae', data, n, d);
  const config = resolveConfig(d, options);
  const { onEpoch, signal, yieldEvery = 4 } = options;
  check(Number.isInteger(yieldEvery) && yieldEvery >= 1, () => `trainSae: yieldEvery must be an integer >= 1, but got ${yieldEvery}.`);
  const random = rng(config.seed);
  const std = config.normalize ? globalStd(data) : 1;
  const { train, val } = splitRows(n, config.valFraction, random);
  const arch = ARCHS[config.kind];
  const init = arch.init(config, random, rowMean(data, d, train, std));
  const run = await fit({ arch, config, init, data, n, std, train, val, random }, { onEpoch, signal, yieldEvery });
  // Alive modes and R^2 over all rows given (training and validation).
  const { weights, ...found } = run;
  const model = makeTrainedSae({ format: 'codec-sae', version: 1, config, std, weights, summary: { ...found, r2Global: NaN, r2PerFeature: NaN, aliveModes: [] } });
  const z = await model.encodeAsync(data, n);
  const r2 = reconstructionR2(data, await model.decodeAsync(z, n), n, d);
  const summary = { ...found, r2Global: r2.global, r2PerFeature: r2.perFeature, aliveModes: aliveModes(z, n, config.K) };
  return makeTrainedSae({ format: 'codec-sae', version: 1, config, std, weights, summary });
}

interface FitJob {
  arch: SaeArch;
  config: SaeConfig;
  init: SaeWeights;
  data: Float32Array;
  n: number;
  std: number;
  train: Int32Array;
  val: Int32Array;
  random: () => number;
}

interface FitResult {
  weights: SaeWeights;
  history: SaeHistory;
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
}

interface FitHooks {
  onEpoch?: SaeOptions['onEpoch'];
  signal?: AbortSignal;
  yieldEvery: number;
}

/** The training loop proper; returns the best weights as plain data. No tensor outlives it. */
async function fit(job: FitJob, hooks: FitHooks): Promise<FitResult> {
  const { arch, config, init, data, n, std, train, val, random } = job;
  const { d } = config;
  const names = Object.keys(init);
  const vars: Record<string, tf.Variable> = {};
  for (const name of names) vars[name] = tf.tidy(() => tf.variable(tf.tensor(init[name].data, init[name].shape, 'float32')));
  const X = tf.tidy(() => tf.tensor2d(data, [n, d]).div(std)) as tf.Tensor2D;
  const adam = new Adam(names.map((k) => vars[k]), config.lr);
  const ctx: ForwardContext = { training: true, nextSeed: () => Math.floor(random() * 2 ** 31) };
  const history: SaeHistory = { trainLoss: [], valLoss: [], lr: [] };
  const batch = Math.min(config.batchSize, train.length);
  let best = tf.tidy(() => names.map((k) => vars[k].clone()));
  let bestEpoch = 0;
  let stoppedEarly = false;
  let cancelled = false;
  const lossOf = (rows: Int32Array) => evalLoss(arch, vars, X, rows, config);
  // STSAE threshold schedule: the training threshold of each epoch; weights count from the epoch it reaches tau.
  const warmup = Math.min(config.tauWarmup ?? 0, config.maxEpochs);
  const trainConfig = (epoch: number): SaeConfig => (warmup > 0 && epoch < warmup ? { ...config, tau: config.tauStart! + ((config.tau! - config.tauStart!) * epoch) / warmup } : config);
  let bestLoss = warmup > 0 ? Infinity : val.length > 0 ? await lossOf(val) : await lossOf(train);
  let sinceBest = 0;
  let sinceLrChange = 0;
  try {
    epochs: for (let epoch = 1; epoch <= config.maxEpochs; epoch++) {
      const cfg = trainConfig(epoch);
      const order = shuffle(train.slice(), random);
      let sum: tf.Tensor = tf.scalar(0);
      for (let b = 0, step = 0; b < order.length; b += batch, step++) {
        if (hooks.signal?.aborted) {
          sum.dispose();
          cancelled = true;
          break epochs;
        }
        const rows = order.subarray(b, Math.min(b + batch, order.length));
        const next = tf.tidy(() => {
          const xb = tf.gather(X, tf.tensor1d(rows, 'int32')) as tf.Tensor2D;
          const { value, grads } = tf.variableGrads(() => arch.loss(vars, xb, cfg, ctx), names.map((k) => vars[k]));
          adam.step(names.map((k) => grads[vars[k].name]));
          return sum.add(value.mul(rows.length));
        });
        sum.dispose();
        sum = next;
        arch.project?.(vars);
        if ((step + 1) % hooks.yieldEvery === 0) await pause();
      }
      const trainLoss = (await sum.data())[0] / order.length;
      sum.dispose();
      const valLoss = val.length > 0 ? await lossOf(val) : trainLoss;
      history.trainLoss.push(trainLoss);
      history.valLoss.push(valLoss);
      history.lr.push(adam.lr);
      hooks.onEpoch?.({ epoch, trainLoss, valLoss, lr: adam.lr });
      if (cfg !== config) {
        await pause();
        continue;
      }
      if (valLoss < bestLoss * (1 - config.minDelta) || (bestLoss <= 0 && valLoss < bestLoss)) {
        tf.dispose(best);
        best = tf.tidy(() => names.map((k) => vars[k].clone()));
        bestLoss = valLoss;
        bestEpoch = epoch;
        sinceBest = 0;
        sinceLrChange = 0;
      } else {
        sinceBest++;
        sinceLrChange++;
        if (sinceBest >= config.patience) {
          stoppedEarly = epoch < config.maxEpochs;
          break;
        }
        if (sinceLrChange >= config.lrPatience) {
          adam.lr *= config.lrFactor;
          sinceLrChange = 0;
        }
      }
      await pause();
    }
    const weights: SaeWeights = {};
    for (const [i, k] of names.entries()) weights[k] = { data: Float32Array.from(await best[i].data()), shape: init[k].shape.slice() };
    return { weights, history, bestEpoch, stoppedEarly, cancelled };
  } finally {
    tf.dispose(best);
    tf.dispose(Object.values(vars));
    X.dispose();
    adam.dispose();
  }
}

/** The objective without dropout over `rows` of X, as a number (mean over rows). */
async function evalLoss(arch: SaeArch, w: TensorWeights, X: tf.Tensor2D, rows: Int32Array, config: SaeConfig): Promise<number> {
  let total = 0;
  for (let r = 0; r < rows.length; r += EVAL_CHUNK) {
    const part = rows.subarray(r, Math.min(r + EVAL_CHUNK, rows.length));
    const l = tf.tidy(() => arch.loss(w, tf.gather(X, tf.tensor1d(part, 'int32')) as tf.Tensor2D, config, inference));
    try {
      total += (await l.data())[0] * part.length;
    } finally {
      l.dispose();
    }
  }
  return total / rows.length;
}
