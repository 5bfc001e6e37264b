/**
 * How good a fitted dictionary is, kept with it in the bundle and shown wherever modes are
 * (mode grid head, CLI analyze and report). The marks' thresholds live here and only here:
 *   good: validation R^2 >= 0.80 and median residual share <= 0.25 (where there is one)
 *   fair: validation R^2 >= 0.50 and median residual share <= 0.50
 *   poor: anything else, or no alive mode.
 * R^2 is the validation R^2 (held-out rows) where the fit had a validation split, else the R^2 on
 * all rows. The residual share of image n is |dF_n - sum_k share_nk| / |dF_n| (modeShares.ts),
 * the part of the output change no mode explains; images with a tiny |dF| are left out. Only
 * contribution dictionaries have it (an activation's modes do not sum to dF).
 * Near-duplicate modes: alive modes whose atoms have cosine > DUPLICATE_COSINE, grouped (linked
 * by any such pair).
 */
import { median } from '../metrics/stats';
import { modeShares } from '../metrics/modeShares';

export type FitMark = 'good' | 'fair' | 'poor';

export const FIT_THRESHOLDS = {
  good: { r2: 0.8, residual: 0.25 },
  fair: { r2: 0.5, residual: 0.5 },
} as const;

/** Atoms with a cosine above this are near-duplicates. */
export const DUPLICATE_COSINE = 0.95;

export interface FitQuality {
  /** Validation R^2 (or the R^2 on all rows when there was no validation split). */
  r2: number;
  /** Median over images of |dF - sum of mode shares| / |dF|; null for activation dictionaries. */
  residualShare: number | null;
  alive: number;
  dead: number;
  /** Groups (>= 2 modes, dictionary ids) of near-duplicate atoms. */
  duplicates: number[][];
  /** Optimizer steps the fit ran. */
  steps: number;
  mark: FitMark;
  /** A plain sentence with what to do, for a poor fit; absent otherwise. */
  warning?: string;
}

/** The mark of a fit from its R^2, residual share and alive modes (see the thresholds above). */
export function fitMark(r2: number, residualShare: number | null, alive: number): FitMark {
  const res = residualShare ?? 0;
  if (!(alive > 0) || !Number.isFinite(r2)) return 'poor';
  if (r2 >= FIT_THRESHOLDS.good.r2 && res <= FIT_THRESHOLDS.good.residual) return 'good';
  if (r2 >= FIT_THRESHOLDS.fair.r2 && res <= FIT_THRESHOLDS.fair.residual) return 'fair';
  return 'poor';
}

/** The warning of a poor fit: what was seen and what to try. */
export function fitWarning(q: { r2: number; residualShare: number | null; alive: number; K: number; n: number }): string {
  const seen = [`R² ${Number.isFinite(q.r2) ? q.r2.toFixed(2) : 'n/a'}`, `${q.alive} of ${q.K} modes alive`];
  if (q.residualShare !== null) seen.push(`${Math.round(q.residualShare * 100)}% of the output change left unexplained`);
  return `Poor fit (${seen.join(', ')}): these modes do not describe the layer well. Try more images (${q.n} were used), more steps, or fewer modes.`;
}

/** Groups of alive modes whose atoms (K x d) have cosine > DUPLICATE_COSINE. */
export function duplicateGroups(atoms: Float32Array, K: number, d: number, alive: number[]): number[][] {
  const norm = new Float64Array(K);
  for (const k of alive) {
    let s = 0;
    for (let j = 0; j < d; j++) s += atoms[k * d + j] ** 2;
    norm[k] = Math.sqrt(s);
  }
  const parent = new Map<number, number>(alive.map((k) => [k, k]));
  const root = (k: number): number => (parent.get(k) === k ? k : root(parent.get(k)!));
  for (let a = 0; a < alive.length; a++) {
    for (let b = a + 1; b < alive.length; b++) {
      const i = alive[a];
      const j = alive[b];
      if (norm[i] === 0 || norm[j] === 0) continue;
      let dot = 0;
      for (let c = 0; c < d; c++) dot += atoms[i * d + c] * atoms[j * d + c];
      if (dot / (norm[i] * norm[j]) > DUPLICATE_COSINE) parent.set(root(j), root(i));
    }
  }
  const groups = new Map<number, number[]>();
  for (const k of alive) groups.set(root(k), [...(groups.get(root(k)) ?? []), k]);
  return [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort((x, y) => x - y));
}

/**
 * Median residual share of a contribution dictionary over the images whose |dF| is above
 * `tiny` (default 1% of the median |dF|); null when none is.
 */
export function medianResidualShare(codes: Float32Array, atoms: Float32Array, std: number, dF: Float32Array, tiny?: number): number | null {
  const { residual } = modeShares(codes, atoms, std, dF);
  const cut = tiny ?? 0.01 * median(Array.from(dF, Math.abs));
  const shares: number[] = [];
  dF.forEach((f, n) => Math.abs(f) > cut && shares.push(Math.abs(residual[n]) / Math.abs(f)));
  return shares.length > 0 ? median(shares) : null;
}

/** The whole record. */
export function fitQuality(o: { r2: number; residualShare: number | null; alive: number[]; K: number; d: number; atoms: Float32Array; steps: number; n: number }): FitQuality {
  const mark = fitMark(o.r2, o.residualShare, o.alive.length);
  const q: FitQuality = { r2: o.r2, residualShare: o.residualShare, alive: o.alive.length, dead: o.K - o.alive.length, duplicates: duplicateGroups(o.atoms, o.K, o.d, o.alive), steps: o.steps, mark };
  if (mark === 'poor') q.warning = fitWarning({ r2: o.r2, residualShare: o.residualShare, alive: o.alive.length, K: o.K, n: o.n });
  return q;
}
