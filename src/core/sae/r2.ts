/**
 * Reconstruction R^2 of x (n x d) by xhat (n x d), in float64:
 *   global     = 1 - sum_ij (x - xhat)^2 / sum_ij (x_ij - mean_j)^2   (mean_j over rows)
 *   perFeature = mean over features with SST_j > 0 of 1 - SSE_j / SST_j
 * NaN when there is no variance (or no rows).
 */
import { check } from '../errors';

export interface ReconstructionR2 {
  global: number;
  perFeature: number;
}

export function reconstructionR2(x: Float32Array, xhat: Float32Array, n: number, d: number): ReconstructionR2 {
  check(x.length === n * d && xhat.length === n * d, () => `reconstructionR2: x and xhat must hold ${n} x ${d} = ${n * d} values, but got ${x.length} and ${xhat.length}.`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n * d; i++) mean[i % d] += x[i];
  for (let j = 0; j < d; j++) mean[j] /= Math.max(n, 1);
  const sse = new Float64Array(d);
  const sst = new Float64Array(d);
  for (let i = 0; i < n * d; i++) {
    const j = i % d;
    sse[j] += (x[i] - xhat[i]) ** 2;
    sst[j] += (x[i] - mean[j]) ** 2;
  }
  let SSE = 0;
  let SST = 0;
  let sum = 0;
  let count = 0;
  for (let j = 0; j < d; j++) {
    SSE += sse[j];
    SST += sst[j];
    if (sst[j] > 0) {
      sum += 1 - sse[j] / sst[j];
      count++;
    }
  }
  return { global: SST > 0 ? 1 - SSE / SST : NaN, perFeature: count > 0 ? sum / count : NaN };
}
