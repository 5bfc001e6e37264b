/**
 * Score (1): which of the student's first-layer channels is which planted bipolar type. Each
 * (type, channel) pair gets the cosine of their spatio-temporal filters (size x size x frames,
 * signed: an OFF filter is the negative of the ON one), optionally the best over spatial shifts of
 * up to `maxShift` pixels (a shifted filter is the same cell type one position over; the layers
 * after it can undo the shift); then the Hungarian algorithm picks one distinct channel per type
 * with the largest total cosine.
 */
import { check } from '../errors';
import { maxAssignment } from './hungarian';
import { cosine, rank1 } from './irf';

export interface FilterMatchOptions {
  /** Filter side (pixels) and frames: rows are size x size x frames, HWC. */
  size: number;
  frames: number;
  /** Largest spatial shift tried, in pixels. Default 0 (none). */
  maxShift?: number;
  /** Cosine at which a type counts as recovered. Default 0.8. */
  threshold?: number;
}

export interface FilterMatch {
  /** Cosine of every type (rows) with every channel (columns), at each pair's best shift. */
  cosines: number[][];
  /** The best shift [dy, dx] of every pair. */
  shifts: [number, number][][];
  /** Channel matched to each type. */
  typeToChannel: number[];
  /** Cosine of each type with its matched channel. */
  matched: number[];
  /** Types whose matched cosine reaches the threshold. */
  recovered: number;
}

/** `planted` (J x D) against `student` (C x D) filters, D = size * size * frames. */
export function matchFilters(planted: Float32Array, student: Float32Array, { size, frames, maxShift = 0, threshold = 0.8 }: FilterMatchOptions): FilterMatch {
  const d = size * size * frames;
  check(planted.length % d === 0 && student.length % d === 0 && planted.length > 0 && student.length > 0, () => `matchFilters: filters must be rows of ${size}x${size}x${frames} = ${d} values.`);
  check(Number.isInteger(maxShift) && maxShift >= 0 && maxShift < size, () => `matchFilters: maxShift must be an integer in [0, ${size}), but got ${maxShift}.`);
  const nj = planted.length / d;
  const nc = student.length / d;
  const cosines: number[][] = [];
  const shifts: [number, number][][] = [];
  for (let j = 0; j < nj; j++) {
    const p = planted.subarray(j * d, (j + 1) * d);
    cosines.push([]);
    shifts.push([]);
    for (let c = 0; c < nc; c++) {
      const s = student.subarray(c * d, (c + 1) * d);
      let best = -Infinity;
      let at: [number, number] = [0, 0];
      for (let dy = -maxShift; dy <= maxShift; dy++) {
        for (let dx = -maxShift; dx <= maxShift; dx++) {
          const v = cosine(shift(p, size, frames, dy, dx), s);
          if (v > best) [best, at] = [v, [dy, dx]];
        }
      }
      cosines[j].push(best);
      shifts[j].push(at);
    }
  }
  const { rowToCol } = maxAssignment(cosines);
  const matched = rowToCol.map((c, j) => (c < 0 ? NaN : cosines[j][c]));
  return { cosines, shifts, typeToChannel: rowToCol, matched, recovered: matched.filter((v) => v >= threshold).length };
}

/** A filter moved by (dy, dx) pixels, zeros where it moved in from outside. */
export function shift(f: Float32Array, size: number, frames: number, dy: number, dx: number): Float32Array {
  if (dy === 0 && dx === 0) return f;
  const out = new Float32Array(f.length);
  for (let y = 0; y < size; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= size) continue;
    for (let x = 0; x < size; x++) {
      const sx = x - dx;
      if (sx < 0 || sx >= size) continue;
      out.set(f.subarray((sy * size + sx) * frames, (sy * size + sx + 1) * frames), (y * size + x) * frames);
    }
  }
  return out;
}

/**
 * Each filter row (HWC, `frames` last) replaced by its rank-1 space x time approximation s u v^T:
 * the separable part of a filter (the planted ones are separable by construction).
 */
export function separableFilters(filters: Float32Array, frames: number, length: number): Float32Array {
  check(length % frames === 0 && filters.length % length === 0, () => `separableFilters: rows of ${length} values with ${frames} frames do not tile ${filters.length} values.`);
  const out = new Float32Array(filters.length);
  for (let r = 0; r < filters.length / length; r++) {
    const { spatial, temporal, sigma } = rank1(filters.subarray(r * length, (r + 1) * length), frames);
    for (let i = 0; i < spatial.length; i++) for (let k = 0; k < frames; k++) out[r * length + i * frames + k] = sigma * spatial[i] * temporal[k];
  }
  return out;
}
