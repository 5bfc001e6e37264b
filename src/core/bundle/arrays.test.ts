import { describe, expect, it } from 'vitest';
import { decodeArray, encodeArray } from './arrays';
import type { DType } from './manifest';

const DTYPES: DType[] = ['float32', 'float16', 'int32', 'uint8', 'uint16'];

describe('encodeArray', () => {
  it('encodeArray writes the little-endian bytes numpy.fromfile reads for each dtype', () => {
    // Bytes written out by hand from the IEEE / two's-complement encodings.
    expect(Array.from(encodeArray([1, -2.5], 'float32'))).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0]);
    expect(Array.from(encodeArray([1, -2], 'float16'))).toEqual([0x00, 0x3c, 0x00, 0xc0]);
    expect(Array.from(encodeArray([258, -1], 'int32'))).toEqual([2, 1, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    expect(Array.from(encodeArray([258], 'uint16'))).toEqual([2, 1]);
    expect(Array.from(encodeArray([7, 255], 'uint8'))).toEqual([7, 255]);
  });

  it('encodeArray refuses a length that does not match the shape and values a dtype cannot hold', () => {
    expect(() => encodeArray([1, 2, 3], 'float32', { shape: [2, 2], file: 'a.bin' })).toThrow(/^bundle: a\.bin: 3 values, but shape \[2,2\] needs 4\.$/);
    expect(() => encodeArray([300], 'uint8', { file: 'u.bin' })).toThrow(/^bundle: u\.bin: value 300 at index 0 does not fit uint8 \(integers 0\.\.255\)\.$/);
    expect(() => encodeArray([0, 1.5], 'int32', { file: 'i.bin' })).toThrow(/^bundle: i\.bin: value 1\.5 at index 1 does not fit int32/);
    expect(() => encodeArray([-1], 'uint16')).toThrow(/^bundle: array: value -1 at index 0 does not fit uint16/);
    expect(() => encodeArray([1], 'float64' as DType, { file: 'f.bin' })).toThrow(/^bundle: f\.bin: unknown dtype "float64"/);
  });
});

describe('decodeArray', () => {
  it('decodeArray inverts encodeArray for every dtype, also from an unaligned view', () => {
    const a = [0, 1, 2, 3, 250, 7];
    for (const dtype of DTYPES) {
      const bytes = encodeArray(a, dtype, { shape: [2, 3] });
      const padded = new Uint8Array(bytes.length + 1);
      padded.set(bytes, 1);
      const back = decodeArray(padded.subarray(1), dtype, [2, 3], 'x.bin');
      expect(Array.from(back)).toEqual(a);
      expect(back.constructor.name).toBe({ float32: 'Float32Array', float16: 'Float32Array', int32: 'Int32Array', uint8: 'Uint8Array', uint16: 'Uint16Array' }[dtype]);
    }
  });

  it('decodeArray checks the byte length against product(shape) * dtype size', () => {
    expect(() => decodeArray(new Uint8Array(10), 'float32', [2, 2], 'x.bin')).toThrow(/^bundle: x\.bin: 10 bytes, but shape \[2,2\] of float32 needs 16\.$/);
    expect(() => decodeArray(new Uint8Array(2), 'float16', [2], 'h.bin')).toThrow(/^bundle: h\.bin: 2 bytes, but shape \[2\] of float16 needs 4\.$/);
    expect(() => decodeArray(new Uint8Array(0), 'uint8', [-1], 'n.bin')).toThrow(/^bundle: n\.bin: shape must be a list of integers >= 0, but got \[-1\]\.$/);
    expect(Array.from(decodeArray(new Uint8Array(0), 'float32', [0, 5], 'e.bin'))).toEqual([]);
  });
});
