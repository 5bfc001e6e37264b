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

export function modeGrid(m: LayerModes, topK = 8): ModeGrid {
  const n = m.codes.shape[0];
  const cols = codeColumns(m.codes);
  const cc = classCorrelation(m);
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
    return {
      id: k,
      frequency: active / n,
      selectivity: best >= 0 ? profile[best] : NaN,
      bestClass: best,
      share: active ? shareAbs / active : 0,
      hoyer: hoyer(atom),
      atom,
      eiHalves: m.d === 2 * m.channels,
      topImages: topIndices(col, topK).map((i) => ({ index: i, value: col[i] })),
      classProfile: profile,
    };
  });
  return { layer: m.layer, source: m.source, channels: m.channels, kind: m.kind, cards };
}
