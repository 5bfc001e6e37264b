/**
 * Conv2D -> BatchNormalization (-> ReLU) run as one fused convolution with the BatchNorm folded
 * into its filter and bias, where nothing looks at the convolution's or the BatchNorm's own output.
 *
 * In inference BatchNorm is y = (z - mean) * s + beta with s = gamma / sqrt(var + eps), an affine map
 * per channel, so conv(x, W) -> BN -> ReLU equals relu(conv(x, W * s) + (b - mean) * s + beta): one
 * FusedConv2D kernel instead of a convolution, a BatchNorm and a ReLU over the whole activation,
 * and in a backward pass one mask and one input gradient instead of the ReLU's, the BatchNorm's
 * and the convolution's. While gradients are recorded the fused op carries its own gradient, the
 * input's only (tfjs's fused conv would also take the filter's and the bias's; see
 * inputGradLayers.ts). Outputs and gradients equal the unfolded layers' to float rounding
 * (foldedConvBn.test.ts); the benchmark reports the speed-up (bench/fixes.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphPlan, Step } from './graph';
import { pair, recordingGradients, type BnLike, type ConvLike } from './inputGradLayers';

interface ReluLayer {
  maxValue?: number | null;
  negativeSlope?: number;
  threshold?: number;
  activation?: { getClassName?(): string };
}

/** A foldable run of steps: steps[start] a Conv2D, then its BatchNorm, then (relu) a ReLU. */
export interface FoldedBlock {
  start: number;
  /** Steps covered: 2 (conv, BN) or 3 (conv, BN, ReLU). */
  span: number;
  relu: boolean;
}

let enabled = true;
/** Turns folding off (the benchmark times the unfolded layers against it); on by default. */
export function setFoldConvBn(on: boolean): void {
  enabled = on;
}
export function foldConvBnEnabled(): boolean {
  return enabled;
}


function foldableConv(s: Step): boolean {
  const l = s.layer as unknown as ConvLike;
  const [dh, dw] = pair(l.dilationRate);
  return (
    s.className === 'Conv2D' &&
    !s.nested &&
    l.kernel !== undefined &&
    (l.padding === 'same' || l.padding === 'valid') &&
    (l.dataFormat === undefined || l.dataFormat === 'channelsLast') &&
    dh === 1 &&
    dw === 1 &&
    l.activation?.getClassName?.() === 'linear'
  );
}

function foldableBn(s: Step, rank: number): boolean {
  const l = s.layer as unknown as BnLike;
  return s.className === 'BatchNormalization' && !s.nested && (l.axis === -1 || l.axis === rank - 1) && l.movingMean !== undefined && l.movingVariance !== undefined;
}

function plainRelu(s: Step): boolean {
  if (s.nested) return false;
  if (s.className === 'ReLU') {
    const l = s.layer as unknown as ReluLayer;
    return l.maxValue == null;
  }
  if (s.className === 'Activation') return (s.layer as unknown as ReluLayer).activation?.getClassName?.() === 'relu';
  return false;
}

/**
 * The foldable blocks of a plan (not of its nested plans): a Conv2D whose only reader is a
 * BatchNorm over the channel axis, and that BatchNorm's only reader a plain ReLU when there is
 * one; no intermediate output is an output of the plan.
 */
export function findFoldedBlocks(plan: GraphPlan): Map<number, FoldedBlock> {
  const readers = new Map<number, number>();
  for (const s of plan.steps) for (const id of s.inputIds) readers.set(id, (readers.get(id) ?? 0) + 1);
  const outputs = new Set(plan.outputIds);
  const soleReader = (from: Step, to: Step | undefined) =>
    to !== undefined && from.outputIds.length === 1 && !outputs.has(from.outputIds[0]) && readers.get(from.outputIds[0]) === 1 && to.inputIds.length === 1 && to.inputIds[0] === from.outputIds[0];
  const blocks = new Map<number, FoldedBlock>();
  for (let i = 0; i + 1 < plan.steps.length; i++) {
    const conv = plan.steps[i];
    const bn = plan.steps[i + 1];
    if (!foldableConv(conv) || !soleReader(conv, bn) || !foldableBn(bn, conv.outputShape.length + 1)) continue;
    const relu = plan.steps[i + 2];
    const withRelu = relu !== undefined && plainRelu(relu) && soleReader(bn, relu);
    blocks.set(i, { start: i, span: withRelu ? 3 : 2, relu: withRelu });
    i += withRelu ? 2 : 1;
  }
  return blocks;
}

/** The folded filter W * s and bias (b - mean) * s + beta. */
function foldedWeights(convStep: Step, bnStep: Step): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  const conv = convStep.layer as unknown as ConvLike;
  const bn = bnStep.layer as unknown as BnLike;
  return tf.tidy(() => {
    const mean = bn.movingMean!.read() as tf.Tensor1D;
    let s = tf.rsqrt(tf.add(bn.movingVariance!.read(), bn.epsilon ?? 1e-3)) as tf.Tensor1D;
    if (bn.gamma) s = tf.mul(s, bn.gamma.read());
    const filter = tf.mul(conv.kernel!.read(), s) as tf.Tensor4D;
    let bias = tf.mul(conv.bias ? tf.sub(conv.bias.read(), mean) : tf.neg(mean), s) as tf.Tensor1D;
    if (bn.beta) bias = tf.add(bias, bn.beta.read());
    return { filter, bias };
  });
}

/** Runs a folded block on its convolution's input; the result is the block's last step's output. */
export function applyFoldedBlock(plan: GraphPlan, block: FoldedBlock, x: tf.Tensor4D): tf.Tensor4D {
  const convStep = plan.steps[block.start];
  const conv = convStep.layer as unknown as ConvLike;
  const strides = pair(conv.strides);
  const pad = conv.padding as 'same' | 'valid';
  const activation = block.relu ? 'relu' : 'linear';
  // The FusedConv2D kernel itself: tf.fused.conv2d splits into conv, add and activation whenever a
  // gradient is being recorded, which is when this matters most.
  const run = (input: tf.Tensor4D, w: { filter: tf.Tensor4D; bias: tf.Tensor1D }) =>
    tf.engine().runKernel('FusedConv2D', { x: input, filter: w.filter, bias: w.bias }, { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation, leakyreluAlpha: 0 } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  if (!recordingGradients()) {
    return tf.tidy(() => run(x, foldedWeights(convStep, plan.steps[block.start + 1])));
  }
  const inShape = x.shape;
  // What the gradient reads goes through save(): tfjs runs the forward pass in a tidy of its own
  // (engine.gradients), so only saved (kept) tensors outlive it.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const w = foldedWeights(convStep, plan.steps[block.start + 1]);
    const y = run(input, w);
    save(block.relu ? [w.filter, y] : [w.filter]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const g = (block.relu ? tf.mul(dy, tf.step(saved[1])) : dy) as tf.Tensor4D;
        return tf.conv2dTranspose(g, saved[0] as tf.Tensor4D, inShape, strides, pad);
      },
    };
  });
  return op(x) as tf.Tensor4D;
}
