/** Tiny hand-built models for tests (seeded random weights). */
import * as tf from '@tensorflow/tfjs';

const init = (seed: number) => tf.initializers.glorotNormal({ seed });

/** input 8x8x2 -> conv3x3x4 relu (c1) -> conv3x3x4 relu (c2) -> add(c1, c2) (add) -> relu (r) -> GAP -> dense 3 (logits). */
export function residualCnn(seed = 1, inputShape: [number, number, number] = [8, 8, 2], classes = 3): tf.LayersModel {
  const inp = tf.input({ shape: inputShape, name: 'inp' });
  const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1', kernelInitializer: init(seed), biasInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: seed + 100 }) }).apply(inp) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c2', kernelInitializer: init(seed + 1) }).apply(c1) as tf.SymbolicTensor;
  const add = tf.layers.add({ name: 'add' }).apply([c1, c2]) as tf.SymbolicTensor;
  const r = tf.layers.activation({ activation: 'relu', name: 'r' }).apply(add) as tf.SymbolicTensor;
  const c3 = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'c3', kernelInitializer: init(seed + 2) }).apply(r) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(c3) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: classes, name: 'logits', kernelInitializer: init(seed + 3) }).apply(gap) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out, name: 'residual_cnn' });
}

/** input 4x4x2 -> conv3x3x3 relu (h) -> flatten -> dense 2 (linear): the part after h is linear. */
export function linearHead(seed = 2): tf.LayersModel {
  const m = tf.sequential({ name: 'linear_head' });
  m.add(tf.layers.conv2d({ inputShape: [4, 4, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'h', kernelInitializer: init(seed), biasInitializer: tf.initializers.constant({ value: 0.1 }) }));
  m.add(tf.layers.flatten({ name: 'flat' }));
  m.add(tf.layers.dense({ units: 2, name: 'out', kernelInitializer: init(seed + 1) }));
  return m;
}

/** A seeded random batch of images in [0, 1]. */
export function randomImages(shape: [number, number, number, number], seed = 7): tf.Tensor4D {
  return tf.randomUniform(shape, 0, 1, 'float32', seed) as tf.Tensor4D;
}

/** input 6x6x1 -> conv3x3x5 relu (a) -> conv3x3x4 relu (b) -> flatten -> dense 3: a plain chain. */
export function chainCnn(seed = 31): tf.LayersModel {
  const m = tf.sequential({ name: 'chain' });
  m.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 5, kernelSize: 3, padding: 'same', activation: 'relu', name: 'a', kernelInitializer: init(seed), biasInitializer: tf.initializers.constant({ value: 0.05 }) }));
  m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'b', kernelInitializer: init(seed + 1), biasInitializer: tf.initializers.constant({ value: 0.05 }) }));
  m.add(tf.layers.flatten({ name: 'flat' }));
  m.add(tf.layers.dense({ units: 3, name: 'out', kernelInitializer: init(seed + 2) }));
  return m;
}
