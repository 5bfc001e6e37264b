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
  /** |sum C - dF| / max(|dF|, sum |C|) per image; null where the layer is not a cut. */
  completeness: Float32Array | null;
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
}

/** Relative completeness error: |sum - dF| / max(|dF|, sumAbs), 0 when both are 0. */
export function completenessError(sum: number, dF: number, sumAbs: number): number {
  const den = Math.max(Math.abs(dF), sumAbs);
  return den === 0 ? 0 : Math.abs(sum - dF) / den;
}
