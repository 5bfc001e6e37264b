/**
 * Scalar targets F of the model's output, one value per sample: the quantity whose change a
 * layer's contributions decompose. Built-in kinds are named; the API also takes any function of
 * the outputs (never text from a user: nothing is evaluated).
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';

export type TargetFn = (outputs: tf.Tensor2D, classIdx: tf.Tensor1D) => tf.Tensor1D;

export type TargetSpec =
  | { kind: 'logit' | 'prob' | 'logprob'; classIndex?: number | number[] }
  | { kind: 'top1' | 'top1-prob' }
  | { kind: 'surprisal'; mean: Float32Array | number[]; precision: Float32Array | number[] }
  | { kind: 'custom'; fn: TargetFn; name?: string };

export const TARGET_KINDS = ['logit', 'prob', 'logprob', 'top1', 'top1-prob', 'surprisal'] as const;

/** z[n, k_n] of a (N, K) tensor with per-sample class indices (N,) int32. */
function pick(z: tf.Tensor2D, classIdx: tf.Tensor1D): tf.Tensor1D {
  const k = z.shape[1];
  return tf.sum(tf.mul(z, tf.oneHot(classIdx.toInt(), k)), 1) as tf.Tensor1D;
}

/** The per-sample target values for outputs (N, K); classIdx holds each sample's class (N,). */
export function targetFn(spec: TargetSpec): TargetFn {
  switch (spec.kind) {
    case 'logit':
      return (z, k) => pick(z, k);
    case 'prob':
      return (z, k) => pick(tf.softmax(z) as tf.Tensor2D, k);
    case 'logprob':
      return (z, k) => pick(tf.logSoftmax(z) as tf.Tensor2D, k);
    case 'top1':
      return (z) => tf.max(z, 1) as tf.Tensor1D;
    case 'top1-prob':
      return (z) => tf.max(tf.softmax(z), 1) as tf.Tensor1D;
    case 'surprisal': {
      const m = spec.mean.length;
      check(spec.precision.length === m * m, () => `targetFn: surprisal precision must be ${m}x${m}, but got ${spec.precision.length} entries.`);
      return (r) => {
        check(r.shape[1] === m, () => `targetFn: surprisal mean has ${m} entries, but the model has ${r.shape[1]} outputs.`);
        const d = tf.sub(r, tf.tensor1d(Array.from(spec.mean)));
        const p = tf.tensor2d(Array.from(spec.precision), [m, m]);
        return tf.mul(0.5, tf.sum(tf.mul(tf.matMul(d, p), d), 1)) as tf.Tensor1D;
      };
    }
    case 'custom':
      return spec.fn;
  }
}

/** Whether the target needs a class per sample (logit, prob, logprob). */
export function needsClass(spec: TargetSpec): boolean {
  return spec.kind === 'logit' || spec.kind === 'prob' || spec.kind === 'logprob';
}

/**
 * Surprisal statistics from responses (N, M): mean and precision (Sigma + eps I)^-1 with a ridge
 * eps = ridge * trace(Sigma)/M, for the retina's `1/2 (r - mu)^T (Sigma + eps I)^-1 (r - mu)`.
 */
export function surprisalStats(responses: Float32Array, n: number, m: number, ridge = 1e-3): { mean: Float32Array; precision: Float32Array } {
  check(n >= 2 && responses.length === n * m, () => `surprisalStats: responses must be N x ${m} with N >= 2, but got ${responses.length} values.`);
  return tf.tidy(() => {
    const r = tf.tensor2d(responses, [n, m]);
    const mean = tf.mean(r, 0);
    const d = tf.sub(r, mean);
    const cov = tf.div(tf.matMul(d, d, true, false), n - 1) as tf.Tensor2D;
    const tr = tf.sum(tf.mul(cov, tf.eye(m))).dataSync()[0];
    const eps = Math.max(ridge * (tr / m), 1e-12);
    const reg = tf.add(cov, tf.mul(tf.eye(m), eps)) as tf.Tensor2D;
    return { mean: mean.dataSync() as Float32Array, precision: invertSpd(reg.arraySync(), m) };
  });
}

/** Inverse of a symmetric positive-definite matrix by Gauss-Jordan elimination (small M). */
function invertSpd(a: number[][], m: number): Float32Array {
  const aug = a.map((row, i) => [...row, ...Array.from({ length: m }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(aug[r][c]) > Math.abs(aug[p][c])) p = r;
    [aug[c], aug[p]] = [aug[p], aug[c]];
    const piv = aug[c][c];
    check(Math.abs(piv) > 1e-30, () => `surprisalStats: covariance is singular.`);
    for (let j = 0; j < 2 * m; j++) aug[c][j] /= piv;
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const f = aug[r][c];
      if (f !== 0) for (let j = 0; j < 2 * m; j++) aug[r][j] -= f * aug[c][j];
    }
  }
  return Float32Array.from(aug.flatMap((row) => row.slice(m)));
}
