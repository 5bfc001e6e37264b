/**
 * Amacrine cells, the retina's second layer: each type pools rectified bipolar outputs p over a
 * Gaussian field (narrow or wide) and inhibits bipolar terminals subtractively:
 *   A_a = G_{sigma_a} * (sum_j v_aj p_j),   t_j = max(u_j - sum_a g_ja A_a, 0)
 * with u_j the thresholded drive (so t_j = max(p_j - inhibition, 0) since A >= 0). The Gaussian
 * has unit sum, so A is a weighted local mean of bipolar output ('same' padding: zeros past the edge).
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';

export interface AmacrineType {
  id: string;
  /** Width of the pooling Gaussian, in bipolar grid steps (pixels). */
  sigma: number;
  /** Weight v_aj of each bipolar type's output (in the simulator's bipolar order). */
  inputs: number[];
}

/** Narrow-field pools the fast types; wide-field pools all four (the object-motion circuit). */
export const AMACRINE_TYPES: readonly AmacrineType[] = [
  { id: 'narrow', sigma: 1, inputs: [0.5, 0, 0.5, 0] },
  { id: 'wide', sigma: 3.5, inputs: [0.25, 0.25, 0.25, 0.25] },
];

/** g_ja: inhibition of bipolar type j's terminals by amacrine type a (rows: bipolar types). */
export const TERMINAL_INHIBITION: readonly number[][] = [
  [0.3, 0.8],
  [0.6, 0.2],
  [0.3, 0.8],
  [0.6, 0.2],
];

/**
 * One conv kernel (k, k, nBipolar, nAmacrine) doing the mixing and the pooling at once:
 * W[y, x, j, a] = v_aj G_a(y, x), G_a a unit-sum Gaussian (a plain conv: WASM has its gradient).
 */
export function amacrineKernel(types: readonly AmacrineType[], nBipolar: number): tf.Tensor4D {
  for (const t of types) check(t.inputs.length === nBipolar, () => `amacrineKernel: type ${t.id} has ${t.inputs.length} inputs, expected ${nBipolar}.`);
  const na = types.length;
  const r = Math.max(...types.map((t) => Math.ceil(2.5 * t.sigma)));
  const k = 2 * r + 1;
  const w = new Float32Array(k * k * nBipolar * na);
  types.forEach((t, a) => {
    const g: number[] = [];
    for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) g.push(Math.exp(-((y - r) ** 2 + (x - r) ** 2) / (2 * t.sigma * t.sigma)));
    const s = g.reduce((p, q) => p + q, 0);
    g.forEach((v, i) => t.inputs.forEach((vj, j) => (w[(i * nBipolar + j) * na + a] = (vj * v) / s)));
  });
  return tf.tensor4d(w, [k, k, nBipolar, na]);
}

/** Amacrine activity A (B, H, W, nAmacrine) from bipolar outputs p (B, H, W, nBipolar). */
export function amacrineActivity(p: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.conv2d(p, kernel, 1, 'same'));
}

/** Terminal input u - A g^T (the terminal output is its ReLU), with inhibition g as a (nAmacrine, nBipolar) tensor. */
export function terminalInput(u: tf.Tensor4D, a: tf.Tensor4D, inhibition: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, na] = a.shape;
    const inh = tf.reshape(tf.matMul(tf.reshape(a, [b * h * w, na]), inhibition), u.shape);
    return tf.sub(u, inh) as tf.Tensor4D;
  });
}

/** The inhibition matrix as a (nAmacrine, nBipolar) tensor. */
export function inhibitionTensor(rows: readonly number[][], nAmacrine: number): tf.Tensor2D {
  for (const r of rows) check(r.length === nAmacrine, () => `inhibitionTensor: each row needs ${nAmacrine} weights, but got ${r.length}.`);
  return tf.tidy(() => tf.transpose(tf.tensor2d(rows.map((r) => [...r]))) as tf.Tensor2D);
}
