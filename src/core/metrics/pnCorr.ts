/**
 * +/- correlation (DESIGN.md section 3). Each row of `ei` (B x 2C) is [neg (C), pos (C)], the
 * per-channel sums of the negative and positive parts of a contribution map. Per image, the
 * Pearson correlation across channels of |neg| and pos; the median over images is reported.
 * Images where |neg| or pos is constant over channels (e.g. all zero) have no correlation and
 * are skipped, as are images holding NaN.
 */
import { check } from '../errors';
import { checkMatrix } from './shape';
import { median, pearson } from './stats';

/** Per-image pearson(|neg|, pos) across the C channels: B values, NaN where undefined. */
export function pnCorrPerImage(ei: Float32Array, B: number, C: number): Float32Array {
  check(Number.isInteger(C) && C >= 0, () => `pnCorr: C must be an integer >= 0, but got ${C}.`);
  checkMatrix('pnCorr', 'ei', ei, B, 2 * C);
  const out = new Float32Array(B);
  const neg = new Float64Array(C);
  for (let b = 0; b < B; b++) {
    const row = b * 2 * C;
    for (let c = 0; c < C; c++) neg[c] = Math.abs(ei[row + c]);
    out[b] = pearson(neg, ei.subarray(row + C, row + 2 * C));
  }
  return out;
}

/** Median over images of pearson(|neg|, pos); NaN when no image has one. */
export function pnCorr(ei: Float32Array, B: number, C: number): number {
  return median(pnCorrPerImage(ei, B, C));
}
