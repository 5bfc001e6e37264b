/**
 * IEEE 754 half precision (binary16) <-> float32, for compact bundle arrays.
 * toHalf rounds to nearest, ties to even, after the input is rounded to float32 (so a float64
 * input is rounded twice; bundle data is float32 already): |v| >= 65520 gives +-Inf, |v| < 2^-25
 * gives +-0, magnitudes between 2^-24 and 2^-14 become subnormals; NaN stays NaN (quiet, 0x7e00
 * with the sign), -0 stays -0. fromHalf is exact (every half is a float32).
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bit pattern (0..0xffff) nearest to `v`. */
export function toHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf or NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> Inf
  if (e <= 0) {
    // Subnormal half: value = m * 2^-24. Shift the 24-bit significand (implicit 1 included) right
    // by 14 - e and round the dropped bits; a carry into 0x400 is the smallest normal, as it should be.
    if (e < -10) return sign; // below 2^-25: rounds to 0
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  // Normal: keep the top 10 of 23 mantissa bits, round on the 13 dropped; a carry bumps the exponent.
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** The value of a binary16 bit pattern. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

export function encodeHalf(a: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = toHalf(a[i]);
  return out;
}

let table: Float32Array | null = null;

/** Decodes half bit patterns to float32 (through a 65,536-entry table built on first use). */
export function decodeHalf(a: Uint16Array): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = fromHalf(h);
  }
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = table[a[i]];
  return out;
}
