/**
 * tfjs LayersModels in the shapes of the Keras applications people convert: ResNet-50 (v1,
 * bottleneck blocks with projection shortcuts), MobileNetV2 (inverted residuals), VGG-16 and an
 * EfficientNet-style network (swish, depthwise convs, squeeze-excitation), plus one model that
 * uses every other Keras layer class tfjs has. Layer names follow keras.applications. Weights are
 * seeded random (BatchNorm statistics too), widths scale with `width`, outputs are logits.
 */
import * as tf from '@tensorflow/tfjs';
import { Executor } from '../../src/core/model/executor';

type T = tf.SymbolicTensor;
export interface ArchOptions {
  /** Square input side. Default 64 (tests); 224 in the benchmark. */
  size?: number;
  /** Width multiplier on every channel count. Default 0.25 (tests); 1 = the original. */
  width?: number;
  classes?: number;
  seed?: number;
}

/** Seeded initializers: every call gets the next seed so weights differ per layer. */
class Init {
  constructor(private seed: number) {}
  kernel() {
    return tf.initializers.heNormal({ seed: this.seed++ });
  }
  dense() {
    return tf.initializers.glorotNormal({ seed: this.seed++ });
  }
  /** Positive biases keep most rectifiers active (see bn). */
  positive() {
    return tf.initializers.randomUniform({ minval: 0.2, maxval: 0.5, seed: this.seed++ });
  }
  small() {
    return tf.initializers.randomNormal({ mean: 0, stddev: 0.1, seed: this.seed++ });
  }
  /**
   * BatchNorm with non-trivial statistics (set them from data with calibrateBatchNorm). Positive
   * betas keep most ReLUs active: random deep nets with zero-mean pre-activations are chaotic
   * along an input path (the output changes sign between path steps), so no step count gives
   * completeness; trained nets are much smoother.
   */
  bn(name: string, x: T, gamma: [number, number] = [0.5, 0.8]): T {
    return tf.layers
      .batchNormalization({
        name,
        epsilon: 1.001e-5,
        gammaInitializer: tf.initializers.randomUniform({ minval: gamma[0], maxval: gamma[1], seed: this.seed++ }),
        betaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1, seed: this.seed++ }),
        movingMeanInitializer: this.small(),
        movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.7, maxval: 1.5, seed: this.seed++ }),
      })
      .apply(x) as T;
  }
}

const ch = (n: number, width: number) => Math.max(4, Math.round(n * width));

