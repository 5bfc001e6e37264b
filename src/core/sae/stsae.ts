/**
 * The reference STSAE (DESIGN.md section 3). Encoder:
 *   Linear(d,H) -> Dropout -> ReLU -> LayerNorm -> Linear(H,H) -> Dropout -> ReLU -> LayerNorm
 *   -> Linear(H,K, no bias) -> sigmoid = c
 * hard threshold z = c * stopGradient([c >= tau]) (the gradient reaches c where the mask is 1),
 * reconstruction xhat = z @ atoms, atoms (K x d) Xavier-uniform, no bias;
 * loss = mean (x - xhat)^2 + lambda * mean |atoms|.
 */
import * as tf from '@tensorflow/tfjs';
import { inference, type ForwardContext, type SaeArch, type TensorWeights } from './arch';
import { constant, linear, xavierUniform } from './init';
import { layerNorm } from './layerNorm';
import { matMul } from './matmul';
import type { SaeConfig, SaeWeights } from './types';

/** z = c * [c >= tau]; dz/dc = [c >= tau] (the mask is treated as a constant). */
export function hardThreshold(c: tf.Tensor, tau: number): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const mask = tf.cast(tf.greaterEqual(x, tau), 'float32');
    save([mask]);
    return { value: tf.mul(x, mask), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) };
  });
  return f(c);
}

/** Linear -> Dropout -> ReLU -> LayerNorm (dropout is a non-negative mask: it commutes with ReLU). */
function hidden(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor, g: tf.Tensor, beta: tf.Tensor, rate: number, ctx: ForwardContext): tf.Tensor2D {
  let h = matMul(x, w).add(b).relu() as tf.Tensor2D;
  if (ctx.training && rate > 0) h = h.mul(dropoutMask(h.shape, rate, ctx.nextSeed()));
  return layerNorm(h, g, beta);
}

/** Inverted-dropout mask: 1/(1 - rate) with probability 1 - rate, else 0 (a constant: no gradient). */
function dropoutMask(shape: [number, number], rate: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.randomUniform(shape, 0, 1, 'float32', seed).greaterEqual(rate).cast('float32').mul(1 / (1 - rate)));
}

/** The second hidden layer's output h2 (B x H), the input of the code layer. */
function lastHidden(w: TensorWeights, x: tf.Tensor2D, config: SaeConfig, ctx: ForwardContext): tf.Tensor2D {
  const rate = config.dropout!;
  const h1 = hidden(x, w.w1, w.b1, w.g1, w.beta1, rate, ctx);
  return hidden(h1, w.w2, w.b2, w.g2, w.beta2, rate, ctx);
}

export const stsae: SaeArch = {
  init(config: SaeConfig, random: () => number): SaeWeights {
    const { d, K } = config;
    const H = config.hidden!;
    const l1 = linear(d, H, random);
    const l2 = linear(H, H, random);
    const l3 = linear(H, K, random, false);
    return {
      w1: l1.w,
      b1: l1.b!,
      g1: constant([H], 1),
      beta1: constant([H], 0),
      w2: l2.w,
      b2: l2.b!,
      g2: constant([H], 1),
      beta2: constant([H], 0),
      w3: l3.w,
      atoms: xavierUniform(K, d, random),
    };
  },

  encode(w: TensorWeights, x: tf.Tensor2D, config: SaeConfig, ctx: ForwardContext): tf.Tensor2D {
    const c = matMul(lastHidden(w, x, config, ctx), w.w3).sigmoid();
    return hardThreshold(c, config.tau!) as tf.Tensor2D;
  },

  /**
   * Mode k revived toward row x_r: its encoder column w3[:, k] = h2(x_r) * L / |h2(x_r)|^2, so
   * its logit on x_r is L = logit((1 + tau) / 2) and its code there (1 + tau) / 2 (above tau);
   * its atom = residual_r / ((1 + tau) / 2), so that code times atom is the residual.
   */
  revive(w: Record<string, tf.Variable>, x: tf.Tensor2D, residual: tf.Tensor2D, onehot: tf.Tensor2D, config: SaeConfig): Record<string, tf.Tensor> {
    const c = (1 + config.tau!) / 2;
    const L = Math.log(c / (1 - c));
    const h2 = lastHidden(w, x, config, inference);
    const col = h2.mul(tf.scalar(L).div(h2.square().sum(1, true).add(1e-12))); // R x H
    const keepK = tf.scalar(1).sub(onehot.sum(0)); // K
    w.w3.assign(w.w3.mul(keepK.reshape([1, -1])).add(tf.matMul(col, onehot, true, false)));
    w.atoms.assign(w.atoms.mul(keepK.reshape([-1, 1])).add(tf.matMul(onehot, residual.div(c), true, false)));
    return { w3: keepK.reshape([1, -1]), atoms: keepK.reshape([-1, 1]) };
  },

  decode(w: TensorWeights, z: tf.Tensor2D): tf.Tensor2D {
    return matMul(z, w.atoms);
  },

  loss(w: TensorWeights, x: tf.Tensor2D, config: SaeConfig, ctx: ForwardContext): tf.Scalar {
    const xhat = stsae.decode(w, stsae.encode(w, x, config, ctx));
    return tf.squaredDifference(x, xhat).mean().add(w.atoms.abs().mean().mul(config.lambda!)) as tf.Scalar;
  },
};
