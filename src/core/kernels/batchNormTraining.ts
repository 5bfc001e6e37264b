/**
 * A cheaper training-mode BatchNormalization for tfjs-layers models (the demo training on WASM).
 * tfjs-layers normalizes a batch with tf.moments + tf.batchNorm and differentiates through both,
 * about 37 full-size passes over the activations per layer and step (batch norm's five partials,
 * then Mean, Square and Sub back through the moments; the Mean gradient alone tiles ones). The
 * closed form needs 14, with x^ = (x - mean) rstd, rstd = 1/sqrt(var + eps), n = B*H*W:
 *   y = gamma x^ + beta;
 *   dbeta = sum dy;  dgamma = sum dy x^;  dx = gamma rstd (dy - dbeta/n - x^ dgamma/n).
 * `useFastBatchNormTraining(model)` replaces `call` on each channels-last BatchNormalization
 * instance (the class, config and weights stay tfjs', so the saved model.json is unchanged);
 * inference (training false) runs tfjs' own code. The moving mean and variance are updated as
 * tfjs does (biased batch variance, `momentum`). Returns a function that restores the layers.
 */
import * as tf from '@tensorflow/tfjs';

interface BnLayer {
  call: (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
  getClassName(): string;
  axis: number;
  epsilon: number;
  momentum: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): tf.Tensor };
  beta: { read(): tf.Tensor };
  movingMean: { read(): tf.Tensor; write(t: tf.Tensor): void };
  movingVariance: { read(): tf.Tensor; write(t: tf.Tensor): void };
}

/** Batch statistics and normalization over all axes but the last; `stats` receives the batch mean and variance (kept). */
function normalizeBatch(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number, stats: tf.Tensor[]): tf.Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const n = x.size / x.shape[x.rank - 1];
  const f = tf.customGrad((...args: unknown[]) => {
    const [xi, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const mean = tf.mean(xi, axes);
    const xc = tf.sub(xi, mean);
    const variance = tf.mean(tf.square(xc), axes);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(xc, rstd);
    stats.push(tf.keep(mean), tf.keep(variance));
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = dy as tf.Tensor;
        const [xh, rs, gm] = saved;
        const dbeta = tf.sum(d, axes);
        const dgamma = tf.sum(tf.mul(d, xh), axes);
        const dx = tf.mul(tf.sub(tf.sub(d, tf.div(dbeta, n)), tf.mul(xh, tf.div(dgamma, n))), tf.mul(gm, rs));
        return [dx, dgamma, dbeta];
      },
    };
  });
  return f(x, gamma, beta);
}

/** Patches every BatchNormalization layer of `model` (channels-last, center and scale on); returns an undo. */
export function useFastBatchNormTraining(model: tf.LayersModel): () => void {
  const undo: (() => void)[] = [];
  for (const layer of model.layers as unknown as BnLayer[]) {
    if (layer.getClassName() !== 'BatchNormalization' || !layer.center || !layer.scale || !(layer.axis === -1 || layer.axis === 3)) continue;
    const original = layer.call;
    const own = Object.prototype.hasOwnProperty.call(layer, 'call');
    layer.call = function (inputs, kwargs) {
      if (!kwargs?.training) return original.call(this, inputs, kwargs);
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const stats: tf.Tensor[] = [];
        const y = normalizeBatch(x, layer.gamma.read(), layer.beta.read(), layer.epsilon, stats);
        const [mean, variance] = stats;
        // As tfjs-layers: moving = moving - (moving - batch) * (1 - momentum).
        for (const [v, batch] of [[layer.movingMean, mean], [layer.movingVariance, variance]] as const) {
          const old = v.read();
          v.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - layer.momentum)));
        }
        tf.dispose(stats);
        return y;
      });
    };
    undo.push(() => {
      if (own) layer.call = original;
      else delete (layer as Partial<BnLayer>).call;
    });
  }
  return () => undo.forEach((u) => u());
}
