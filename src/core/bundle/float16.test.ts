import { describe, expect, it } from 'vitest';
import { decodeHalf, encodeHalf, fromHalf, toHalf } from './float16';

const isNaNHalf = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

describe('toHalf', () => {
  it('toHalf gives the known IEEE binary16 bit patterns of normal numbers', () => {
    expect(toHalf(0)).toBe(0x0000);
    expect(toHalf(-0)).toBe(0x8000);
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(0.5)).toBe(0x3800);
    expect(toHalf(0.1)).toBe(0x2e66);
    expect(toHalf(1 / 3)).toBe(0x3555);
    expect(toHalf(65504)).toBe(0x7bff); // largest finite half
    expect(toHalf(2 ** -14)).toBe(0x0400); // smallest normal
  });

  it('toHalf rounds to nearest, ties to even', () => {
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00); // tie, 0x3c00 even
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, 0x3c01 odd -> up
    expect(toHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(toHalf(2 - 2 ** -12)).toBe(0x4000); // mantissa carry bumps the exponent
    expect(toHalf(65519)).toBe(0x7bff);
    expect(toHalf(65520)).toBe(0x7c00); // tie at the top rounds to Inf
  });

  it('toHalf maps Inf, NaN and overflow', () => {
    expect(toHalf(Infinity)).toBe(0x7c00);
    expect(toHalf(-Infinity)).toBe(0xfc00);
    expect(toHalf(1e6)).toBe(0x7c00);
    expect(toHalf(-1e6)).toBe(0xfc00);
    expect(isNaNHalf(toHalf(NaN))).toBe(true);
  });

  it('toHalf gives subnormals and underflow', () => {
    expect(toHalf(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toHalf(1023 * 2 ** -24)).toBe(0x03ff); // largest subnormal
    expect(toHalf(-5 * 2 ** -24)).toBe(0x8005);
    expect(toHalf(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24 -> even (0)
    expect(toHalf(1.5 * 2 ** -25)).toBe(0x0001);
    expect(toHalf(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 -> even (2)
    expect(toHalf(2 ** -26)).toBe(0x0000);
    expect(toHalf(-(2 ** -30))).toBe(0x8000);
    expect(toHalf(1023.5 * 2 ** -24)).toBe(0x0400); // rounds up into the smallest normal
  });

  it('toHalf picks the nearest finite half (ties to even) for random float32 values', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let t = 0; t < 3000; t++) {
      const v = Math.fround((rand() - 0.5) * 2 * 2 ** Math.floor(rand() * 40 - 26)); // |v| from ~2^-27 to ~2^14
      const h = toHalf(v);
      const mag = h & 0x7fff;
      const d = Math.abs(fromHalf(h) - v);
      for (const n of [mag - 1, mag + 1]) {
        if (n < 0 || n > 0x7bff) continue;
        const dn = Math.abs(fromHalf((h & 0x8000) | n) - v);
        expect(d <= dn).toBe(true);
        if (d === dn) expect(mag % 2).toBe(0); // a tie went to the even pattern
      }
    }
  });
});

describe('fromHalf', () => {
  it('fromHalf gives the exact values of known bit patterns', () => {
    expect(fromHalf(0x3c00)).toBe(1);
    expect(fromHalf(0x7bff)).toBe(65504);
    expect(fromHalf(0x3555)).toBe(0.333251953125);
    expect(fromHalf(0x0001)).toBe(2 ** -24);
    expect(fromHalf(0x03ff)).toBe(1023 * 2 ** -24);
    expect(Object.is(fromHalf(0x8000), -0)).toBe(true);
    expect(fromHalf(0x7c00)).toBe(Infinity);
    expect(fromHalf(0xfc00)).toBe(-Infinity);
    expect(fromHalf(0x7e00)).toBeNaN();
    expect(fromHalf(0xfc01)).toBeNaN();
  });

  it('toHalf(fromHalf(h)) === h for every non-NaN half, and decodeHalf agrees with fromHalf', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, h) => h);
    const dec = decodeHalf(all);
    for (let h = 0; h < 65536; h++) {
      if (isNaNHalf(h)) {
        expect(dec[h]).toBeNaN();
        continue;
      }
      if (toHalf(fromHalf(h)) !== h || !Object.is(dec[h], fromHalf(h))) expect([h, toHalf(fromHalf(h)), dec[h]]).toEqual([h, h, fromHalf(h)]);
    }
    expect(Array.from(encodeHalf([1, -2, 65504]))).toEqual([0x3c00, 0xc000, 0x7bff]);
  });
});
