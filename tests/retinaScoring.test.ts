/** Ground-truth scoring of modes: hand-built atoms, codes and wiring with known answers. */
import { describe, expect, it } from 'vitest';
import { cellWiring, familyModes, modeUsage, modeWiring, netAtoms, toTypeSpace } from '../src/core/retina/scoring';

describe('scoring', () => {
  it('netAtoms adds the negative and positive halves of ei atoms', () => {
    // K = 2, C = 3: [neg0 neg1 neg2 pos0 pos1 pos2].
    const atoms = Float32Array.from([-1, 0, -2, 3, 1, 0, 0, 0, 0, 1, 2, 3]);
    expect(Array.from(netAtoms(atoms, 2, 3))).toEqual([2, 1, -2, 1, 2, 3]);
    expect(() => netAtoms(atoms, 3, 3)).toThrow(/^netAtoms: atoms must be 3 x 6, but got 12 values\.$/);
  });

  it('toTypeSpace reads each type at its matched channel (0 for an unmatched type)', () => {
    const rows = Float32Array.from([10, 11, 12, 20, 21, 22]);
    expect(toTypeSpace(rows, 2, 3, [2, 0, -1])).toEqual([
      [12, 10, 0],
      [22, 20, 0],
    ]);
  });

  it('modeUsage averages codes per cell over cell-major rows', () => {
    // 2 cells x 2 windows, K = 2.
    const codes = Float32Array.from([1, 0, 0.5, 0, 0, 1, 0, 0.9]);
    const u = modeUsage(codes, 2, 2, 2);
    expect(u[0][0]).toBeCloseTo(0.75, 6);
    expect(u[0][1]).toBe(0);
    expect(u[1][0]).toBe(0);
    expect(u[1][1]).toBeCloseTo(0.95, 6);
  });

  it('modeWiring compares each cell\'s top modes with the planted wiring of the cells using them', () => {
    const planted = [
      [0, 0, 6, 1.5],
      [1.5, 6, 0, 0],
      [0, 0, 6, 1.5],
    ];
    // Mode 0 is the first wiring (cells 0 and 2), mode 1 the second negated (a decrease; cell 1),
    // mode 2 is used a little by everyone (in no cell's top 1), mode 3 never.
    const typeW = [
      [0, 0, 4, 1],
      [-1, -4, 0, 0],
      [1, 1, 1, 1],
      [5, 0, 0, 0],
    ];
    const usage = [
      [0.8, 0, 0.1, 0],
      [0.1, 0.9, 0.15, 0],
      [0.7, 0, 0.1, 0],
    ];
    const w = modeWiring(typeW, usage, planted, 1);
    expect(w.map((m) => m.mode)).toEqual([0, 1]);
    expect(w[0].drives).toEqual([0, 2]);
    expect(w[0].cosine).toBeCloseTo(1, 6);
    expect(w[0].usage).toBeCloseTo(1.5, 6);
    expect(w[1].drives).toEqual([1]);
    expect(w[1].cosine).toBeCloseTo(1, 6);
    expect(w[1].signed).toBeCloseTo(-1, 6);
    // With the top 2, mode 2 joins (every cell's second); its flat weights against the usage-weighted wirings.
    const w2 = modeWiring(typeW, usage, planted, 2);
    const m2 = w2.find((m) => m.mode === 2)!;
    expect(m2.drives).toEqual([0, 1, 2]);
    const t = [0, 1, 2, 3].map((j) => [0, 1, 2].reduce((s, c) => s + (usage[c][2] * planted[c][j]) / Math.hypot(...planted[c]), 0));
    const cos = t.reduce((s, v) => s + v, 0) / (2 * Math.hypot(...t));
    expect(m2.cosine).toBeCloseTo(Math.abs(cos), 6);
  });

  it('cellWiring is the cosine of each cell mean profile with its planted weights', () => {
    const planted = [
      [1, 0],
      [0, 1],
    ];
    const rows = [
      [2, 0],
      [4, 0],
      [1, 1],
      [-1, 1],
    ];
    const c = cellWiring(rows, 2, planted);
    expect(c[0]).toBeCloseTo(1, 12);
    expect(c[1]).toBeCloseTo(1, 12);
  });

  it('familyModes ranks modes by mean code within each family and drops unused ones', () => {
    // 1 cell, 4 windows (2 per family), K = 3.
    const codes = Float32Array.from([0, 1, 0.5, 0, 0.8, 0.9, 1, 0, 0, 0.9, 0, 0]);
    const f = familyModes(codes, 4, 1, 3, ['a', 'a', 'b', 'b'], 2);
    expect(f[0].a.map((m) => m.mode)).toEqual([1, 2]);
    expect(f[0].a[0].code).toBeCloseTo(0.9, 6);
    expect(f[0].b).toEqual([{ mode: 0, code: expect.closeTo(0.95, 6) }]);
  });
});
