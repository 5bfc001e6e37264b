/**
 * Ground-truth scores of CODEC's modes on the student (issue 7), given the channel-to-type matching
 * of the first hidden layer (matching.ts):
 *  - a mode's atom as weights over planted types: the net atom (negative + positive half of an ei
 *    atom) read at each type's matched channel;
 *  - the cells a mode drives: its mean weight (code, or its share of the output change) in each
 *    cell's own contributions (per-cell-rate target);
 *  - cosine of the mode's type weights with the planted input weights of the cells it drives
 *    (each cell's top modes; their usage-weighted mean, each cell's weights at unit norm);
 *  - each cell's mean contribution profile in type space against its planted weights (no SAE);
 *  - which modes drive each cell under each stimulus family.
 */
import { check } from '../errors';
import { cosine } from './irf';

/** Net atom rows (K x C) of ei atoms (K x 2C, negative half first). */
export function netAtoms(atoms: Float32Array, k: number, channels: number): Float32Array {
  check(atoms.length === k * 2 * channels, () => `netAtoms: atoms must be ${k} x ${2 * channels}, but got ${atoms.length} values.`);
  const out = new Float32Array(k * channels);
  for (let m = 0; m < k; m++) for (let c = 0; c < channels; c++) out[m * channels + c] = atoms[m * 2 * channels + c] + atoms[m * 2 * channels + channels + c];
  return out;
}

/** Rows (R x C) read at the matched channel of each type: (R x J). */
export function toTypeSpace(rows: Float32Array, r: number, channels: number, typeToChannel: number[]): number[][] {
  check(rows.length === r * channels, () => `toTypeSpace: rows must be ${r} x ${channels}, but got ${rows.length} values.`);
  return Array.from({ length: r }, (_, i) => typeToChannel.map((c) => (c < 0 ? 0 : rows[i * channels + c])));
}

/** Mean weight (code or share) of every mode in each cell's rows (codes: cells*n x K, cell-major): (cells x K). */
export function modeUsage(codes: Float32Array, n: number, cells: number, k: number): number[][] {
  check(codes.length === n * cells * k, () => `modeUsage: codes must be ${n * cells} x ${k}, but got ${codes.length} values.`);
  return Array.from({ length: cells }, (_, c) => {
    const u = new Array<number>(k).fill(0);
    for (let i = 0; i < n; i++) for (let m = 0; m < k; m++) u[m] += codes[(c * n + i) * k + m] / n;
    return u;
  });
}

export interface ModeWiring {
  mode: number;
  /** Net atom at each planted type's matched channel. */
  typeWeights: number[];
  /** Cells that have this mode among their `top` most used. */
  drives: number[];
  /**
   * |cosine| of typeWeights with the usage-weighted planted weights of those cells (sign-free: a
   * mode may carry a decrease of the same inputs as well as an increase); `signed` keeps the sign.
   */
  cosine: number;
  signed: number;
  /** Total usage over the cells it drives. */
  usage: number;
}

/**
 * Each cell's `top` most used modes; for every mode that is among some cell's top, its type
 * weights against the planted input weights (cells x J) of the cells it drives (each cell's
 * weights at unit norm, weighted by its usage of the mode). Most used first.
 */
export function modeWiring(typeWeights: number[][], usage: number[][], planted: number[][], top = 3): ModeWiring[] {
  const k = typeWeights.length;
  check(usage.every((u) => u.length === k), () => `modeWiring: usage rows must have ${k} modes.`);
  check(planted.length === usage.length, () => `modeWiring: planted weights for ${planted.length} cells, usage for ${usage.length}.`);
  const unit = planted.map((w) => {
    const n = Math.hypot(...w) || 1;
    return w.map((v) => v / n);
  });
  const drives = new Map<number, number[]>();
  usage.forEach((u, c) => {
    const order = u.map((v, m) => [v, m]).filter(([v]) => v > 0).sort((a, b) => b[0] - a[0]).slice(0, top);
    for (const [, m] of order) drives.set(m, [...(drives.get(m) ?? []), c]);
  });
  const out: ModeWiring[] = [];
  for (const [m, cells] of drives) {
    const target = typeWeights[m].map((_, j) => cells.reduce((s, c) => s + usage[c][m] * unit[c][j], 0));
    const signed = cosine(typeWeights[m], target);
    out.push({ mode: m, typeWeights: typeWeights[m], drives: cells, cosine: Math.abs(signed), signed, usage: cells.reduce((s, c) => s + usage[c][m], 0) });
  }
  return out.sort((a, b) => b.usage - a.usage);
}

/** Per cell: cosine of its mean contribution profile in type space (from cell-major rows) with its planted weights. */
export function cellWiring(typeRows: number[][], n: number, planted: number[][]): number[] {
  check(typeRows.length === n * planted.length, () => `cellWiring: expected ${n * planted.length} rows, but got ${typeRows.length}.`);
  return planted.map((w, c) => {
    const mean = w.map((_, j) => typeRows.slice(c * n, (c + 1) * n).reduce((s, r) => s + r[j], 0) / n);
    return cosine(mean, w);
  });
}

/** Per cell and family, the `top` modes with the largest mean code (codes: cells*n x K, cell-major). */
export function familyModes(codes: Float32Array, n: number, cells: number, k: number, families: string[], top = 3): Record<string, { mode: number; code: number }[]>[] {
  check(families.length === n, () => `familyModes: ${families.length} family labels for ${n} windows.`);
  const names = [...new Set(families)];
  return Array.from({ length: cells }, (_, c) =>
    Object.fromEntries(
      names.map((f) => {
        const rows = families.flatMap((g, i) => (g === f ? [c * n + i] : []));
        const mean = Array.from({ length: k }, (_, m) => rows.reduce((s, r) => s + codes[r * k + m], 0) / rows.length);
        const order = mean.map((v, m) => ({ mode: m, code: v })).filter((e) => e.code > 0).sort((a, b) => b.code - a.code);
        return [f, order.slice(0, top)];
      }),
    ),
  );
}
