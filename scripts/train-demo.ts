/**
 * `npm run train:demo [-- --model fashion-cnn|fashion-resnet] [--epochs N] [--minutes M]`: trains the
 * demo models on Fashion-MNIST in Node (WASM backend with the engine's conv gradient kernels),
 * deterministic with a seed (seeded initialisers and shuffles), and writes
 * public/demo/models/<name>/{model.json, group1-shard1of1.bin, card.json}.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadModelFromDisk } from '../src/cli/modelFiles';
import { parseArgs } from 'node:util';
import { saveModelToDir } from '../src/cli/fileIO';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { Executor } from '../src/core/model/executor';
import { rng } from '../src/core/util/rng';
import { fashionCnn, fashionResnet } from './demoModels';
import { FASHION_CLASSES, readFashion, type FashionSplit } from './fashionData';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'fashion-cnn' }, epochs: { type: 'string', default: '6' }, minutes: { type: 'string', default: '30' }, width: { type: 'string', default: '16' }, seed: { type: 'string', default: '1' }, batch: { type: 'string', default: '64' }, resume: { type: 'boolean' }, lr: { type: 'string', default: '2e-3' } } });
const name = values.model!;
const epochs = Number(values.epochs);
const budgetMs = Number(values.minutes) * 60_000;
const seed = Number(values.seed);
const batch = Number(values.batch);

const backend = await useNodeBackend('wasm');
const built = name === 'fashion-resnet' ? fashionResnet(Number(values.width), seed) : fashionCnn(Number(values.width), seed);
const { layers } = built;
// --resume continues from the saved model (its card's epochs and seconds are added up).
const previous = values.resume ? JSON.parse(readFileSync(`public/demo/models/${name}/card.json`, 'utf8')) : null;
const model = values.resume ? (await loadModelFromDisk(`public/demo/models/${name}/model.json`)).model : built.model;
const lr0 = Number(values.lr);
const train = readFashion('train');
const test = readFashion('t10k');

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
  const exec = new Executor(model);
  let correct = 0;
  for (let s = 0; s < idx.length; s += 500) {
    const [x, y] = batchOf(split, idx.slice(s, s + 500));
    const c = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(exec.predict(x), 1), y), 'int32')).dataSync()[0]);
    correct += c;
    tf.dispose([x, y]);
  }
  return correct / idx.length;
}

const optimizer = tf.train.adam(lr0);
const random = rng(seed + (previous ? 1000 * previous.training.epochs : 0));
const order = Array.from({ length: train.count }, (_, i) => i);
const stepsPerEpoch = Math.floor(train.count / batch);
// The planned number of steps: all epochs, or fewer when the time budget will not fit them
// (measured over the first 20 steps), so the cosine decay ends when training does.
let totalSteps = epochs * stepsPerEpoch;
const t0 = Date.now();
let step = 0;
let done = false;
let epochsRun = 0;
for (let e = 0; e < epochs && !done; e++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  let lossSum = 0;
  for (let s = 0; s < stepsPerEpoch; s++, step++) {
    // Cosine learning-rate decay over the planned steps.
    (optimizer as unknown as { learningRate: number }).learningRate = lr0 * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps));
    const [x, y] = batchOf(train, order.slice(s * batch, (s + 1) * batch));
    const loss = optimizer.minimize(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor2D;
      return tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), logits) as tf.Scalar;
    }, true)!;
    lossSum += loss.dataSync()[0];
    tf.dispose([x, y, loss]);
    if (step === 20) {
      const perStep = (Date.now() - t0) / 21;
      totalSteps = Math.min(totalSteps, Math.floor(budgetMs / perStep));
      console.error(`[train ${name}] ${perStep.toFixed(0)} ms per step; planning ${totalSteps} steps (${(totalSteps / stepsPerEpoch).toFixed(2)} epochs)`);
    }
    if (s % 100 === 0) console.error(`[train ${name}] epoch ${e + 1}/${epochs} step ${s}/${stepsPerEpoch} loss ${(lossSum / (s + 1)).toFixed(4)} ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    if (step + 1 >= totalSteps || Date.now() - t0 > budgetMs * 1.1) {
      done = true;
      console.error(`[train ${name}] planned steps done in epoch ${e + 1}`);
      break;
    }
  }
  epochsRun = e + 1;
}
const trainSeconds = (Date.now() - t0) / 1000;
const all = Array.from({ length: test.count }, (_, i) => i);
const testAccuracy = accuracy(test, all);
const subset = JSON.parse((await import('node:fs')).readFileSync('public/demo/fashion/test2000.json', 'utf8')).testIndices as number[];
const subsetAccuracy = accuracy(test, subset);
const dir = `public/demo/models/${name}`;
const { bytes } = await saveModelToDir(model, dir);
const exec = new Executor(model);
const card = {
  name,
  description: name === 'fashion-resnet' ? 'Small ResNet (stem + 3 stages x 2 residual blocks, BatchNorm, projection shortcuts) on Fashion-MNIST' : 'Plain CNN (5 conv + BatchNorm + ReLU, 2 max-pools, global average pool, dense) on Fashion-MNIST',
  inputShape: [28, 28, 1],
  preprocessing: { height: 28, width: 28, channels: 1, scale: 1, offset: 0, mean: [0], std: [1] },
  classNames: FASHION_CLASSES,
  testAccuracy,
  subsetAccuracy,
  subset: 'public/demo/fashion/test2000.json',
  layers: layers.map((l) => ({ name: l, isCut: exec.layer(l).isCut })),
  params: model.countParams(),
  weightBytes: bytes,
  training: { epochs: epochsRun + (previous?.training.epochs ?? 0), stepsThisRun: step, runs: [...(previous?.training.runs ?? [previous?.training].filter(Boolean)), { epochs: epochsRun, steps: step, lr: lr0, seconds: trainSeconds }], batch, optimizer: `adam ${lr0}, cosine decay per run`, seed, seconds: trainSeconds + (previous?.training.seconds ?? 0), backend, machine: `${(await import('node:os')).cpus()[0]?.model} x${(await import('node:os')).cpus().length}` },
};
writeFileSync(`${dir}/card.json`, JSON.stringify(card, null, 2));
console.log(`${name}: test accuracy ${(100 * testAccuracy).toFixed(2)}% (subset ${(100 * subsetAccuracy).toFixed(2)}%), ${epochsRun} epochs in ${trainSeconds.toFixed(0)} s on ${backend}; ${bytes} weight bytes -> ${dir}`);
