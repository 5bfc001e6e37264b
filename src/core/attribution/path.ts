/**
 * The straight path from a baseline x0 to the input x, shared by the path methods: baselines,
 * interpolated batches (alpha-first, so a chunk of alpha points is one contiguous batch), and the
 * alpha chunk size picked from a memory budget.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';

export type BaselineSpec = 'zeros' | 'blur' | tf.Tensor;

/** The baseline batch for x (B, ...): zeros, a Gaussian blur of x (sigma in pixels), or a given image broadcast over the batch. */
export function makeBaseline(x: tf.Tensor4D | tf.Tensor, spec: BaselineSpec = 'zeros', blurSigma = 4): tf.Tensor {
  return tf.tidy(() => {
    if (spec === 'zeros') return tf.zerosLike(x);
    if (spec === 'blur') {
      check(x.rank === 4, () => `makeBaseline: blur needs an image batch (rank 4), but got rank ${x.rank}.`);
      return gaussianBlur(x as tf.Tensor4D, blurSigma);
    }
    const b = spec.rank === x.rank ? spec : spec.expandDims(0);
    check(
      tf.util.arraysEqual(b.shape.slice(1), x.shape.slice(1)) && (b.shape[0] === 1 || b.shape[0] === x.shape[0]),
      () => `makeBaseline: baseline shape [${spec.shape}] does not match the input [${x.shape}].`,
    );
    return tf.add(tf.zerosLike(x), b);
  });
}

/** Separable Gaussian blur per channel with reflect-free 'same' padding (edges averaged over fewer pixels). */
export function gaussianBlur(x: tf.Tensor4D, sigma: number): tf.Tensor4D {
  return tf.tidy(() => {
    const r = Math.max(1, Math.ceil(2.5 * sigma));
    const w = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
    const s = w.reduce((a, b) => a + b, 0);
    const c = x.shape[3];
    const kx = tf.tile(tf.tensor4d(w.map((v) => v / s), [1, 2 * r + 1, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
    const ky = tf.tile(tf.tensor4d(w.map((v) => v / s), [2 * r + 1, 1, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
    const blur = (t: tf.Tensor4D) => tf.depthwiseConv2d(tf.depthwiseConv2d(t, kx, 1, 'same'), ky, 1, 'same');
    // Normalise by the blurred ones so edges are not darkened.
    const norm = blur(tf.onesLike(x));
    return tf.div(blur(x), norm) as tf.Tensor4D;
  });
}

/** alpha_i = i / steps for i in [from, to] (inclusive). */
export function alphas(steps: number, from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, j) => (from + j) / steps);
}

/** The interpolated batch for the given alphas, alpha-first: rows [a0: B images, a1: B images, ...]. */
export function interpolate(x0: tf.Tensor, x: tf.Tensor, alphaList: number[]): tf.Tensor {
  return tf.tidy(() => {
    const diff = tf.sub(x, x0);
    return tf.concat(alphaList.map((a) => tf.add(x0, tf.mul(diff, a))), 0);
  });
}

export { NETWORK_COPIES, LAYER_COPIES, passBytes, alphaChunkFor, imagesForBudget } from './memoryBudget';
