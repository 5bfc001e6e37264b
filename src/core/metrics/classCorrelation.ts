/**
 * Mode x class correlation: for mode k and class c, the Pearson correlation over images of the
 * loadings z_{., k} with the class indicator [label == c]. NaN where either is constant (a dead
 * mode, or a class with all or none of the images). The best class of a mode is the largest.
 */
import { check } from '../errors';
import { checkMatrix } from './shape';
import { median, pearson } from './stats';

/** (K x nClasses) row-major correlations. `labels` holds B integers in [0, nClasses). */
export function classCorrelation(codes: Float32Array, B: number, K: number, labels: ArrayLike<number>, nClasses: number): Float32Array {
  checkMatrix('classCorrelation', 'codes', codes, B, K);
  check(labels.length === B, () => `classCorrelation: labels must hold B = ${B} values, but got ${labels.length}.`);
  check(Number.isInteger(nClasses) && nClasses >= 0, () => `classCorrelation: nClasses must be an integer >= 0, but got ${nClasses}.`);
  for (let n = 0; n < B; n++) {
    const y = labels[n];
    check(Number.isInteger(y) && y >= 0 && y < nClasses, () => `classCorrelation: labels[${n}] must be an integer in [0, ${nClasses}), but got ${y}.`);
  }
  const out = new Float32Array(K * nClasses);
  const col = new Float64Array(B);
  const ind = new Float64Array(B);
  for (let c = 0; c < nClasses; c++) {
    for (let n = 0; n < B; n++) ind[n] = labels[n] === c ? 1 : 0;
    for (let k = 0; k < K; k++) {
      for (let n = 0; n < B; n++) col[n] = codes[n * K + k];
      out[k * nClasses + c] = pearson(col, ind);
    }
  }
  return out;
}

/** Per mode, the largest finite class correlation (NaN when the mode has none): K values. */
export function bestClassCorr(cc: Float32Array, K: number, nClasses: number): Float32Array {
  checkMatrix('bestClassCorr', 'cc', cc, K, nClasses);
  const out = new Float32Array(K).fill(NaN);
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < nClasses; c++) {
      const v = cc[k * nClasses + c];
      if (Number.isFinite(v) && !(out[k] >= v)) out[k] = v;
    }
  }
  return out;
}

/** Median of bestClassCorr over `modes` (default: all K), NaN entries skipped. */
export function bestClassCorrMedian(cc: Float32Array, K: number, nClasses: number, modes?: readonly number[]): number {
  const best = bestClassCorr(cc, K, nClasses);
  return median(modes ? modes.map((k) => best[k]) : best);
}
