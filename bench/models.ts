/** Models for the benchmark: the shipped demo models when present, and random-weight stand-ins. */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { loadModelFromDisk } from '../src/cli/modelFiles';

export interface BenchModel {
  name: string;
  model: tf.LayersModel;
  layers: string[];
  input: number[];
}

/** A fashion-cnn-shaped plain CNN with random weights (used when the demo model is absent). */
export function plainCnn(): BenchModel {
  const m = tf.sequential({ name: 'plain_cnn_random' });
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }));
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv3' }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv4' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv5' }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 10 }));
  return { name: 'plain-cnn (random)', model: m, layers: ['conv1', 'conv2', 'conv3', 'conv4', 'conv5'], input: [28, 28, 1] };
}

/** ResNet-50-shaped (bottleneck blocks 3-4-6-3, projection shortcuts), random weights. */
export function resnet50(size = 224, widthDiv = 1): BenchModel {
  const w = (c: number) => Math.max(4, Math.round(c / widthDiv));
  const inp = tf.input({ shape: [size, size, 3] });
  const bn = (x: tf.SymbolicTensor) => tf.layers.batchNormalization({}).apply(x) as tf.SymbolicTensor;
  const conv = (x: tf.SymbolicTensor, f: number, k: number, s = 1, act = true) => {
    const y = bn(tf.layers.conv2d({ filters: f, kernelSize: k, strides: s, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor);
    return act ? (tf.layers.reLU().apply(y) as tf.SymbolicTensor) : y;
  };
  let x = conv(inp, w(64), 7, 2);
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  const outs: string[] = [];
  const stages: [number, number][] = [[64, 3], [128, 4], [256, 6], [512, 3]];
  stages.forEach(([f, n], si) => {
    for (let b = 0; b < n; b++) {
      const s = b === 0 && si > 0 ? 2 : 1;
      let y = conv(x, w(f), 1, s);
      y = conv(y, w(f), 3);
      y = conv(y, w(4 * f), 1, 1, false);
      const sc = b === 0 ? conv(x, w(4 * f), 1, s, false) : x;
      const add = tf.layers.add({}).apply([y, sc]) as tf.SymbolicTensor;
      const name = `stage${si + 1}_block${b + 1}_out`;
      x = tf.layers.reLU({ name }).apply(add) as tf.SymbolicTensor;
      outs.push(name);
    }
  });
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1000 }).apply(x) as tf.SymbolicTensor;
  return { name: `resnet50-shaped ${size}px${widthDiv > 1 ? ` /${widthDiv} width` : ''} (random)`, model: tf.model({ inputs: inp, outputs: out }), layers: outs, input: [size, size, 3] };
}

/** The shipped demo models, where they exist. */
export async function demoModels(): Promise<BenchModel[]> {
  const out: BenchModel[] = [];
  for (const name of ['fashion-cnn', 'fashion-resnet']) {
    const p = `public/demo/models/${name}/model.json`;
    if (!existsSync(p)) continue;
    const { model } = await loadModelFromDisk(p);
    const card = JSON.parse((await import('node:fs')).readFileSync(`public/demo/models/${name}/card.json`, 'utf8'));
    out.push({ name, model, layers: card.layers.map((l: { name: string }) => l.name), input: model.inputs[0].shape.slice(1) as number[] });
  }
  return out;
}
