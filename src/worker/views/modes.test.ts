import { describe, expect, it } from 'vitest';
import type { Csr } from '../bundleFiles';
import { modeGrid, type LayerModes } from './modes';

/** Codes as CSR from a dense n x K array. */
function csr(dense: number[][]): Csr {
  const rowPtr = [0];
  const colIdx: number[] = [];
  const values: number[] = [];
  for (const row of dense) {
    row.forEach((v, k) => v !== 0 && (colIdx.push(k), values.push(v)));
    rowPtr.push(colIdx.length);
  }
  return { rowPtr: Int32Array.from(rowPtr), colIdx: Int32Array.from(colIdx), values: Float32Array.from(values), shape: [dense.length, dense[0].length] };
}

describe('modeGrid top images', () => {
  // Mode 0 is active (code 1, near-binary as an STSAE's) in images 0-5, which have very different
  // output changes; its share in each is code * sum(atom) * std = 1 * 2 * 0.5 = 1.
  const dF = Float32Array.from([10, 2, 8, 1.25, 4, 1, 3, 3]);
  const classOf = Int32Array.from([0, 1, 0, 1, 2, 1, 0, 0]);
  const m: LayerModes = {
    layer: 'l',
    source: 'contributions',
    channels: 2,
    atoms: Float32Array.from([1, 1, 0.5, -0.5]),
    d: 2,
    K: 2,
    codes: csr([[1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [0, 1], [0, 1]]),
    std: 0.5,
    alive: [0, 1],
    classCorr: null,
    nClasses: 3,
    classOf,
    kind: 'dictionary',
  };

  it('a contribution mode ranks its images by its share of their dF, not by its (tied) code', () => {
    const g = modeGrid(m, 4, dF);
    expect(g.topRankedBy).toBe('share of dF');
    const top = g.cards[0].topImages;
    // share / |dF| = 1/1, 1/1.25, 1/2, 1/4 for images 5, 3, 1, 4.
    expect(top.map((t) => t.index)).toEqual([5, 3, 1, 4]);
    top.forEach((t) => expect(t.value).toBeCloseTo(1 / Math.abs(dF[t.index]), 6));
    expect(top.every((t) => t.code === 1)).toBe(true);
    // The class mix of the images shown: three of class 1, one of class 2.
    expect(g.cards[0].topMix).toEqual([[1, 3], [2, 1]]);
  });

  it('without dF, or for activation modes, the code ranks', () => {
    expect(modeGrid(m, 4).topRankedBy).toBe('code');
    expect(modeGrid({ ...m, source: 'activations' }, 4, dF).topRankedBy).toBe('code');
  });
});
