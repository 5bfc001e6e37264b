/**
 * `npm run train:demo [-- --model fashion-cnn|fashion-resnet] [--epochs N | --steps N] [--minutes M]`:
 * trains a demo model on Fashion-MNIST in Node (WASM backend with the engine's conv gradient
 * kernels and the cheaper training-mode BatchNorm) and writes <out>/{model.json, shard, card.json}
 * (default out: public/demo/models/<name>).
 *
 * Deterministic: seeded initialisers, a seeded shuffle per epoch, a fixed plan of steps (epochs x
 * steps per epoch, or --steps) with Adam and a cosine learning rate over the plan. --minutes M
 * instead plans as many steps as fit in M minutes (timed over the first 20 steps); the card records
 * the steps, so `--steps <card.training.steps>` reproduces such a run. --resume continues from the
 * saved model (a new cosine cycle; epochs and seconds add up in the card).
 * Other options: --width, --batch, --lr, --seed (defaults per model below), --out.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadModelFromDir, saveModelToDir } from '../src/cli/fileIO';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { useFastBatchNormTraining } from '../src/core/kernels/batchNormTraining';
import { Executor } from '../src/core/model/executor';
import { rng } from '../src/core/util/rng';
import { fashionCnn, fashionResnet } from './demoModels';
import { FASHION_CLASSES, readFashion, type FashionSplit } from './fashionData';

const MODELS = {
  'fashion-cnn': { build: fashionCnn, width: 16, batch: 64, epochs: 3, lr: 2e-3, description: 'Plain CNN (conv-conv-pool-conv-conv-pool-conv, each conv + BatchNorm + ReLU, global average pool, dense) on Fashion-MNIST' },
  'fashion-resnet': { build: fashionResnet, width: 16, batch: 128, epochs: 3, lr: 3e-3, description: 'Small ResNet (stem conv + pool, 3 stages x 2 residual blocks with BatchNorm, identity or 1x1 projection shortcuts, GAP, dense) on Fashion-MNIST' },
};
type ModelName = keyof typeof MODELS;

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'fashion-cnn' },
    epochs: { type: 'string' },
    steps: { type: 'string' },
    minutes: { type: 'string' },
    width: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string', default: '1' },
    resume: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
if (!(values.model! in MODELS)) {
  console.error(`train:demo: unknown --model ${values.model} (expected one of ${Object.keys(MODELS).join(', ')}).`);
  process.exit(1);
}
const name = values.model as ModelName;
const spec = MODELS[name];
const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
const width = num(values.width, spec.width);
const batch = num(values.batch, spec.batch);
const epochs = num(values.epochs, spec.epochs);
const lr0 = num(values.lr, spec.lr);
const seed = num(values.seed, 1);
const dir = values.out ?? `public/demo/models/${name}`;
const log = (msg: string) => console.error(`[train ${name}] ${msg}`);

const backend = await useNodeBackend('wasm');
const built = spec.build(width, seed);
// A card from before the top-level fields carries them under `training`.
type PreviousCard = { epochs?: number; trainSeconds?: number; training?: { epochs?: number; seconds?: number; runs?: unknown[] } };
const card0 = values.resume ? (JSON.parse(readFileSync(`${dir}/card.json`, 'utf8')) as PreviousCard) : null;
const previous = card0 && { epochs: card0.epochs ?? card0.training?.epochs ?? 0, trainSeconds: card0.trainSeconds ?? card0.training?.seconds ?? 0, runs: card0.training?.runs ?? [] };
const model = previous ? await loadModelFromDir(dir) : built.model;
useFastBatchNormTraining(model);
const train = readFashion('train');
const test = readFashion('t10k');

/** Images scaled to [0, 1] (the card's preprocessing) and labels, for the given indices. */
function batchOf(split: FashionSplit, idx: ArrayLike<number>): [tf.Tensor4D, tf.Tensor1D] {
  const x = new Float32Array(idx.length * 784);
  const y = new Int32Array(idx.length);
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    for (let p = 0; p < 784; p++) x[j * 784 + p] = split.images[i * 784 + p] / 255;
    y[j] = split.labels[i];
  }
  return [tf.tensor4d(x, [idx.length, 28, 28, 1]), tf.tensor1d(y, 'int32')];
}

function accuracy(split: FashionSplit, idx: number[]): number {
  let correct = 0;
  for (let s = 0; s < idx.length; s += 500) {
    const [x, y] = batchOf(split, idx.slice(s, s + 500));
    correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, 1), y), 'int32')).dataSync()[0]);
    tf.dispose([x, y]);
  }
  return correct / idx.length;
}

