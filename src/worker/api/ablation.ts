import type { SweepResult } from '../../core/ablation/sweep';
import type { Source } from './settings';

/** Ablation, steering, accuracy and sweeps: requests and results (part of api.ts). */

export type AblationKind = 'destroy' | 'preserve';

/**
 * Steering (issue #28), in place of destroy/preserve: `scale` multiplies the mode's top p%
 * channels by `factor` (1 = unchanged, 0 = destroy); `add` (activation modes) adds the mode's
 * atom direction with strength factor - 1 (core/ablation/steer.ts). factor in [-2, 3].
 */
export interface SteerSpec {
  kind: 'scale' | 'add';
  factor: number;
}

export interface AblationRequest {
  layer: string;
  source: Source;
  mode: number;
  image: number;
  /** Percent of the layer's channels, ranked by the mode's atom (1-99). */
  pct: number;
  kind: AblationKind;
  /** When given, steer instead of destroy/preserve (kind is then ignored). */
  steer?: SteerSpec;
}

export interface AblationResult extends AblationRequest {
  /** Channels acted on (k of C) and k/C. */
  k: number;
  C: number;
  fraction: number;
  channels: number[];
  /** Softmax outputs of the image before and after (numClasses each). */
  before: Float32Array;
  after: Float32Array;
  logitsAfter: Float32Array;
  /** Worker time of this update (the network after the layer, plus reads), ms. */
  ms: number;
  /** True when the cached forward pass up to the layer was reused. */
  cached: boolean;
}

export interface AccuracyRequest {
  layer: string;
  source: Source;
  mode: number;
  pct: number;
  kind: AblationKind;
  /** At most this many images (evenly spaced over the set). */
  sample: number;
  /** When given, steer instead of destroy/preserve (kind is then ignored). */
  steer?: SteerSpec;
}

export interface AccuracyResult extends AccuracyRequest {
  /** Images used and, per class, how many of them there are. */
  n: number;
  counts: Int32Array;
  /** Per-class accuracy before and after (NaN for a class without images). */
  before: Float32Array;
  after: Float32Array;
  overallBefore: number;
  overallAfter: number;
  k: number;
  C: number;
  fraction: number;
  /** True when the set has no labels and the unablated prediction stands in for them. */
  labelsFromPredictions: boolean;
  ms: number;
}

/** One ablation sweep as drawn: accuracy ratio vs k/C for the target class and off-target classes. */
/** One sweep: the engine's result (ratios, AUCs, selectivity) for a mode, with k/C per p. */
export interface SweepCurve extends SweepResult {
  source: Source;
  mode: number;
  targetClass: number;
  kind: AblationKind;
  fractions: number[];
}

export interface SweepView {
  layer: string;
  /** The contribution mode's sweep and the closest activation mode's (best-matching class profile). */
  contribution: SweepCurve | null;
  activation: SweepCurve | null;
  /** 'bundle': from the bundle's manifest; 'computed': run now in the worker; 'none': not in the bundle and not asked to compute. */
  origin: 'bundle' | 'computed' | 'none';
  /** The layer's contribution modes the bundle holds sweeps of (each class's top mode). */
  swept: { mode: number; targetClass: number }[];
}