/** keras.applications.ResNet50 (v1): stacks of [3, 4, 6, 3] bottleneck blocks. */
export function resnet50Like({ size = 64, width = 0.25, classes = 10, seed = 1 }: ArchOptions = {}): tf.LayersModel {
  const I = new Init(seed);
  const inp = tf.input({ shape: [size, size, 3], name: 'input_1' });
  let x = tf.layers.zeroPadding2d({ padding: 3, name: 'conv1_pad' }).apply(inp) as T;
  x = tf.layers.conv2d({ filters: ch(64, width), kernelSize: 7, strides: 2, name: 'conv1_conv', kernelInitializer: I.kernel(), biasInitializer: I.small() }).apply(x) as T;
  x = I.bn('conv1_bn', x);
  x = tf.layers.activation({ activation: 'relu', name: 'conv1_relu' }).apply(x) as T;
  x = tf.layers.zeroPadding2d({ padding: 1, name: 'pool1_pad' }).apply(x) as T;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }).apply(x) as T;
  const block = (x: T, f: number, stride: number, convShortcut: boolean, name: string): T => {
    let shortcut = x;
    if (convShortcut) {
      shortcut = tf.layers.conv2d({ filters: 4 * f, kernelSize: 1, strides: stride, name: `${name}_0_conv`, kernelInitializer: I.kernel(), biasInitializer: I.small() }).apply(x) as T;
      shortcut = I.bn(`${name}_0_bn`, shortcut);
    }
    let y = tf.layers.conv2d({ filters: f, kernelSize: 1, strides: stride, name: `${name}_1_conv`, kernelInitializer: I.kernel(), biasInitializer: I.small() }).apply(x) as T;
    y = I.bn(`${name}_1_bn`, y);
    y = tf.layers.activation({ activation: 'relu', name: `${name}_1_relu` }).apply(y) as T;
    y = tf.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same', name: `${name}_2_conv`, kernelInitializer: I.kernel(), biasInitializer: I.small() }).apply(y) as T;
    y = I.bn(`${name}_2_bn`, y);
    y = tf.layers.activation({ activation: 'relu', name: `${name}_2_relu` }).apply(y) as T;
    y = tf.layers.conv2d({ filters: 4 * f, kernelSize: 1, name: `${name}_3_conv`, kernelInitializer: I.kernel(), biasInitializer: I.small() }).apply(y) as T;
    // The residual branch's last BN starts small (as Goyal et al.'s zero-gamma recipe), so blocks are near identity.
    y = I.bn(`${name}_3_bn`, y, [0.1, 0.2]);
    y = tf.layers.add({ name: `${name}_add` }).apply([shortcut, y]) as T;
    return tf.layers.activation({ activation: 'relu', name: `${name}_out` }).apply(y) as T;
  };
  const stages: [number, number, number][] = [
    [64, 3, 1],
    [128, 4, 2],
    [256, 6, 2],
    [512, 3, 2],
  ];
  stages.forEach(([f, n, stride], s) => {
    x = block(x, ch(f, width), stride, true, `conv${s + 2}_block1`);
    for (let b = 2; b <= n; b++) x = block(x, ch(f, width), 1, false, `conv${s + 2}_block${b}`);
  });
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as T;
  const out = tf.layers.dense({ units: classes, name: 'predictions', kernelInitializer: I.dense() }).apply(x) as T;
  return tf.model({ inputs: inp, outputs: out, name: 'resnet50' });
}

/** Keras' _make_divisible. */
function divisible(v: number, d = 8): number {
  const n = Math.max(d, Math.floor((v + d / 2) / d) * d);
  return n < 0.9 * v ? n + d : n;
}

/** keras.applications.MobileNetV2 (alpha = width): 17 inverted residual blocks. */
export function mobileNetV2Like({ size = 64, width = 0.25, classes = 10, seed = 2 }: ArchOptions = {}): tf.LayersModel {
  const I = new Init(seed);
  const inp = tf.input({ shape: [size, size, 3], name: 'input_1' });
  let x = tf.layers.conv2d({ filters: divisible(32 * width), kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'Conv1', kernelInitializer: I.kernel() }).apply(inp) as T;
  x = I.bn('bn_Conv1', x);
  x = tf.layers.reLU({ maxValue: 6, name: 'Conv1_relu' }).apply(x) as T;
  let inCh = divisible(32 * width);
  const block = (x: T, filters: number, stride: number, expansion: number, id: number): T => {
    const prefix = id ? `block_${id}_` : 'expanded_conv_';
    const pointwise = divisible(filters * width);
    let y = x;
    if (id) {
      y = tf.layers.conv2d({ filters: expansion * inCh, kernelSize: 1, padding: 'same', useBias: false, name: prefix + 'expand', kernelInitializer: I.kernel() }).apply(y) as T;
      y = I.bn(prefix + 'expand_BN', y);
      y = tf.layers.reLU({ maxValue: 6, name: prefix + 'expand_relu' }).apply(y) as T;
    }
    if (stride === 2) y = tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: prefix + 'pad' }).apply(y) as T;
    y = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: stride === 1 ? 'same' : 'valid', useBias: false, name: prefix + 'depthwise', depthwiseInitializer: I.kernel() }).apply(y) as T;
    y = I.bn(prefix + 'depthwise_BN', y);
    y = tf.layers.reLU({ maxValue: 6, name: prefix + 'depthwise_relu' }).apply(y) as T;
    y = tf.layers.conv2d({ filters: pointwise, kernelSize: 1, padding: 'same', useBias: false, name: prefix + 'project', kernelInitializer: I.kernel() }).apply(y) as T;
    y = I.bn(prefix + 'project_BN', y, [0.1, 0.2]);
    const residual = inCh === pointwise && stride === 1;
    inCh = pointwise;
    return residual ? (tf.layers.add({ name: prefix + 'add' }).apply([x, y]) as T) : y;
  };
  const cfg: [number, number, number, number][] = [
    [16, 1, 1, 1],
    [24, 2, 6, 2],
    [32, 2, 6, 3],
    [64, 2, 6, 4],
    [96, 1, 6, 3],
    [160, 2, 6, 3],
    [320, 1, 6, 1],
  ];
  let id = 0;
  for (const [f, stride, e, n] of cfg) {
    for (let r = 0; r < n; r++) x = block(x, f, r === 0 ? stride : 1, e, id++);
  }
  x = tf.layers.conv2d({ filters: divisible(1280 * width), kernelSize: 1, useBias: false, name: 'Conv_1', kernelInitializer: I.kernel() }).apply(x) as T;
  x = I.bn('Conv_1_bn', x);
  x = tf.layers.reLU({ maxValue: 6, name: 'out_relu' }).apply(x) as T;
  x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as T;
  const out = tf.layers.dense({ units: classes, name: 'predictions', kernelInitializer: I.dense() }).apply(x) as T;
  return tf.model({ inputs: inp, outputs: out, name: 'mobilenetv2' });
}

