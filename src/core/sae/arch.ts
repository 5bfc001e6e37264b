/**
 * What the training loop needs from an autoencoder kind: seeded initial weights, encode,
 * decode, the loss, and an optional projection after each step. Weights come in as tensors
 * (variables while training, constants at inference), so one forward serves both.
 */
import type * as tf from '@tensorflow/tfjs';
import type { SaeConfig, SaeWeights } from './types';

export type TensorWeights = Record<string, tf.Tensor>;

export interface ForwardContext {
  /** Dropout and other training-only behaviour on. */
  training: boolean;
  /** A fresh seed for a random op (dropout masks), drawn from the training seed. */
  nextSeed: () => number;
}

export interface SaeArch {
  /** Seeded initial weights; `mean` is the (d) mean of the normalised training rows. */
  init(config: SaeConfig, random: () => number, mean: Float32Array): SaeWeights;
  /** Codes z (B x K) of normalised rows x (B x d). */
  encode(w: TensorWeights, x: tf.Tensor2D, config: SaeConfig, ctx: ForwardContext): tf.Tensor2D;
  /** Normalised reconstruction (B x d) of codes z (B x K). */
  decode(w: TensorWeights, z: tf.Tensor2D): tf.Tensor2D;
  /** Training objective on normalised rows x. */
  loss(w: TensorWeights, x: tf.Tensor2D, config: SaeConfig, ctx: ForwardContext): tf.Scalar;
  /** Applied to the variables after every optimizer step. */
  project?(w: Record<string, tf.Variable>): void;
  /**
   * Re-initialises the modes of `onehot` (R x K, one 1 a row: the mode revived toward row r)
   * toward the normalised rows x (R x d) with residuals `residual` (R x d); returns, per changed
   * variable, the keep mask (0 where re-initialised) for its optimizer moments. See revive.ts.
   */
  revive?(w: Record<string, tf.Variable>, x: tf.Tensor2D, residual: tf.Tensor2D, onehot: tf.Tensor2D, config: SaeConfig): Record<string, tf.Tensor>;
}

export const inference: ForwardContext = { training: false, nextSeed: () => 0 };
