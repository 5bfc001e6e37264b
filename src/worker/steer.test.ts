import { describe, expect, it } from 'vitest';
import { layerPositions, steerInputs } from './steer';
import type { LayerModes } from './views/modes';

/** Two activation modes over 3 channels; mode 1 active in images 0 and 2 with codes 0.5 and 1.5. */
function modes(source: LayerModes['source'] = 'activations'): LayerModes {
  return {
    layer: 'conv',
    source,
    channels: 3,
    atoms: Float32Array.from([1, 0, 0, 0.5, -1, 2]),
    d: 3,
    K: 2,
    codes: { rowPtr: Int32Array.from([0, 1, 2, 4]), colIdx: Int32Array.from([1, 0, 0, 1]), values: Float32Array.from([0.5, 1, 1, 1.5]), shape: [3, 2] },
    std: 4,
    alive: [0, 1],
    classCorr: null,
    nClasses: 2,
    classOf: Int32Array.from([0, 1, 0]),
    kind: 'dictionary',
  };
}

describe('worker steering inputs', () => {
  it('no steer: null; scale: the factor on the top channels', () => {
    expect(steerInputs('ablate', modes(), 1, [2], 4, undefined)).toBeNull();
    const r = steerInputs('ablate', modes(), 1, [2, 0], 4, { kind: 'scale', factor: -1.5 })!;
    expect(Array.from(r.mask)).toEqual([-1.5, 1, -1.5]);
    expect(r.add).toBeUndefined();
  });

  it('add: (factor - 1) x mean active code x atom x std / positions, mask all ones', () => {
    const r = steerInputs('ablate', modes(), 1, [2], layerPositions([2, 2, 3]), { kind: 'add', factor: 3 })!;
    expect(r.code).toBe(1);
    expect(Array.from(r.mask)).toEqual([1, 1, 1]);
    // (3 - 1) * 1 * [0.5, -1, 2] * 4 / 4
    Array.from(r.add!).forEach((v, i) => expect(v).toBeCloseTo([1, -2, 4][i], 6));
  });

  it('refuses add on contribution modes and factors out of range', () => {
    expect(() => steerInputs('ablate', modes('contributions'), 1, [2], 4, { kind: 'add', factor: 2 })).toThrow(/^ablate: adding an atom direction needs an activation mode/);
    expect(() => steerInputs('ablate', modes(), 1, [2], 4, { kind: 'scale', factor: 3.01 })).toThrow(/^ablate: the steering factor must be in \[-2, 3\], but got 3.01\.$/);
  });
});
