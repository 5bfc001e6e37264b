/**
 * Layers run as their plain ops while gradients are recorded, so that only the gradients that are
 * needed get computed.
 *
 * tfjs runs Conv2D, DepthwiseConv2D and Dense as fused ops whenever their activation is linear,
 * even while recording gradients, and a fused op's gradient (a customGrad) computes the gradient of
 * every input at once: the filter's and the bias's as well as the input's. Attribution only needs
 * the input's, and for a convolution followed by BatchNorm (ResNets, the demo CNN) the filter
 * gradient costs about as much again (a quarter of a conductance run on WASM, measured with
 * tf.profile). Run as conv2d / depthwiseConv2d / matMul, then the bias and the activation, the
 * gradient tape takes each input's gradient only where a path needs it. Outputs and gradients equal
 * the fused layer's (inputGradLayers.test.ts).
 */
import * as tf from '@tensorflow/tfjs';

export interface VariableLike {
  read(): tf.Tensor;
}
/** A Conv2D / DepthwiseConv2D / Dense layer's fields (tfjs-layers keeps them public in JavaScript). */
export interface ConvLike {
  getClassName(): string;
  kernel?: VariableLike;
  depthwiseKernel?: VariableLike;
  bias?: VariableLike | null;
  strides?: number[];
  padding?: string;
  dataFormat?: string;
  dilationRate?: number | number[];
  activation?: { apply(x: tf.Tensor): tf.Tensor; getClassName?(): string };
}

/** A BatchNormalization layer's fields (tfjs-layers keeps them public in JavaScript). */
export interface BnLike {
  axis?: number;
  epsilon?: number;
  gamma?: VariableLike | null;
  beta?: VariableLike | null;
  movingMean?: VariableLike;
  movingVariance?: VariableLike;
}

let enabled = true;
/** Turns this off (the benchmark times the fused layers against it); on by default. */
export function setInputGradLayers(on: boolean): void {
  enabled = on;
}

/** True while tfjs records a gradient tape (inside tf.grad / valueAndGrads, outside kernels). */
export function recordingGradients(): boolean {
  const state = (tf.engine() as unknown as { state: { gradientDepth: number; kernelDepth: number } }).state;
  return state.gradientDepth > 0 && state.kernelDepth === 0;
}

/** A layer's stride or dilation (a number or a pair) as a pair. */
export const pair = (v: number | number[] | undefined): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v ?? 1, v ?? 1]);

/**
 * The layer's output computed with plain ops, or null when the layer is not one of these (or uses
 * options this does not cover): the caller then applies the layer itself.
 */
export function applyWithInputGradients(layer: unknown, input: tf.Tensor | tf.Tensor[]): tf.Tensor | null {
  if (!enabled || Array.isArray(input) || !recordingGradients()) return null;
  const l = layer as ConvLike;
  const cls = typeof l.getClassName === 'function' ? l.getClassName() : '';
  if (cls === 'BatchNormalization') return batchNormPartial(layer as BnLike, input);
  if (!l.activation || (l.dataFormat !== undefined && l.dataFormat !== 'channelsLast')) return null;
  let y: tf.Tensor;
  if (cls === 'Conv2D' && l.kernel && input.rank === 4 && (l.padding === 'same' || l.padding === 'valid')) {
    y = tf.conv2d(input as tf.Tensor4D, l.kernel.read() as tf.Tensor4D, pair(l.strides), l.padding, 'NHWC', pair(l.dilationRate));
  } else if (cls === 'DepthwiseConv2D' && l.depthwiseKernel && input.rank === 4 && (l.padding === 'same' || l.padding === 'valid')) {
    y = tf.depthwiseConv2d(input as tf.Tensor4D, l.depthwiseKernel.read() as tf.Tensor4D, pair(l.strides), l.padding, 'NHWC', pair(l.dilationRate));
  } else if (cls === 'Dense' && l.kernel && input.rank === 2) {
    y = tf.matMul(input as tf.Tensor2D, l.kernel.read() as tf.Tensor2D);
  } else return null;
  if (l.bias) y = tf.add(y, l.bias.read());
  return l.activation.apply(y);
}

/**
 * A BatchNormalization without scale (gamma) or without offset (beta), as plain ops: tfjs records
 * its FusedBatchNorm kernel with the absent input on the gradient tape, and the backward pass then
 * fails (no scale: "Cannot read properties of undefined (reading 'dtype')" while saving it; no
 * offset: "... (reading 'id')" while walking the tape), so such a layer could not be attributed at
 * all. Null (the layer runs itself) when it has both, or normalizes another axis than the last.
 */
function batchNormPartial(l: BnLike, x: tf.Tensor): tf.Tensor | null {
  if ((l.gamma && l.beta) || !l.movingMean || !l.movingVariance || !(l.axis === -1 || l.axis === x.rank - 1)) return null;
  let s = tf.rsqrt(tf.add(l.movingVariance.read(), l.epsilon ?? 1e-3));
  if (l.gamma) s = tf.mul(s, l.gamma.read());
  const y = tf.mul(tf.sub(x, l.movingMean.read()), s);
  return l.beta ? tf.add(y, l.beta.read()) : y;
}
