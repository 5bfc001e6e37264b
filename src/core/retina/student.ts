/**
 * The student CNN of the retina papers: conv 8 @ 9x9 over the 20 time channels, BatchNorm, Gaussian
 * noise (training only), ReLU, conv 8 @ 7x7 with ReLU, dense to the cells with softplus; fit with a
 * Poisson loss. Layer names are fixed: conv1, bn1, noise1, relu1 (first hidden layer), conv2
 * (second hidden layer, ReLU fused), flatten, rates.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';

/** The hidden layers CODEC analyses. */
export const STUDENT_LAYERS = ['relu1', 'conv2'] as const;

export interface StudentOptions {
  /** Output cells. */
  cells: number;
  /** Stimulus side and frames per window. Defaults 20, 20. */
  size?: number;
  frames?: number;
  /** First layer channels and kernel side. Defaults 8, 9. */
  filters1?: number;
  kernel1?: number;
  /** Second layer channels and kernel side. Defaults 8, 7. */
  filters2?: number;
  kernel2?: number;
  /** Std of the Gaussian noise after BatchNorm in training. Default 0.1. */
  noise?: number;
  /** L2 penalty on the conv2 and dense kernels. Default 1e-3. */
  l2?: number;
  /**
   * L2 penalty on conv1's kernel. BatchNorm makes conv1's scale irrelevant, so this only pulls its
   * weights toward zero where the data do not hold them (under Adam, most where gradients are
   * smallest): it cleans the filters of noise. Default 1e-3.
   */
  l2First?: number;
  /**
   * Scale of conv1's initial weights (variance scaling, fan average): small, so that the learned
   * filters are not diluted by their random start (BatchNorm after conv1 makes its scale
   * irrelevant to the function). Default 1e-3 (Glorot is 1).
   */
  init1Scale?: number;
  /** Seed of the initialisers. Default 1. */
  seed?: number;
}

export function buildStudent({ cells, size = 20, frames = 20, filters1 = 8, kernel1 = 9, filters2 = 8, kernel2 = 7, noise = 0.1, l2 = 1e-3, l2First = 1e-3, init1Scale = 1e-3, seed = 1 }: StudentOptions): tf.LayersModel {
  check(Number.isInteger(cells) && cells >= 1, () => `buildStudent: cells must be an integer >= 1, but got ${cells}.`);
  check(kernel1 + kernel2 - 1 <= size, () => `buildStudent: kernels ${kernel1} and ${kernel2} do not fit a ${size}-pixel stimulus.`);
  const reg = (v = l2) => (v > 0 ? tf.regularizers.l2({ l2: v }) : undefined);
  const init = (s: number) => tf.initializers.glorotNormal({ seed: seed * 10 + s });
  const inp = tf.input({ shape: [size, size, frames], name: 'stimulus' });
  let h = tf.layers.conv2d({ filters: filters1, kernelSize: kernel1, name: 'conv1', kernelInitializer: tf.initializers.varianceScaling({ scale: init1Scale, mode: 'fanAvg', distribution: 'normal', seed: seed * 10 + 1 }), kernelRegularizer: reg(l2First) }).apply(inp) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ name: 'bn1' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.gaussianNoise({ stddev: noise, name: 'noise1' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.activation({ activation: 'relu', name: 'relu1' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: filters2, kernelSize: kernel2, activation: 'relu', name: 'conv2', kernelInitializer: init(2), kernelRegularizer: reg() }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten({ name: 'flatten' }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: cells, activation: 'softplus', name: 'rates', kernelInitializer: init(3), kernelRegularizer: reg() }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out, name: 'retina_student' });
}

/**
 * The first layer's effective filters, one row per channel (C x k*k*frames, HWC order): the conv
 * kernel times the sign of BatchNorm's scale gamma / sqrt(var + eps), so that a row points where
 * the channel's pre-ReLU value grows (cosines are scale-free, so only the sign matters).
 */
export function studentFilters(model: tf.LayersModel): { filters: Float32Array; channels: number; length: number } {
  const conv = model.getLayer('conv1');
  const bn = model.getLayer('bn1');
  const [kernel] = conv.getWeights();
  const k = kernel.shape as number[];
  const c = k[3];
  const d = k[0] * k[1] * k[2];
  const kv = kernel.dataSync();
  const bw = bn.getWeights();
  const names = bn.weights.map((w) => w.originalName.split('/').pop());
  const gamma = names.includes('gamma') ? bw[names.indexOf('gamma')].dataSync() : new Float32Array(c).fill(1);
  const out = new Float32Array(c * d);
  for (let ch = 0; ch < c; ch++) {
    const s = Math.sign(gamma[ch]) || 1;
    for (let i = 0; i < d; i++) out[ch * d + i] = s * kv[i * c + ch];
  }
  return { filters: out, channels: c, length: d };
}
