/**
 * Training of a sparse autoencoder (STSAE or TopK) on (n x d) rows:
 *   1. normalise: x / std (global std of all entries) when `normalize`;
 *   2. seeded split into training and validation rows; the default K is capped for small sets;
 *   3. a schedule counted in optimizer steps (schedule.ts): shuffled mini-batches with Adam, the
 *      learning rate warmed up and decayed, the STSAE threshold warmed up from tauStart to tau,
 *      the kind's projection after each step and a yield to the event loop every few steps;
 *   4. at each evaluation (a whole number of epochs) the validation loss decides: an improvement
 *      (> minDelta, once the threshold has reached tau) keeps a copy of the weights; patience
 *      evaluations without one stop (stoppedEarly); with the constant schedule lrPatience
 *      evaluations without one halve the learning rate; during the first 60% of the steps, at most
 *      once every 10% of them, dead modes are re-initialised (revive.ts);
 *   5. `restarts` fits with successive seeds; the best validation loss wins;
 *   6. the best weights are kept (also on abort: cancelled), then codes of all rows give the
 *      alive modes and the reconstruction R^2 (all rows, and the validation rows alone).
 * No tensor is read back synchronously: losses are summed on the device and read (async) at
 * the evaluations only.
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
import { reviveDeadModes } from './revive';
import { makeSchedule } from './schedule';
import { makeTrainedSae } from './trained';
import type { SaeConfig, SaeHistory, SaeOptions, SaeWeights, TrainedSae } from './types';

/** Rows per tensor chunk when evaluating the validation loss. */
const EVAL_CHUNK = 2048;
/** Dead modes are revived during this share of the steps (the rest lets them settle)... */
const REVIVE_UNTIL = 0.6;
/** ...at most once in this share of the steps (a revived mode needs time to find its rows). */
const REVIVE_EVERY = 0.1;

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
  const first = resolveConfig(d, options);
  const { onEpoch, signal, yieldEvery = 4 } = options;
  check(Number.isInteger(yieldEvery) && yieldEvery >= 1, () => `trainSae: yieldEvery must be an integer >= 1, but got ${yieldEvery}.`);
  const random = rng(first.seed);
  const std = first.normalize ? globalStd(data) : 1;
  const { train, val } = splitRows(n, first.valFraction, random);
  const config = resolveConfig(d, options, train.length);
  const arch = ARCHS[config.kind];
  const mean = rowMean(data, d, train, std);
  let run: FitResult | undefined;
  for (let r = 0; r < config.restarts; r++) {
    if (r > 0 && signal?.aborted) break;
    // The first fit continues the split's random stream (as one fit always did); restarts use their own seeds.
    const rand = r === 0 ? random : rng(config.seed + r);
    const init = arch.init(config, rand, mean);
    const got = await fit({ arch, config, init, data, n, std, train, val, random: rand }, { onEpoch, signal, yieldEvery });
    if (!run || got.bestLoss < run.bestLoss) run = got;
  }
  // Alive modes and R^2 over all rows given (training and validation), and over the validation rows.
  const { weights, bestLoss: _bestLoss, ...found } = run!;
  const model = makeTrainedSae({ format: 'codec-sae', version: 1, config, std, weights, summary: { ...found, r2Global: NaN, r2PerFeature: NaN, aliveModes: [] } });
  const z = await model.encodeAsync(data, n);
  const xhat = await model.decodeAsync(z, n);
  const r2 = reconstructionR2(data, xhat, n, d);
  const r2Val = val.length > 0 ? reconstructionR2(pick(data, val, d), pick(xhat, val, d), val.length, d).global : NaN;
  const summary = { ...found, r2Val, r2Global: r2.global, r2PerFeature: r2.perFeature, aliveModes: aliveModes(z, n, config.K) };
  return makeTrainedSae({ format: 'codec-sae', version: 1, config, std, weights, summary });
}

