/**
 * Steering a layer by a mode (issue #28): scale the mode's top channels by a factor f (f = 1
 * leaves the model unchanged, f = 0 is destroy, f < 0 flips them), or, for an activation mode,
 * add the mode's atom direction to the layer's activations with strength f - 1 (so f = 1 is
 * again unchanged). The activation SAE is fitted on each image's activations summed over
 * positions, `actNet ≈ std * (z @ atoms)`, so one occurrence of mode k adds `code * atom_k * std`
 * to that sum; spread evenly over the layer's P positions it is `code * atom_k * std / P` at each.
 */
import { check } from '../errors';

export const STEER_MIN = -2;
export const STEER_MAX = 3;
export type SteerKind = 'scale' | 'add';

export function checkSteerFactor(factor: number, what = 'steer'): void {
  check(Number.isFinite(factor) && factor >= STEER_MIN && factor <= STEER_MAX, () => `${what}: the factor must be in [${STEER_MIN}, ${STEER_MAX}], but got ${factor}.`);
}

/** The multiplicative mask over channels: `factor` on the picked channels, 1 on the others. */
export function scaleMask(channels: number, picked: number[], factor: number): Float32Array {
  checkSteerFactor(factor, 'scaleMask');
  const mask = new Float32Array(channels).fill(1);
  for (const c of picked) {
    check(c >= 0 && c < channels, () => `scaleMask: channel ${c} out of range [0, ${channels}).`);
    mask[c] = factor;
  }
  return mask;
}

/** The strength of the added direction for a slider factor: f - 1 (1 = unchanged). */
export function addStrength(factor: number): number {
  checkSteerFactor(factor, 'addStrength');
  return factor - 1;
}

/**
 * What to add at every position of the layer (C values): `strength * code * atom * std / positions`.
 * `atom` is the mode's atom over the C channels (normalised units), `std` the fit's global std,
 * `code` the mode's code for one occurrence (the mean of its non-zero codes).
 */
export function atomDirection(atom: ArrayLike<number>, std: number, code: number, positions: number, strength: number): Float32Array {
  check(Number.isFinite(std) && std > 0, () => `atomDirection: std must be a finite number > 0, but got ${std}.`);
  check(Number.isInteger(positions) && positions > 0, () => `atomDirection: positions must be a positive integer, but got ${positions}.`);
  check(Number.isFinite(code) && Number.isFinite(strength), () => `atomDirection: code and strength must be finite, but got ${code} and ${strength}.`);
  const s = (strength * code * std) / positions;
  return Float32Array.from(atom, (a) => a * s);
}

/** The mean of a mode's non-zero codes over images (0 when it is never active). */
export function meanActiveCode(codes: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] !== 0) {
      sum += codes[i];
      n++;
    }
  }
  return n ? sum / n : 0;
}
