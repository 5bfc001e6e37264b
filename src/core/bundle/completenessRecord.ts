/**
 * The completeness fields of the analysis bundle (format version 2; docs/completeness.md).
 *
 * Version 2 changed what `completeness` means: per image it is the plain error
 * `|sum C - dF| / |dF|` (null in JSON where dF = 0), no longer `|sum C - dF| / max(|dF|, sum |C|)`.
 * That symmetric measure is kept as `completenessSymmetric`, an extra. Version 1 bundles are read
 * by upgradeManifest (upgrade.ts), which recomputes the plain error from the stored arrays.
 */

/** Per-layer summary of the completeness error (LayerMetrics; null where the layer is not a cut). */
export interface CompletenessMetrics {
  /** Median plain error over images whose |dF| is not tiny. */
  completenessMedian: number | null;
  /** 90th percentile of the same. */
  completenessP90?: number | null;
  /** Fraction of those images with a plain error <= 5%. */
  completenessUnder5?: number | null;
  /** Images whose |dF| is tiny (below settings.tinyDF), left out of the median. */
  completenessTiny?: number;
  /** Largest absolute gap |sum C - dF| among those tiny-|dF| images. */
  completenessTinyGapMax?: number | null;
  /** Median absolute gap |sum C - dF| over all images. */
  completenessGapMedian?: number | null;
  /** An extra, never the headline: median of |sum C - dF| / max(|dF|, sum |C|). */
  completenessSymmetricMedian?: number | null;
  /** Any layer, cut or not: median over a sample of ||net_S - net_2S||_1 / ||net_2S||_1 (pipeline/stepCheck.ts). */
  stepChangeMedian?: number | null;
  /** Images in that sample, and S. */
  stepChangeSample?: number;
  stepChangeSteps?: number;
}

/** "Until converged" settings: steps doubled per image from `start` until the error is under `target`, or `cap`. */
export interface StepsAuto {
  target: number;
  cap: number;
  start: number;
}

/** Per-image completeness arrays of a cut layer in the manifest (JSON; null for non-finite values). */
export interface CompletenessArrays {
  /** Plain error |sum C - dF| / |dF| per image; null where the layer is not a cut. */
  completeness: (number | null)[] | null;
  /** Absolute gap |sum C - dF| per image (version 2). */
  completenessGap?: (number | null)[] | null;
  /** The symmetric measure per image (version 2; in version 1 this was `completeness`). */
  completenessSymmetric?: (number | null)[] | null;
  /** Steps used per image for this layer's contributions, when the steps were raised until converged (settings.stepsAuto). */
  stepsUsed?: number[] | null;
}

/** A Float32Array as JSON numbers, non-finite values as null (JSON has no Infinity). */
export function jsonNumbers(a: ArrayLike<number> | null | undefined): (number | null)[] | null {
  return a ? Array.from(a, (v) => (Number.isFinite(v) ? v : null)) : null;
}
