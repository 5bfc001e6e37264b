/**
 * TopK SAE (Gao et al. 2024, without the auxiliary loss):
 *   z = TopK_k(ReLU((x - b_pre) @ W_enc + b_enc)),  xhat = z @ atoms + b_pre,  loss = mean (x - xhat)^2
 * atoms (K x d) have unit-norm rows, restored after every step. Init: random unit atoms,
 * W_enc = atoms^T (tied), b_enc = 0, b_pre = the mean of the training rows.
 */
import * as tf from '@tensorflow/tfjs';
import type { SaeArch, TensorWeights } from './arch';
import { constant, normal } from './init';
import { matMul } from './matmul';
import type { SaeConfig, SaeWeights } from './types';

/** Keeps the k largest entries of each row of x (>= 0 after ReLU); the gradient flows through the kept ones. */
export function keepTopK(x: tf.Tensor2D, k: number): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const v = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const kth = tf.topk(v, k).values.slice([0, k - 1], [-1, 1]);
    const mask = tf.cast(tf.greaterEqual(v, kth), 'float32');
    save([mask]);
    return { value: tf.mul(v, mask), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) };
  });
  return f(x) as tf.Tensor2D;
}

function unitRows(a: tf.Tensor): tf.Tensor {
  return a.div(a.square().sum(1, true).sqrt().add(1e-12));
}

export const topk: SaeArch = {
  init(config: SaeConfig, random: () => number, mean: Float32Array): SaeWeights {
    const { d, K } = config;
    const atoms = normal([K, d], random);
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += atoms.data[k * d + j] ** 2;
      const inv = 1 / Math.sqrt(s || 1);
      for (let j = 0; j < d; j++) atoms.data[k * d + j] *= inv;
    }
    const wEnc = new Float32Array(d * K);
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) wEnc[j * K + k] = atoms.data[k * d + j];
    return { wEnc: { data: wEnc, shape: [d, K] }, bEnc: constant([K], 0), bPre: { data: mean.slice(), shape: [d] }, atoms };
  },

  encode(w: TensorWeights, x: tf.Tensor2D, config: SaeConfig): tf.Tensor2D {
    const pre = matMul(x.sub(w.bPre), w.wEnc).add(w.bEnc).relu() as tf.Tensor2D;
    return keepTopK(pre, config.topk!);
  },

  decode(w: TensorWeights, z: tf.Tensor2D): tf.Tensor2D {
    return matMul(z, w.atoms).add(w.bPre) as tf.Tensor2D;
  },

  loss(w: TensorWeights, x: tf.Tensor2D, config: SaeConfig): tf.Scalar {
    return tf.squaredDifference(x, topk.decode(w, topk.encode(w, x, config, { training: true, nextSeed: () => 0 }))).mean() as tf.Scalar;
  },

  /** Mode k revived toward row r: atom and (tied) encoder column = the unit residual, bias 0. */
  revive(w: Record<string, tf.Variable>, _x: tf.Tensor2D, residual: tf.Tensor2D, onehot: tf.Tensor2D): Record<string, tf.Tensor> {
    const unit = unitRows(residual);
    const keepK = tf.scalar(1).sub(onehot.sum(0));
    w.atoms.assign(w.atoms.mul(keepK.reshape([-1, 1])).add(tf.matMul(onehot, unit, true, false)));
    w.wEnc.assign(w.wEnc.mul(keepK.reshape([1, -1])).add(tf.matMul(unit, onehot, true, false)));
    w.bEnc.assign(w.bEnc.mul(keepK));
    return { atoms: keepK.reshape([-1, 1]), wEnc: keepK.reshape([1, -1]), bEnc: keepK };
  },

  project(w: Record<string, tf.Variable>): void {
    tf.tidy(() => w.atoms.assign(unitRows(w.atoms)));
  },
};