const subset = (JSON.parse(readFileSync('public/demo/fashion/test2000.json', 'utf8')) as { testIndices: number[] }).testIndices;
const optimizer = tf.train.adam(lr0) as unknown as tf.AdamOptimizer & { learningRate: number };
const random = rng(seed + (previous ? 1000 * previous.epochs : 0));
const order = Array.from({ length: train.count }, (_, i) => i);
const stepsPerEpoch = Math.floor(train.count / batch);
let totalSteps = values.steps ? Number(values.steps) : Math.round(epochs * stepsPerEpoch);
log(`${model.countParams()} parameters, batch ${batch}, lr ${lr0}, ${totalSteps} steps planned (${(totalSteps / stepsPerEpoch).toFixed(2)} epochs) on ${backend}`);
const t0 = Date.now();
const cpu0 = process.cpuUsage();
let step = 0;
for (let e = 0; step < totalSteps; e++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  let lossSum = 0;
  let s = 0;
  for (; s < stepsPerEpoch && step < totalSteps; s++, step++) {
    optimizer.learningRate = lr0 * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps));
    const [x, y] = batchOf(train, order.slice(s * batch, (s + 1) * batch));
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), model.apply(x, { training: true }) as tf.Tensor2D) as tf.Scalar, true)!;
    lossSum += loss.dataSync()[0];
    tf.dispose([x, y, loss]);
    if (step === 19 && values.minutes && !values.steps) {
      const perStep = (Date.now() - t0) / 20;
      totalSteps = Math.max(20, Math.floor((Number(values.minutes) * 60_000) / perStep));
      log(`${perStep.toFixed(0)} ms per step; planning ${totalSteps} steps (${(totalSteps / stepsPerEpoch).toFixed(2)} epochs) for ${values.minutes} minutes`);
    }
    if (s % 100 === 0) log(`epoch ${e + 1} step ${s}/${stepsPerEpoch} loss ${(lossSum / (s + 1)).toFixed(4)} lr ${optimizer.learningRate.toExponential(2)} ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  log(`epoch ${e + 1} done (${s} steps): loss ${(lossSum / s).toFixed(4)}, subset accuracy ${(100 * accuracy(test, subset)).toFixed(2)}%, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
const trainSeconds = Math.round((Date.now() - t0) / 1000);
// CPU time of this process: the wall clock above includes waiting for other work on a shared machine.
const cpu = process.cpuUsage(cpu0);
const trainCpuSeconds = Math.round((cpu.user + cpu.system) / 1e6);
const epochsRun = step / stepsPerEpoch;
const testAccuracy = accuracy(test, Array.from({ length: test.count }, (_, i) => i));
const subsetAccuracy = accuracy(test, subset);
const { bytes } = await saveModelToDir(model, dir);
const exec = new Executor(model);
const layers = built.layers.map((l) => ({ name: l, isCut: exec.layer(l).isCut }));
const card = {
  name,
  description: spec.description,
  inputShape: [28, 28, 1],
  preprocessing: { height: 28, width: 28, channels: 1, scale: 1, offset: 0, mean: [0], std: [1] },
  classNames: FASHION_CLASSES,
  testAccuracy,
  subsetAccuracy,
  subset: 'public/demo/fashion/test2000.json',
  layers,
  trainSeconds: trainSeconds + (previous?.trainSeconds ?? 0),
  trainCpuSeconds,
  backend,
  epochs: Number((epochsRun + (previous?.epochs ?? 0)).toFixed(3)),
  params: model.countParams(),
  weightBytes: bytes,
  training: {
    steps: step,
    batch,
    width,
    lr: lr0,
    optimizer: 'adam, cosine learning rate over the planned steps; training-mode BatchNorm by its closed-form gradient',
    seed,
    runs: [...(previous?.runs ?? []), { steps: step, epochs: Number(epochsRun.toFixed(3)), lr: lr0, seconds: trainSeconds, cpuSeconds: trainCpuSeconds, resumed: Boolean(previous) }],
    machine: `${os.cpus()[0]?.model ?? 'unknown cpu'} x${os.cpus().length} (shared)`,
    command: `npm run train:demo -- --model ${name} --steps ${step} --batch ${batch} --width ${width} --lr ${lr0} --seed ${seed}${previous ? ' --resume' : ''}`,
  },
};
writeFileSync(`${dir}/card.json`, JSON.stringify(card, null, 2) + '\n');
console.log(`${name}: test accuracy ${(100 * testAccuracy).toFixed(2)}% (subset ${(100 * subsetAccuracy).toFixed(2)}%), ${epochsRun.toFixed(2)} epochs in ${trainSeconds} s (${trainCpuSeconds} s of CPU) on ${backend}; ${bytes} weight bytes -> ${dir}`);