/** The given rows of a row-major (n x d) array. */
function pick(a: Float32Array, rows: Int32Array, d: number): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => out.set(a.subarray(r * d, (r + 1) * d), i * d));
  return out;
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
  bestStep: number;
  stepsRun: number;
  revived: number;
  bestLoss: number;
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
  const sched = makeSchedule(config, train.length);
  const names = Object.keys(init);
  const vars: Record<string, tf.Variable> = {};
  for (const name of names) vars[name] = tf.tidy(() => tf.variable(tf.tensor(init[name].data, init[name].shape, 'float32')));
  const X = tf.tidy(() => tf.tensor2d(data, [n, d]).div(std)) as tf.Tensor2D;
  const adam = new Adam(names.map((k) => vars[k]), config.lr);
  const ctx: ForwardContext = { training: true, nextSeed: () => Math.floor(random() * 2 ** 31) };
  const history: SaeHistory = { trainLoss: [], valLoss: [], lr: [] };
  const { batch, steps, stepsPerEpoch } = sched;
  const evalEpochs = sched.evalEvery / stepsPerEpoch;
  let best = tf.tidy(() => names.map((k) => vars[k].clone()));
  let bestEpoch = 0;
  let bestStep = 0;
  let stoppedEarly = false;
  let cancelled = false;
  let revived = 0;
  const lossOf = (rows: Int32Array) => evalLoss(arch, vars, X, rows, config);
  let bestLoss = sched.tauWarmSteps > 0 ? Infinity : val.length > 0 ? await lossOf(val) : await lossOf(train);
  let sinceBest = 0;
  let sinceLrChange = 0;
  let plateau = 1;
  let lastRevive = 0;
  let step = 0;
  let sum: tf.Tensor = tf.scalar(0);
  let rowsSeen = 0;
  try {
    epochs: for (let epoch = 1; step < steps; epoch++) {
      const order = shuffle(train.slice(), random);
      for (let b = 0; b < order.length && step < steps; b += batch) {
        if (hooks.signal?.aborted) {
          cancelled = true;
          break epochs;
        }
        step++;
        adam.lr = sched.lrAt(step) * plateau;
        const tau = sched.tauAt(step);
        const cfg = tau === config.tau ? config : { ...config, tau };
        const rows = order.subarray(b, Math.min(b + batch, order.length));
        const next = tf.tidy(() => {
          const xb = tf.gather(X, tf.tensor1d(rows, 'int32')) as tf.Tensor2D;
          const { value, grads } = tf.variableGrads(() => arch.loss(vars, xb, cfg, ctx), names.map((k) => vars[k]));
          adam.step(names.map((k) => grads[vars[k].name]));
          return sum.add(value.mul(rows.length));
        });
        sum.dispose();
        sum = next;
        rowsSeen += rows.length;
        arch.project?.(vars);
        if (step % hooks.yieldEvery === 0) await pause();
      }
      if (epoch % evalEpochs !== 0 && step < steps) continue;
      // An evaluation: losses, progress, the best weights, early stopping, revival.
      const trainLoss = (await sum.data())[0] / Math.max(rowsSeen, 1);
      sum.dispose();
      sum = tf.scalar(0);
      rowsSeen = 0;
      const valLoss = val.length > 0 ? await lossOf(val) : trainLoss;
      history.trainLoss.push(trainLoss);
      history.valLoss.push(valLoss);
      history.lr.push(adam.lr);
      hooks.onEpoch?.({ epoch, step, steps, trainLoss, valLoss, lr: adam.lr });
      if (step >= sched.tauWarmSteps) {
        if (valLoss < bestLoss * (1 - config.minDelta) || (bestLoss <= 0 && valLoss < bestLoss)) {
          tf.dispose(best);
          best = tf.tidy(() => names.map((k) => vars[k].clone()));
          bestLoss = valLoss;
          bestEpoch = epoch;
          bestStep = step;
          sinceBest = 0;
          sinceLrChange = 0;
        } else {
          sinceBest++;
          sinceLrChange++;
          if (sinceBest >= config.patience) {
            stoppedEarly = step < steps;
            break;
          }
          if (config.lrSchedule === 'constant' && sinceLrChange >= config.lrPatience) {
            plateau *= config.lrFactor;
            sinceLrChange = 0;
          }
        }
      }
      if (config.revive && step < REVIVE_UNTIL * steps && step - lastRevive >= REVIVE_EVERY * steps) {
        lastRevive = step;
        const tau = sched.tauAt(step);
        revived += await reviveDeadModes({ arch, vars, names, adam, X, train, config: tau === config.tau ? config : { ...config, tau }, random });
      }
      await pause();
    }
    const weights: SaeWeights = {};
    for (const [i, k] of names.entries()) weights[k] = { data: Float32Array.from(await best[i].data()), shape: init[k].shape.slice() };
    return { weights, history, bestEpoch, bestStep, stepsRun: step, revived, bestLoss, stoppedEarly, cancelled };
  } finally {
    sum.dispose();
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
