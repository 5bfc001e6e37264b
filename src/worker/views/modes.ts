/**
 * The mode grid of one layer and source: per alive mode its frequency, class selectivity, share
 * of the output change, atom sparsity, top images and class profile. A mode's share in image n
 * is `z_nk * sum(atom_k) * std`, its part of sum C (DESIGN.md section 3).
 */
import type { ModeCard, ModeGrid, Source } from '../api';
import type { Csr } from '../bundleFiles';
import { classCorrelation as classCorr } from '../../core/metrics';
import { codeColumns, denseCodes, topIndices } from './codes';
import { argMax, hoyer } from './stats';

export interface LayerModes {
  layer: string;
  source: Source;
  channels: number;
  /** K x d atoms (d = C, or 2C for ei). */
  atoms: Float32Array;
  d: number;
  K: number;
  codes: Csr;
  std: number;
  alive: number[];
  /** K x nClasses, or null when the bundle has none (computed from labels then). */
  classCorr: Float32Array | null;
  nClasses: number;
  /** Per image: the label where known, else the predicted class. */
  classOf: Int32Array;
  /** 'channels' when there is no dictionary and each channel stands for a mode. */
  kind: 'dictionary' | 'channels';
}

export function atomOf(m: LayerModes, k: number): Float32Array {
  return m.atoms.slice(k * m.d, (k + 1) * m.d);
}

export function atomSum(m: LayerModes, k: number): number {
  let s = 0;
  for (let j = 0; j < m.d; j++) s += m.atoms[k * m.d + j];
  return s;
}

/** K x nClasses correlation of each mode's codes with class indicators (the bundle's, else computed). */
export function classCorrelation(m: LayerModes): Float32Array {
  if (!m.classCorr) m.classCorr = classCorr(denseCodes(m.codes), m.codes.shape[0], m.K, m.classOf, m.nClasses);
  return m.classCorr;
}

/**
 * A contribution mode's top images: ranked by its share of each image's output change
 * |z_nk sum(atom_k) std| / |dF_n| (the near-binary STSAE code, 0 or >= tau and mostly 1, ranks
 * nothing). |dF| under 1% of the median |dF| counts as 1% of it, so a tiny dF does not win.
 */
function topByShareOfDF(col: Float32Array, sum: number, std: number, dF: Float32Array, topK: number): { index: number; value: number; code: number }[] {
  const abs = Array.from(dF, Math.abs).sort((a, b) => a - b);
  const floor = 0.01 * (abs[Math.floor(abs.length / 2)] || 1);
  const frac = new Float32Array(col.length);
  for (let i = 0; i < col.length; i++) frac[i] = col[i] > 0 ? Math.abs(col[i] * sum * std) / Math.max(Math.abs(dF[i]), floor) : 0;
  return topIndices(frac, topK).map((i) => ({ index: i, value: frac[i], code: col[i] }));
}

/** The classes of a mode's shown top images, most frequent first: [class, count]. */
function classMix(top: { index: number }[], classOf: Int32Array): [number, number][] {
  const counts = new Map<number, number>();
  for (const t of top) counts.set(classOf[t.index], (counts.get(classOf[t.index]) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

/** `dF`: each image's F(x) - F(x0); with it a contribution mode's top images rank by their share of it. */
export function modeGrid(m: LayerModes, topK = 8, dF: Float32Array | null = null): ModeGrid {
  const n = m.codes.shape[0];
  const cols = codeColumns(m.codes);
  const cc = classCorrelation(m);
  const byShare = m.source === 'contributions' && dF !== null && dF.length === n;
  const cards: ModeCard[] = m.alive.map((k) => {
    const col = cols.subarray(k * n, (k + 1) * n);
    const sum = atomSum(m, k);
    let active = 0;
    let shareAbs = 0;
    for (let i = 0; i < n; i++) {
      if (col[i] > 0) {
        active++;
        shareAbs += Math.abs(col[i] * sum * m.std);
      }
    }
    const profile = cc.slice(k * m.nClasses, (k + 1) * m.nClasses);
    const best = argMax(profile.map((v) => (Number.isNaN(v) ? -Infinity : v)));
    const atom = atomOf(m, k);
    const topImages = byShare ? topByShareOfDF(col, sum, m.std, dF!, topK) : topIndices(col, topK).map((i) => ({ index: i, value: col[i], code: col[i] }));
    return {
      id: k,
      frequency: active / n,
      selectivity: best >= 0 ? profile[best] : NaN,
      bestClass: best,
      share: active ? shareAbs / active : 0,
      hoyer: hoyer(atom),
      atom,
      eiHalves: m.d === 2 * m.channels,
      topImages,
      topMix: classMix(topImages.slice(0, 6), m.classOf),
      classProfile: profile,
    };
  });
  return { layer: m.layer, source: m.source, channels: m.channels, kind: m.kind, cards, topRankedBy: byShare ? 'share of dF' : 'code' };
}
