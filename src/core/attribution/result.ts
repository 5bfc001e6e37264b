/** What an attribution run returns: per layer maps and reductions, and the target values. */
export interface LayerAttribution {
  name: string;
  /** Layer output shape without the batch axis, e.g. [14, 14, 32] or [64]. */
  shape: number[];
  /** Channels C (the last axis). */
  channels: number;
  /** Per-position contributions (B x ...shape), kept only when asked (`keepMaps`). */
  map?: Float32Array;
  /** Spatial sum of contributions (B x C). */
  net: Float32Array;
  /** Negative and positive parts summed over space separately (B x 2C, negative half first). */
  ei: Float32Array;
  /** Spatial sum of the activation at the input x (B x C). */
  actNet: Float32Array;
  /** Per-position activation at x (B x ...shape), kept only when asked. */
  actMap?: Float32Array;
  /** Sum of all contributions per image (B). */
  total: Float32Array;
  /** The plain error |sum C - dF| / |dF| per image (Infinity where dF = 0); null where the layer is not a cut. */
  completeness: Float32Array | null;
  /** The absolute gap |sum C - dF| per image (shown where |dF| is tiny); null where not a cut. */
  completenessGap?: Float32Array | null;
  /** An extra, never the headline: |sum C - dF| / max(|dF|, sum |C|) per image (completeness.ts). */
  completenessSymmetric?: Float32Array | null;
}

export interface AttributionResult {
  method: string;
  layers: Map<string, LayerAttribution>;
  /** F(x) per image. */
  F: Float32Array;
  /** F(x0) per image (the hidden-path method: F_after(a0) for the first layer). */
  F0: Float32Array;
  /** Class used by the target per image (-1 where the target has none). */
  targetClass: Int32Array;
  /** Softmax of the model output at x, (B x K). */
  probs: Float32Array;
  numClasses: number;
  /** Steps used per image ("until converged" runs only, autoSteps.ts). */
  stepsUsed?: Int32Array;
  /** The completeness error that stopped each image ("until converged" runs only). */
  stepsError?: Float32Array;
}

/**
 * The plain completeness error |sum - dF| / |dF| (0 when both are 0, Infinity when only dF is).
 * The symmetric measure (dividing by max(|dF|, sum |C|)) is symmetricError in completeness.ts.
 */
export { plainError as completenessError } from './completeness';
