import { describe, expect, it } from 'vitest';
import { BundleFiles, type Manifest } from './bundleFiles';

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('bundle arrays', () => {
  it('BundleFiles.array decodes through the engine and names the file on a size mismatch', () => {
    const b = new BundleFiles({} as Manifest, new Map([['l/x.bin', new Uint8Array(6)], ['h.bin', bytes(Uint16Array.from([0x3c00, 0xc000]))]]));
    expect(Array.from(b.array({ file: 'h.bin', dtype: 'float16', shape: [2] }))).toEqual([1, -2]);
    expect(() => b.array({ file: 'l/x.bin', dtype: 'float32', shape: [2] })).toThrow(/l\/x\.bin: 6 bytes, but shape \[2\] of float32 needs 8/);
  });

  it('csr checks its three parts agree', () => {
    const files = new Map([
      ['r', bytes(Int32Array.from([0, 1, 3]))],
      ['c', bytes(Int32Array.from([2, 0, 1]))],
      ['v', bytes(Float32Array.from([0.5, 1, 2]))],
      ['bad', bytes(Int32Array.from([0, 1, 2]))],
    ]);
    const b = new BundleFiles({} as Manifest, files);
    const ref = { rowPtr: { file: 'r', dtype: 'int32' as const, shape: [3] }, colIdx: { file: 'c', dtype: 'int32' as const, shape: [3] }, values: { file: 'v', dtype: 'float32' as const, shape: [3] }, shape: [2, 3] as [number, number] };
    expect(Array.from(b.csr(ref).colIdx)).toEqual([2, 0, 1]);
    expect(() => b.csr({ ...ref, rowPtr: { file: 'bad', dtype: 'int32', shape: [3] } })).toThrow(/CSR v is inconsistent/);
    expect(() => b.bytes('missing.bin')).toThrow(/bundle: missing\.bin is missing/);
  });
});
