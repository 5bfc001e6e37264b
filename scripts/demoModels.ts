/** The demo model architectures (Fashion-MNIST, 28x28x1): layer names are the analysis names. */
import * as tf from '@tensorflow/tfjs';

const init = (seed: number) => tf.initializers.heNormal({ seed });

/** conv -> BatchNorm -> ReLU, the ReLU named `name` (the analyzed, post-activation output). */
function convBnRelu(x: tf.SymbolicTensor, filters: number, name: string, seed: number, strides = 1): tf.SymbolicTensor {
  const c = tf.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', useBias: false, name: `${name}_conv`, kernelInitializer: init(seed) }).apply(x) as tf.SymbolicTensor;
  const b = tf.layers.batchNormalization({ name: `${name}_bn` }).apply(c) as tf.SymbolicTensor;
  return tf.layers.reLU({ name }).apply(b) as tf.SymbolicTensor;
}

/** fashion-cnn: conv-conv-pool-conv-conv-pool-conv-GAP-dense, BatchNorm + ReLU after each conv. */
export function fashionCnn(width = 16, seed = 1): { model: tf.LayersModel; layers: string[] } {
  const inp = tf.input({ shape: [28, 28, 1], name: 'image' });
  let x = convBnRelu(inp, width, 'conv1', seed);
  x = convBnRelu(x, width, 'conv2', seed + 1);
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(x) as tf.SymbolicTensor;
  x = convBnRelu(x, 2 * width, 'conv3', seed + 2);
  x = convBnRelu(x, 2 * width, 'conv4', seed + 3);
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }).apply(x) as tf.SymbolicTensor;
  x = convBnRelu(x, 4 * width, 'conv5', seed + 4);
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 10, name: 'logits', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 5 }) }).apply(x) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: inp, outputs: out, name: 'fashion_cnn' }), layers: ['conv1', 'conv2', 'conv3', 'conv4', 'conv5'] };
}

/** A residual block: conv-BN-ReLU-conv-BN, identity or 1x1 projection shortcut, add, ReLU named `name`. */
function block(x: tf.SymbolicTensor, filters: number, name: string, seed: number, strides = 1): tf.SymbolicTensor {
  const inC = x.shape[3] as number;
  let y = convBnRelu(x, filters, `${name}_a`, seed, strides);
  y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, name: `${name}_b_conv`, kernelInitializer: init(seed + 1) }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization({ name: `${name}_b_bn` }).apply(y) as tf.SymbolicTensor;
  let sc = x;
  if (strides !== 1 || inC !== filters) {
    sc = tf.layers.conv2d({ filters, kernelSize: 1, strides, useBias: false, name: `${name}_proj`, kernelInitializer: init(seed + 2) }).apply(x) as tf.SymbolicTensor;
    sc = tf.layers.batchNormalization({ name: `${name}_proj_bn` }).apply(sc) as tf.SymbolicTensor;
  }
  const add = tf.layers.add({ name: `${name}_add` }).apply([y, sc]) as tf.SymbolicTensor;
  return tf.layers.reLU({ name }).apply(add) as tf.SymbolicTensor;
}

/**
 * fashion-resnet: stem (conv-BN-ReLU at 28x28, 2x2 max-pool), three stages of two residual blocks
 * (14x14 at `width` channels, 7x7 at 2 width, 4x4 at 4 width), GAP, dense; block outputs
 * s{stage}b{block}. The pool keeps a training step near the plain CNN's cost.
 */
export function fashionResnet(width = 16, seed = 11): { model: tf.LayersModel; layers: string[] } {
  const inp = tf.input({ shape: [28, 28, 1], name: 'image' });
  let x = convBnRelu(inp, width, 'stem', seed);
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'stem_pool' }).apply(x) as tf.SymbolicTensor;
  const layers: string[] = [];
  [width, 2 * width, 4 * width].forEach((f, s) => {
    for (let b = 0; b < 2; b++) {
      const name = `s${s + 1}b${b + 1}`;
      x = block(x, f, name, seed + 10 * (s + 1) + 3 * b, b === 0 && s > 0 ? 2 : 1);
      layers.push(name);
    }
  });
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 10, name: 'logits', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 99 }) }).apply(x) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: inp, outputs: out, name: 'fashion_resnet' }), layers };
}
