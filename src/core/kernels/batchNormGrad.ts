/**
 * A cheaper gradient for FusedBatchNorm (every BatchNormalization layer): tfjs 4.22 tiles
 * 1/sqrt(var + eps) to the full input shape for dx and computes x - mean and dy * scale even when
 * only dx is needed (inference-mode attribution). Broadcasting gives the same numbers without the
 * tile, and each partial is computed only when asked:
 *   dx = dy * scale / sqrt(var + eps); dmean = -sum(dy * scale) / sqrt(var + eps);
 *   dvar = -1/2 sum(dy * scale * (x - mean)) (var + eps)^-3/2; dscale = sum(dy * (x - mean)) / sqrt(var + eps);
 *   doffset = sum(dy); sums over the axes the parameter was broadcast along.
 */
import * as tf from '@tensorflow/tfjs';

function reduceTo(t: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, t.shape);
  return tf.reshape(axes.length ? tf.sum(t, axes) : t, shape);
}

export const batchNormGradConfig: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved;
    const g = dy as tf.Tensor;
    const inv = () => tf.rsqrt(tf.add(variance, varianceEpsilon));
    const dyScaled = () => (scale == null ? g : tf.mul(g, scale));
    return {
      x: () => tf.mul(dyScaled(), inv()),
      mean: () => reduceTo(tf.neg(tf.mul(dyScaled(), inv())), mean.shape),
      variance: () => {
        const i = inv();
        return reduceTo(tf.mul(tf.mul(dyScaled(), tf.sub(x, mean)), tf.mul(-0.5, tf.mul(i, tf.mul(i, i)))), variance.shape);
      },
      scale: () => reduceTo(tf.mul(g, tf.mul(tf.sub(x, mean), inv())), scale!.shape),
      offset: () => reduceTo(g, mean.shape),
    };
  },
};

let done = false;
/** Replaces tfjs' FusedBatchNorm gradient (all backends: the math is identical). Idempotent. */
export function registerBatchNormGradient(): void {
  if (done) return;
  done = true;
  tf.registerGradient(batchNormGradConfig);
}
