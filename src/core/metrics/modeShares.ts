/**
 * Mode shares of the output change (DESIGN.md section 3). An STSAE reconstructs a vector as
 * `std * z @ atoms`, so mode k's part of `sum C` (the sum over channels of a contribution
 * vector) in image n is `share_nk = z_nk * sum_c(atoms_kc) * std`; the part no mode explains
 * is `residual_n = dF_n - sum_k share_nk` (dF = F(x) - F(x0), or sum C itself).
 */
import { check } from '../errors';
import { checkMatrix } from './shape';

export interface ModeShares {
  /** (B x K) row-major: each mode's share of each image's output change. */
  shares: Float32Array;
  /** (B): dF minus the summed shares. */
  residual: Float32Array;
}

/**
 * @param codes (B x K) codes z, B = dF.length
 * @param atoms (K x d) dictionary in the SAE's normalised units
 * @param std   the global std the SAE's training data was divided by
 * @param dF    (B) output change per image
 */
export function modeShares(codes: Float32Array, atoms: Float32Array, std: number, dF: Float32Array): ModeShares {
  const B = dF.length;
  check(Number.isFinite(std), () => `modeShares: std must be finite, but got ${std}.`);
  const K = B === 0 ? 0 : codes.length / B;
  check(Number.isInteger(K), () => `modeShares: codes must hold B x K values with B = dF.length = ${B}, but got ${codes.length}.`);
  checkMatrix('modeShares', 'codes', codes, B, K);
  const d = K === 0 ? 0 : atoms.length / K;
  check(Number.isInteger(d), () => `modeShares: atoms must hold K x d values with K = ${K}, but got ${atoms.length}.`);
  const atomSum = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += atoms[k * d + c];
    atomSum[k] = s * std;
  }
  const shares = new Float32Array(B * K);
  const residual = new Float32Array(B);
  for (let n = 0; n < B; n++) {
    let total = 0;
    for (let k = 0; k < K; k++) {
      const s = codes[n * K + k] * atomSum[k];
      shares[n * K + k] = s;
      total += s;
    }
    residual[n] = dF[n] - total;
  }
  return { shares, residual };
}
