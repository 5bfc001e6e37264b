import { describe, expect, it } from 'vitest';
import { BundleFiles, decodeArray } from './bundleFiles';
import type { BundleManifest } from '../core/bundle/manifest';

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('bundle arrays', () => {
  it('decodeArray reads float32, int32 and float16 (1, -2, 0.5, 65504)', () => {
    expect(Array.from(decodeArray(bytes(Float32Array.from([1.5, -2])), { file: 'a', dtype: 'float32', shape: [2] }))).toEqual([1.5, -2]);
    expect(Array.from(decodeArray(bytes(Int32Array.from([7, -1])), { file: 'b', dtype: 'int32', shape: [2] }))).toEqual([7, -1]);
    const half = Uint16Array.from([0x3c00, 0xc000, 0x3800, 0x7bff]);
    expect(Array.from(decodeArray(bytes(half), { file: 'c', dtype: 'float16', shape: [2, 2] }))).toEqual([1, -2, 0.5, 65504]);
  });

  it('decodeArray names the file when the size does not match the shape', () => {
    expect(() => decodeArray(new Uint8Array(6), { file: 'l/x.bin', dtype: 'float32', shape: [2] })).toThrow(/bundle: l\/x\.bin holds 6 bytes, but shape \[2\] of float32 needs 8/);
  });

  it('csr checks its three parts agree', () => {
    const files = new Map([
      ['r', bytes(Int32Array.from([0, 1, 3]))],
      ['c', bytes(Int32Array.from([2, 0, 1]))],
      ['v', bytes(Float32Array.from([0.5, 1, 2]))],
      ['bad', bytes(Int32Array.from([0, 1, 2]))],
    ]);
    const b = new BundleFiles({} as BundleManifest, files);
    const ref = { rowPtr: { file: 'r', dtype: 'int32' as const, shape: [3] }, colIdx: { file: 'c', dtype: 'int32' as const, shape: [3] }, values: { file: 'v', dtype: 'float32' as const, shape: [3] }, shape: [2, 3] as [number, number] };
    expect(Array.from(b.csr(ref).colIdx)).toEqual([2, 0, 1]);
    expect(() => b.csr({ ...ref, rowPtr: { file: 'bad', dtype: 'int32', shape: [3] } })).toThrow(/CSR v is inconsistent/);
    expect(() => b.bytes('missing.bin')).toThrow(/bundle: missing\.bin is missing/);
  });
});
