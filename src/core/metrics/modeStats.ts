/**
 * Per-mode statistics of a fitted dictionary: sparsity of each atom over channels, sparsity of
 * each mode's loadings over images, and which modes are alive (fire on at least one image).
 * Mode ids are dictionary indices and are never renumbered.
 */
import { hoyer } from './hoyer';
import { checkMatrix } from './shape';

/** Hoyer sparsity of each atom (row of the K x d dictionary): K values, NaN for a zero atom. */
export function atomHoyer(atoms: Float32Array, K: number, d: number): Float32Array {
  checkMatrix('atomHoyer', 'atoms', atoms, K, d);
  const out = new Float32Array(K);
  for (let k = 0; k < K; k++) out[k] = hoyer(atoms, k * d, d);
  return out;
}

/**
 * Hoyer sparsity of each mode's loadings over images (column k of the B x K codes): K values.
 * High = the mode is used by few images. NaN for a dead mode (all zero) or B < 2.
 */
export function loadingHoyer(codes: Float32Array, B: number, K: number): Float32Array {
  checkMatrix('loadingHoyer', 'codes', codes, B, K);
  const out = new Float32Array(K);
  const col = new Float64Array(B);
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < B; n++) col[n] = codes[n * K + k];
    out[k] = hoyer(col);
  }
  return out;
}

/** Indices of the modes whose code exceeds `threshold` (default 0) in at least one image. */
export function aliveModes(codes: Float32Array, B: number, K: number, threshold = 0): number[] {
  checkMatrix('aliveModes', 'codes', codes, B, K);
  const alive = new Uint8Array(K);
  for (let i = 0; i < codes.length; i++) if (codes[i] > threshold) alive[i % K] = 1;
  const out: number[] = [];
  for (let k = 0; k < K; k++) if (alive[k]) out.push(k);
  return out;
}

/** Number of alive modes (see aliveModes). */
export function aliveCount(codes: Float32Array, B: number, K: number, threshold = 0): number {
  return aliveModes(codes, B, K, threshold).length;
}