/** keras.applications.VGG16 with the classifier head (Flatten, two Dense + Dropout). */
export function vgg16Like({ size = 64, width = 0.25, classes = 10, seed = 3 }: ArchOptions = {}): tf.LayersModel {
  const I = new Init(seed);
  const m = tf.sequential({ name: 'vgg16' });
  const stacks: [number, number][] = [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ];
  stacks.forEach(([f, n], b) => {
    for (let c = 1; c <= n; c++) {
      m.add(
        tf.layers.conv2d({
          ...(b === 0 && c === 1 ? { inputShape: [size, size, 3] } : {}),
          filters: ch(f, width),
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          name: `block${b + 1}_conv${c}`,
          kernelInitializer: I.kernel(),
          biasInitializer: I.small(),
        }),
      );
    }
    m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${b + 1}_pool` }));
  });
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(tf.layers.dense({ units: ch(4096, width), activation: 'relu', name: 'fc1', kernelInitializer: I.kernel(), biasInitializer: I.small() }));
  m.add(tf.layers.dropout({ rate: 0.5, name: 'drop1' }));
  m.add(tf.layers.dense({ units: ch(4096, width), activation: 'relu', name: 'fc2', kernelInitializer: I.kernel(), biasInitializer: I.small() }));
  m.add(tf.layers.dropout({ rate: 0.5, name: 'drop2' }));
  m.add(tf.layers.dense({ units: classes, name: 'predictions', kernelInitializer: I.dense() }));
  return m;
}

/**
 * An EfficientNet-B0-style network: stem, MBConv blocks (1x1 expand, swish, depthwise,
 * squeeze-excitation with GlobalAveragePooling2D + Reshape + Dense + Multiply, 1x1 project,
 * Dropout, Add), head. `blocks` sets how many MBConv blocks (default 4).
 */
export function efficientNetLike({ size = 64, width = 0.25, classes = 10, seed = 4, blocks = 4 }: ArchOptions & { blocks?: number } = {}): tf.LayersModel {
  const I = new Init(seed);
  const inp = tf.input({ shape: [size, size, 3], name: 'input_1' });
  let x = tf.layers.rescaling({ scale: 1 / 0.5, offset: -1, name: 'rescaling' }).apply(inp) as T;
  x = tf.layers.conv2d({ filters: ch(32, width), kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'stem_conv', kernelInitializer: I.kernel() }).apply(x) as T;
  x = I.bn('stem_bn', x);
  x = tf.layers.activation({ activation: 'swish', name: 'stem_activation' }).apply(x) as T;
  let inCh = ch(32, width);
  const cfg: [number, number, number, number][] = [
    // [filters out, kernel, stride, expansion]
    [16, 3, 1, 1],
    [24, 3, 2, 6],
    [24, 3, 1, 6],
    [40, 5, 2, 6],
    [40, 5, 1, 6],
    [80, 3, 2, 6],
  ];
  cfg.slice(0, blocks).forEach(([f, k, stride, e], i) => {
    const p = `block${i + 1}_`;
    const outCh = ch(f, width);
    const mid = inCh * e;
    let y = x;
    if (e !== 1) {
      y = tf.layers.conv2d({ filters: mid, kernelSize: 1, padding: 'same', useBias: false, name: p + 'expand_conv', kernelInitializer: I.kernel() }).apply(y) as T;
      y = I.bn(p + 'expand_bn', y);
      y = tf.layers.activation({ activation: 'swish', name: p + 'expand_activation' }).apply(y) as T;
    }
    y = tf.layers.depthwiseConv2d({ kernelSize: k, strides: stride, padding: 'same', useBias: false, name: p + 'dwconv', depthwiseInitializer: I.kernel() }).apply(y) as T;
    y = I.bn(p + 'bn', y);
    y = tf.layers.activation({ activation: 'swish', name: p + 'activation' }).apply(y) as T;
    let se = tf.layers.globalAveragePooling2d({ name: p + 'se_squeeze' }).apply(y) as T;
    se = tf.layers.reshape({ targetShape: [1, 1, mid], name: p + 'se_reshape' }).apply(se) as T;
    se = tf.layers.dense({ units: Math.max(1, Math.floor(inCh / 4)), activation: 'swish', name: p + 'se_reduce', kernelInitializer: I.dense(), biasInitializer: I.small() }).apply(se) as T;
    se = tf.layers.dense({ units: mid, activation: 'sigmoid', name: p + 'se_expand', kernelInitializer: I.dense(), biasInitializer: I.small() }).apply(se) as T;
    y = tf.layers.multiply({ name: p + 'se_excite' }).apply([y, se]) as T;
    y = tf.layers.conv2d({ filters: outCh, kernelSize: 1, padding: 'same', useBias: false, name: p + 'project_conv', kernelInitializer: I.kernel() }).apply(y) as T;
    y = I.bn(p + 'project_bn', y);
    if (stride === 1 && inCh === outCh) {
      y = tf.layers.dropout({ rate: 0.2, name: p + 'drop' }).apply(y) as T;
      y = tf.layers.add({ name: p + 'add' }).apply([y, x]) as T;
    }
    inCh = outCh;
    x = y;
  });
  x = tf.layers.conv2d({ filters: ch(1280, width), kernelSize: 1, padding: 'same', useBias: false, name: 'top_conv', kernelInitializer: I.kernel() }).apply(x) as T;
  x = I.bn('top_bn', x);
  x = tf.layers.activation({ activation: 'swish', name: 'top_activation' }).apply(x) as T;
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as T;
  x = tf.layers.dropout({ rate: 0.2, name: 'top_dropout' }).apply(x) as T;
  const out = tf.layers.dense({ units: classes, name: 'predictions', kernelInitializer: I.dense() }).apply(x) as T;
  return tf.model({ inputs: inp, outputs: out, name: 'efficientnet' });
}

/**
 * Every other Keras layer class tfjs has, in one small graph: SeparableConv2D, Conv2DTranspose,
 * LeakyReLU, PReLU, ELU, Softmax, Concatenate, Average, Maximum, Minimum, Multiply,
 * ZeroPadding2D, Cropping2D, UpSampling2D, AveragePooling2D, MaxPooling2D,
 * GlobalMaxPooling2D, Rescaling, Activation (relu6, gelu, sigmoid, tanh, softmax), a nested
 * functional Model, a nested Sequential, and a Conv2D applied twice (a shared layer).
 * Cuts by construction: `rescale`, `stem`, `stem_act`, `merge`, `pool_avg`, `inner_seq`,
 * `inner_model`, `joined`, `heads`, `fc`.
 */
export function allLayersModel({ size = 64, width = 0.25, classes = 10, seed = 5 }: ArchOptions = {}): tf.LayersModel {
  const I = new Init(seed);
  const c = ch(32, width);
  const inp = tf.input({ shape: [size, size, 3], name: 'image' });
  let x = tf.layers.rescaling({ scale: 2, offset: -1, name: 'rescale' }).apply(inp) as T;
  x = tf.layers.zeroPadding2d({ padding: 1, name: 'pad' }).apply(x) as T;
  x = tf.layers.conv2d({ filters: c, kernelSize: 3, name: 'stem', kernelInitializer: I.kernel(), biasInitializer: I.positive() }).apply(x) as T;
  x = tf.layers.leakyReLU({ alpha: 0.1, name: 'stem_act' }).apply(x) as T;
  // Branches: separable conv + PReLU, transposed conv (x2) cropped back, depthwise + relu6.
  let a = tf.layers.separableConv2d({ filters: c, kernelSize: 3, padding: 'same', name: 'sep', depthwiseInitializer: I.kernel(), pointwiseInitializer: I.kernel(), biasInitializer: I.positive() }).apply(x) as T;
  a = tf.layers.prelu({ name: 'prelu', alphaInitializer: tf.initializers.constant({ value: 0.2 }) }).apply(a) as T;
  let b = tf.layers.conv2dTranspose({ filters: c, kernelSize: 3, strides: 2, padding: 'same', name: 'deconv', kernelInitializer: I.kernel(), biasInitializer: I.positive() }).apply(x) as T;
  b = tf.layers.cropping2D({ cropping: [[size / 2, size / 2], [size / 2, size / 2]], name: 'crop' }).apply(b) as T;
  b = tf.layers.elu({ name: 'elu' }).apply(b) as T;
  let d = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 1, name: 'dw', depthwiseInitializer: I.kernel(), biasInitializer: I.positive() }).apply(x) as T;
  d = tf.layers.activation({ activation: 'relu6', name: 'dw_relu6' }).apply(d) as T;
  const avg = tf.layers.average({ name: 'avg' }).apply([a, b, d]) as T;
  const mx = tf.layers.maximum({ name: 'max' }).apply([a, b]) as T;
  const mn = tf.layers.minimum({ name: 'min' }).apply([b, d]) as T;
  const gate = tf.layers.activation({ activation: 'sigmoid', name: 'gate' }).apply(mn) as T;
  const gated = tf.layers.multiply({ name: 'gated' }).apply([mx, gate]) as T;
  x = tf.layers.concatenate({ name: 'merge', axis: -1 }).apply([avg, gated]) as T;
  x = tf.layers.averagePooling2d({ poolSize: 2, name: 'pool_avg' }).apply(x) as T;
  // A nested Sequential and a nested functional model, each run as one layer of the outer graph.
  const seq = tf.sequential({
    name: 'inner_seq',
    layers: [
      tf.layers.conv2d({ inputShape: [size / 2, size / 2, 2 * c], filters: c, kernelSize: 3, padding: 'same', name: 'seq_conv', kernelInitializer: I.kernel(), biasInitializer: I.positive() }),
      tf.layers.batchNormalization({ name: 'seq_bn', movingVarianceInitializer: tf.initializers.constant({ value: 1.3 }), betaInitializer: I.positive() }),
      tf.layers.activation({ activation: 'gelu', name: 'seq_gelu' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'seq_pool' }),
    ],
  });
  x = seq.apply(x) as T;
  const innerIn = tf.input({ shape: [size / 4, size / 4, c], name: 'inner_in' });
  const i1 = tf.layers.conv2d({ filters: c, kernelSize: 3, padding: 'same', activation: 'relu', name: 'inner_conv', kernelInitializer: I.kernel() }).apply(innerIn) as T;
  const i2 = tf.layers.add({ name: 'inner_add' }).apply([innerIn, i1]) as T;
  const i3 = tf.layers.activation({ activation: 'tanh', name: 'inner_tanh' }).apply(i2) as T;
  const inner = tf.model({ inputs: innerIn, outputs: i3, name: 'inner_model' });
  x = inner.apply(x) as T;
  // One Conv2D applied twice (shared weights), on the tensor and its 2x upsampling pooled back.
  const shared = tf.layers.conv2d({ filters: c, kernelSize: 3, padding: 'same', activation: 'relu', name: 'shared', kernelInitializer: I.kernel(), biasInitializer: I.positive() });
  const s1 = shared.apply(x) as T;
  let up = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(x) as T;
  up = tf.layers.maxPooling2d({ poolSize: 2, name: 'down' }).apply(up) as T;
  const s2 = shared.apply(up) as T;
  x = tf.layers.add({ name: 'joined' }).apply([s1, s2]) as T;
  const soft = tf.layers.softmax({ axis: -1, name: 'chan_softmax' }).apply(x) as T;
  const gmp = tf.layers.globalMaxPooling2d({ name: 'gmp' }).apply(soft) as T;
  const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as T;
  x = tf.layers.concatenate({ name: 'heads' }).apply([gmp, gap]) as T;
  x = tf.layers.reshape({ targetShape: [2, c], name: 'reshape' }).apply(x) as T;
  x = tf.layers.flatten({ name: 'flat' }).apply(x) as T;
  x = tf.layers.dense({ units: 2 * c, name: 'fc', activation: 'tanh', kernelInitializer: I.dense(), biasInitializer: I.positive() }).apply(x) as T;
  x = tf.layers.dropout({ rate: 0.3, name: 'drop' }).apply(x) as T;
  const out = tf.layers.dense({ units: classes, name: 'logits', kernelInitializer: I.dense() }).apply(x) as T;
  return tf.model({ inputs: inp, outputs: out, name: 'all_layers' });
}

/**
 * Sets every top-level BatchNormalization layer's moving mean and variance to the statistics of
 * its input over `x` (in one forward pass, in graph order), as a trained network's would be: with
 * random weights and default statistics, deep nets saturate (ReLU6) or collapse to a constant
 * output. Returns the model.
 */
export function calibrateBatchNorm(model: tf.LayersModel, x: tf.Tensor): tf.LayersModel {
  tf.tidy(() => {
    const exec = new Executor(model);
    const env = new Map<number, tf.Tensor>([[exec.plan.inputIds[0], x]]);
    for (const s of exec.plan.steps) {
      const ins = s.inputIds.map((id) => env.get(id)!);
      if (s.className === 'BatchNormalization') {
        const { mean, variance } = tf.moments(ins[0], [0, 1, 2].slice(0, ins[0].rank - 1));
        const w = (s.layer as unknown as tf.layers.Layer).getWeights();
        (s.layer as unknown as tf.layers.Layer).setWeights([w[0], w[1], mean, variance]);
      }
      const out = s.nested ? (s.layer as unknown as tf.LayersModel).apply(ins[0], { training: false }) : s.layer.apply(ins.length === 1 ? ins[0] : ins, { ...s.callArgs, training: false });
      const outs = Array.isArray(out) ? out : [out];
      s.outputIds.forEach((id, j) => env.set(id, outs[j] as tf.Tensor));
    }
  });
  return model;
}
