/** The image panel's picture side (useFitSize.ts): the panel's room, between the old size and a cap. */
import { describe, expect, it } from 'vitest';
import { fitSide } from './useFitSize';

const o = { beside: 190, below: 230, min: 168, max: 640 };

describe('fitSide', () => {
  it('fills the room the panel leaves, never under the old size nor over the cap', () => {
    expect(fitSide({ width: 600, height: 700 }, o)).toBe(410);
    expect(fitSide({ width: 900, height: 500 }, o)).toBe(270);
    expect(fitSide({ width: 300, height: 300 }, o)).toBe(168);
    expect(fitSide({ width: 2000, height: 2000 }, o)).toBe(640);
  });
});
