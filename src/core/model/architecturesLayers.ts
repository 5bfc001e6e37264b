/**
 * Keras layer classes that Keras applications use and tfjs 4.22 lacks, registered with tfjs'
 * serialization so converted models that contain them load: `Normalization` (EfficientNet and
 * other Keras applications normalise their input with it, after Rescaling):
 *   y = (x - mean) / max(sqrt(variance), 1e-7),   or with invert: y = x * sqrt(variance) + mean,
 * mean and variance over the `axis` dimensions (default the last), from the config when given
 * there, else weights `mean`, `variance` (float32) and `count` (int, unused) as Keras saves them.
 * Importing this module registers the classes (load.ts does).
 */
import * as tf from '@tensorflow/tfjs';

interface NormalizationConfig {
  name?: string;
  axis?: number | number[] | null;
  mean?: number | number[] | null;
  variance?: number | number[] | null;
  invert?: boolean;
  [k: string]: unknown;
}

type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;
const EPSILON = 1e-7;

export class Normalization extends tf.layers.Layer {
  static className = 'Normalization';
  private readonly axis: number[];
  private readonly meanConfig: number | number[] | null;
  private readonly varianceConfig: number | number[] | null;
  private readonly invert: boolean;
  private meanVar: LayerVariable | null = null;
  private varianceVar: LayerVariable | null = null;
  /** The shape mean and variance broadcast to (1 on the reduced axes). */
  private broadcast: number[] = [];

  constructor(config: NormalizationConfig) {
    super(config as tf.serialization.ConfigDict);
    this.axis = config.axis == null ? [-1] : Array.isArray(config.axis) ? config.axis : [config.axis];
    this.meanConfig = config.mean ?? null;
    this.varianceConfig = config.variance ?? null;
    this.invert = config.invert ?? false;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const keep = this.axis.map((a) => (a < 0 ? shape.length + a : a));
    this.broadcast = shape.map((d, i) => (keep.includes(i) ? (d ?? 1) : 1));
    const stats = keep.map((i) => shape[i] ?? 1);
    if (this.meanConfig === null) {
      this.meanVar = this.addWeight('mean', stats, 'float32', tf.initializers.zeros(), undefined, false);
      this.varianceVar = this.addWeight('variance', stats, 'float32', tf.initializers.ones(), undefined, false);
      this.addWeight('count', [], 'int32', tf.initializers.zeros(), undefined, false);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const stat = (v: LayerVariable | null, c: number | number[] | null) => (v ? tf.reshape(v.read(), this.broadcast) : typeof c === 'number' ? tf.scalar(c) : tf.reshape(tf.tensor1d(c!), this.broadcast));
      const mean = stat(this.meanVar, this.meanConfig);
      const variance = stat(this.varianceVar, this.varianceConfig);
      const std = tf.sqrt(variance);
      return this.invert ? tf.add(tf.mul(x, std), mean) : tf.div(tf.sub(x, mean), tf.maximum(std, EPSILON));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, mean: this.meanConfig, variance: this.varianceConfig, invert: this.invert };
  }
}

let registered = false;

/** Registers the layer classes above with tfjs (idempotent; load.ts calls it before loading). */
export function registerKerasLayers(): void {
  if (registered) return;
  registered = true;
  tf.serialization.registerClass(Normalization);
}
