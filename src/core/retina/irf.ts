/**
 * Instantaneous receptive fields as space x time matrices (size*size x frames), their rank-1
 * approximation s u v^T by SVD (power iteration on M^T M, which is frames x frames), and the
 * agreement of two IRFs: cosine of the full fields, of the spatial and the temporal factors (with
 * the sign fixed jointly: u v^T = (-u)(-v)^T), and of the rank-1 reconstructions.
 */
import { check } from '../errors';

export interface Rank1 {
  /** Unit spatial factor u (space). */
  spatial: Float32Array;
  /** Unit temporal factor v (frames, oldest first as the input's channels). */
  temporal: Float32Array;
  /** Leading singular value s. */
  sigma: number;
  /** Fraction of the squared norm that the rank-1 term explains: s^2 / ||M||_F^2. */
  explained: number;
}

/** Rank-1 SVD of an IRF laid out as the input (space-major, frames last): M[i, k] = irf[i * frames + k]. */
export function rank1(irf: ArrayLike<number>, frames: number, iterations = 100): Rank1 {
  check(Number.isInteger(frames) && frames >= 1 && irf.length % frames === 0, () => `rank1: irf length ${irf.length} is not a multiple of frames ${frames}.`);
  const space = irf.length / frames;
  // M^T M (frames x frames) in float64.
  const g = new Float64Array(frames * frames);
  let norm2 = 0;
  for (let i = 0; i < space; i++) {
    for (let a = 0; a < frames; a++) {
      const ma = irf[i * frames + a];
      norm2 += ma * ma;
      for (let b = 0; b < frames; b++) g[a * frames + b] += ma * irf[i * frames + b];
    }
  }
  if (norm2 === 0) return { spatial: new Float32Array(space), temporal: new Float32Array(frames), sigma: 0, explained: 0 };
  // Power iteration from a start that is not orthogonal to the top eigenvector (the diagonal's largest column).
  let vec = new Float64Array(frames);
  let best = 0;
  for (let a = 0; a < frames; a++) if (g[a * frames + a] > g[best * frames + best]) best = a;
  for (let a = 0; a < frames; a++) vec[a] = g[a * frames + best];
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(frames);
    for (let a = 0; a < frames; a++) for (let b = 0; b < frames; b++) next[a] += g[a * frames + b] * vec[b];
    const n = Math.hypot(...next);
    if (n === 0) break;
    vec = next.map((x) => x / n);
  }
  const u = new Float64Array(space);
  for (let i = 0; i < space; i++) for (let k = 0; k < frames; k++) u[i] += irf[i * frames + k] * vec[k];
  const sigma = Math.hypot(...u);
  // Sign convention: the spatial factor's largest-magnitude entry is positive.
  let peak = 0;
  for (let i = 0; i < space; i++) if (Math.abs(u[i]) > Math.abs(u[peak])) peak = i;
  const sgn = u[peak] < 0 ? -1 : 1;
  return {
    spatial: Float32Array.from(u, (x) => (sgn * x) / (sigma || 1)),
    temporal: Float32Array.from(vec, (x) => sgn * x),
    sigma,
    explained: (sigma * sigma) / norm2,
  };
}

export interface IrfAgreement {
  /** Cosine of the full space x time fields. */
  full: number;
  /** Cosines of the spatial and temporal factors, signs aligned so that the spatial one is >= 0. */
  spatial: number;
  temporal: number;
  /** Cosine of the two rank-1 reconstructions (= spatial x temporal cosine). */
  rank1: number;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a.length === b.length, () => `cosine: lengths differ (${a.length} and ${b.length}).`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** How well IRF `a` (e.g. the student's) agrees with `b` (e.g. the simulator's). */
export function irfAgreement(a: ArrayLike<number>, b: ArrayLike<number>, frames: number): IrfAgreement {
  const ra = rank1(a, frames);
  const rb = rank1(b, frames);
  let sp = cosine(ra.spatial, rb.spatial);
  let tm = cosine(ra.temporal, rb.temporal);
  if (sp < 0) {
    sp = -sp;
    tm = -tm;
  }
  return { full: cosine(a, b), spatial: sp, temporal: tm, rank1: sp * tm };
}
