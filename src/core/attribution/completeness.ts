/**
 * The completeness error of a path attribution at a cut layer (DESIGN.md section 3): the sum of
 * a layer's contributions should equal dF = F(x) - F(x0).
 *
 * - **Plain error** `|sum C - dF| / |dF|`: the headline everywhere completeness is shown, printed
 *   or stored. Infinite where dF is exactly 0 (stored as null in JSON).
 * - **Absolute gap** `|sum C - dF|`: shown beside the plain error where |dF| is tiny.
 * - **Tiny |dF|**: an image's |dF| is *tiny* when it is below `TINY_DF_FRACTION` (1%) of the median
 *   |dF| over the images analysed together (the set, or the batch where no set is known). Its plain
 *   error divides by almost nothing and says little; summaries leave such images out of the median,
 *   count them and give their largest absolute gap.
 * - **Symmetric measure** `|sum C - dF| / max(|dF|, sum |C|)`: kept only as an extra, named so. When
 *   contributions cancel (sum |C| >> |dF|) it hides large gaps (45-57% reported as 1-3% on a real
 *   MobileNetV2), so it is never the headline.
 */

/** |dF| below this fraction of the typical (median) |dF| is tiny: the relative error says little there. */
export const TINY_DF_FRACTION = 0.01;

/** Plain relative error |sum - dF| / |dF|; 0 when both are 0, Infinity when only dF is 0. */
export function plainError(sum: number, dF: number): number {
  const gap = Math.abs(sum - dF);
  if (gap === 0) return 0;
  return gap / Math.abs(dF);
}

/** The symmetric measure |sum - dF| / max(|dF|, sumAbs), 0 when both are 0 (an extra, never the headline). */
export function symmetricError(sum: number, dF: number, sumAbs: number): number {
  const den = Math.max(Math.abs(dF), sumAbs);
  return den === 0 ? 0 : Math.abs(sum - dF) / den;
}

/** Median of finite values; NaN when there are none. */
function medianOf(v: number[]): number {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The absolute threshold below which an image's |dF| is tiny, from the |dF| of the images analysed together. */
export function tinyThreshold(dF: ArrayLike<number>): number {
  const med = medianOf(Array.from(dF, Math.abs));
  return Number.isFinite(med) ? TINY_DF_FRACTION * med : 0;
}

/** Which images have a tiny |dF| (see tinyThreshold). */
export function tinyMask(dF: ArrayLike<number>, threshold = tinyThreshold(dF)): boolean[] {
  return Array.from(dF, (d) => Math.abs(d) < threshold || d === 0);
}

/**
 * The error an "until converged" run compares with its target: the plain error, or for an image
 * with a tiny |dF| the gap over the threshold (so that a gap at the scale of typical dF counts,
 * and a cancellation to nothing does not loop forever).
 */
export function convergenceError(gap: number, dF: number, threshold: number): number {
  const den = Math.max(Math.abs(dF), threshold);
  if (gap === 0) return 0;
  return den === 0 ? Infinity : gap / den;
}

export interface CompletenessSummary {
  /** Median plain error over the images whose |dF| is not tiny (null when none). */
  median: number | null;
  /** 90th percentile of the same (null when none). */
  p90: number | null;
  /** Fraction of those images with a plain error <= 5%. */
  under5: number | null;
  /** Images whose |dF| is tiny (left out of the above). */
  tinyCount: number;
  /** The threshold used (absolute, in the target's units). */
  tinyThreshold: number;
  /** Largest absolute gap |sum C - dF| among the tiny-|dF| images (null when none). */
  tinyGapMax: number | null;
  /** Median absolute gap over all images. */
  gapMedian: number | null;
  /** Median of the symmetric measure |sum C - dF| / max(|dF|, sum|C|) (an extra; null when not known). */
  symmetricMedian: number | null;
}

const nn = (v: number) => (Number.isFinite(v) ? v : null);

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const p = q * (sorted.length - 1);
  const lo = Math.floor(p);
  const hi = Math.ceil(p);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (p - lo);
}

/**
 * The per-layer summary of per-image sums of contributions against dF. `threshold` defaults to
 * tinyThreshold(dF) over these images.
 */
export function summarizeCompleteness(total: ArrayLike<number>, dF: ArrayLike<number>, symmetric?: ArrayLike<number> | null, threshold = tinyThreshold(dF)): CompletenessSummary {
  const err = Array.from(dF, (d, i) => plainError(total[i], d));
  const gap = Array.from(dF, (d, i) => Math.abs(total[i] - d));
  return summarizeErrors(err, gap, symmetric, threshold);
}

/**
 * The same summary from stored per-image plain errors and gaps (each image's |dF| is gap / error;
 * an infinite error means dF = 0). `threshold` comes from the set's typical |F(x) - F(x0)|.
 */
export function summarizeErrors(err: ArrayLike<number | null>, gap: ArrayLike<number | null>, symmetric: ArrayLike<number> | null | undefined, threshold: number): CompletenessSummary {
  const errs: number[] = [];
  const gaps: number[] = [];
  let tinyCount = 0;
  let tinyGapMax = -Infinity;
  for (let i = 0; i < err.length; i++) {
    const e = err[i] ?? Infinity;
    const g = gap[i] ?? NaN;
    if (Number.isFinite(g)) gaps.push(g);
    const absDF = e === 0 ? Infinity : Number.isFinite(e) ? g / e : 0;
    if (absDF < threshold || absDF === 0) {
      tinyCount++;
      if (Number.isFinite(g)) tinyGapMax = Math.max(tinyGapMax, g);
    } else errs.push(e);
  }
  const sorted = errs.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    median: sorted.length ? nn(quantile(sorted, 0.5)) : null,
    p90: sorted.length ? nn(quantile(sorted, 0.9)) : null,
    under5: sorted.length ? sorted.filter((e) => e <= 0.05).length / sorted.length : null,
    tinyCount,
    tinyThreshold: threshold,
    tinyGapMax: tinyCount && Number.isFinite(tinyGapMax) ? tinyGapMax : null,
    gapMedian: nn(medianOf(gaps)),
    symmetricMedian: symmetric ? nn(medianOf(Array.from(symmetric))) : null,
  };
}

/** A plain error as text: a percentage, or, where |dF| is tiny, that fact and the absolute gap. */
export function formatError(err: number | null, gap: number | null, tiny: boolean): string {
  if (tiny || err === null || !Number.isFinite(err)) return `|dF| tiny; gap ${gap === null ? '?' : gap.toPrecision(2)}`;
  return `${(100 * err).toFixed(err < 0.1 ? 2 : 1)}%`;
}
