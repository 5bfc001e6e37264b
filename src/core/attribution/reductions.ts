/**
 * Reductions of a per-position map M (B, ...spatial, C) to per-image vectors:
 * `net = sum_space M` (B, C); `ei = [sum_space min(M, 0), sum_space max(M, 0)]` (B, 2C), the
 * negative half first as the reference orders it (split before summing over space).
 */
import * as tf from '@tensorflow/tfjs';

function spatialSum(m: tf.Tensor): tf.Tensor2D {
  if (m.rank === 2) return m as tf.Tensor2D;
  const axes = Array.from({ length: m.rank - 2 }, (_, i) => i + 1);
  return tf.sum(m, axes) as tf.Tensor2D;
}

export function netReduce(m: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => spatialSum(m));
}

export function eiReduce(m: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.concat([spatialSum(tf.minimum(m, 0)), spatialSum(tf.maximum(m, 0))], 1) as tf.Tensor2D);
}

/** The SAE input for a reduction name, from the B x 2C ei vector (net = neg + pos). */
export function reduceFromEi(ei: Float32Array, b: number, c: number, reduction: 'net' | 'ei' | 'pos' | 'neg'): Float32Array {
  if (reduction === 'ei') return ei;
  const out = new Float32Array(b * c);
  for (let n = 0; n < b; n++) {
    for (let j = 0; j < c; j++) {
      const neg = ei[n * 2 * c + j];
      const pos = ei[n * 2 * c + c + j];
      out[n * c + j] = reduction === 'net' ? neg + pos : reduction === 'pos' ? pos : neg;
    }
  }
  return out;
}
