/**
 * The channels a mode ablation acts on: `k = max(1, floor(p/100 * C))` channels with the
 * largest *signed* entries of the mode's atom (the reference's `top_n`). For an ei atom
 * (2C entries, negative half first) the positive half is used by default.
 */
import { check, keyword } from '../errors';

export type EiHalf = 'pos' | 'neg' | 'sum';
export type AblationKind = 'destroy' | 'preserve';

export interface ModeChannels {
  channels: number[];
  k: number;
  /** k / C: the fraction of channels actually acted on (plot against this, not p). */
  fraction: number;
}

/** Per-channel scores (C) of an atom of length C or 2C. */
export function atomChannelScores(atom: Float32Array | number[], channels: number, eiHalf: EiHalf = 'pos'): Float32Array {
  const d = atom.length;
  check(d === channels || d === 2 * channels, () => `atomChannelScores: atom has ${d} entries, expected ${channels} or ${2 * channels}.`);
  if (d === channels) return Float32Array.from(atom);
  const half = keyword(eiHalf, 'ei half', ['pos', 'neg', 'sum'] as const);
  return Float32Array.from({ length: channels }, (_, c) => (half === 'pos' ? atom[channels + c] : half === 'neg' ? atom[c] : atom[c] + atom[channels + c]));
}

export function topChannels(scores: Float32Array | number[], pct: number): ModeChannels {
  const C = scores.length;
  check(pct > 0 && pct <= 100, () => `topChannels: pct must be in (0, 100], but got ${pct}.`);
  const k = Math.max(1, Math.floor((pct / 100) * C));
  const order = Array.from({ length: C }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  return { channels: order.slice(0, k), k, fraction: k / C };
}

/** The multiplicative mask over channels: destroy zeros the channels, preserve zeros the others. */
export function channelMask(channels: number, picked: number[], kind: AblationKind): Float32Array {
  const k = keyword(kind, 'ablation kind', ['destroy', 'preserve'] as const);
  const mask = new Float32Array(channels).fill(k === 'destroy' ? 1 : 0);
  for (const c of picked) {
    check(c >= 0 && c < channels, () => `channelMask: channel ${c} out of range [0, ${channels}).`);
    mask[c] = k === 'destroy' ? 0 : 1;
  }
  return mask;
}
