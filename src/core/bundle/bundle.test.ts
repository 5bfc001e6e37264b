import { describe, expect, it } from 'vitest';
import { decodeArray, encodeArray } from './arrays';
import { csrToDense, denseToCsr } from './csr';
import { fromHalf, toHalf } from './float16';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest } from './manifest';
import { readBundle } from './reader';
import { BundleWriter } from './writer';
import { unzipFiles, zipFiles } from './zip';
import { zipSync } from 'fflate';

function manifest(w: BundleWriter, n: number): BundleManifest {
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: '2026-01-01',
    model: { path: 'm', sha256: 'x' },
    settings: { method: 'conductance', target: 'logit', targetClass: null, steps: 10, baseline: 'zeros', reduction: 'net', seed: 0, backend: 'cpu' },
    preprocessing: { height: 1, width: 1, channels: 1, scale: 1, offset: 0, mean: [0], std: [1] },
    images: Array.from({ length: n }, (_, i) => `i${i}`),
    classNames: ['a', 'b'],
    outputs: { F: w.add('F.bin', new Float32Array(n), 'float32', [n]), F0: w.add('F0.bin', new Float32Array(n), 'float32', [n]), targetClass: w.add('k.bin', new Int32Array(n), 'int32', [n]) },
    layers: [],
  };
}

describe('bundle format', () => {
  it('toHalf/fromHalf match known IEEE half bit patterns', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(1e6)).toBe(0x7c00);
    expect(toHalf(-Infinity)).toBe(0xfc00);
    expect(toHalf(2 ** -24)).toBe(0x0001);
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to even
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(fromHalf(toHalf(NaN)))).toBe(true);
    expect(fromHalf(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(fromHalf(0x0001)).toBe(2 ** -24);
  });

  it('encodeArray writes little-endian row-major bytes that numpy.fromfile would read', () => {
    const b = encodeArray(Float32Array.from([1, -2.5, 3, 4]), 'float32');
    const v = new DataView(b.buffer);
    expect([0, 4, 8, 12].map((o) => v.getFloat32(o, true))).toEqual([1, -2.5, 3, 4]);
    expect(Array.from(new Uint8Array(encodeArray([258], 'int32')))).toEqual([2, 1, 0, 0]);
  });

  it('decodeArray round-trips every dtype and checks the byte length against the shape', () => {
    for (const dtype of ['float32', 'float16', 'int32', 'uint8', 'uint16'] as const) {
      const a = [0, 1, 2, 3, 250, 7];
      expect(Array.from(decodeArray(encodeArray(a, dtype), dtype, [2, 3], 'x.bin'))).toEqual(a);
    }
    expect(() => decodeArray(new Uint8Array(10), 'float32', [2, 2], 'x.bin')).toThrow(/^bundle: x\.bin: 10 bytes, but shape \[2,2\] of float32 needs 16\.$/);
  });

  it('denseToCsr and csrToDense round-trip', () => {
    const d = [0, 1.5, 0, 0, 0, 0, 2, 0, -3];
    const c = denseToCsr(d, 3, 3);
    expect(Array.from(c.rowPtr)).toEqual([0, 1, 1, 3]);
    expect(Array.from(c.colIdx)).toEqual([1, 0, 2]);
    expect(Array.from(csrToDense(c))).toEqual(d);
  });

  it('readBundle reads what BundleWriter wrote, CSR codes included', async () => {
    const w = new BundleWriter();
    const m = manifest(w, 3);
    const ref = w.add('a.bin', [1, 2, 3, 4, 5, 6], 'float16', [3, 2]);
    m.layers.push({ name: 'l', className: 'Conv2D', outputShape: [2], isCut: true, arrays: { contrib_net: ref }, completeness: [0, 0, 0] });
    const codes = w.addCsr('codes', [0, 0.9, 0, 0, 0, 0.85], 3, 2);
    const files = w.finish(m);
    const b = await readBundle(files);
    expect(Array.from(await b.getArray(ref))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(await b.getCsr(codes))).toEqual([0, 0.8999999761581421, 0, 0, 0, 0.8500000238418579]);
  });

  it('readBundle rejects a wrong version, a missing file and a wrong size in one line', async () => {
    const w = new BundleWriter();
    const m = manifest(w, 2);
    const files = w.finish(m);
    await expect(readBundle(new Map(files).set('manifest.json', new TextEncoder().encode(JSON.stringify({ ...m, version: 9 }))))).rejects.toThrow(/^bundle: manifest\.json: unsupported version 9/);
    const noF = new Map(files);
    noF.delete('F.bin');
    await expect(readBundle(noF)).rejects.toThrow(/^bundle: F\.bin: missing/);
    await expect(readBundle(new Map(files).set('F.bin', new Uint8Array(3)))).rejects.toThrow(/^bundle: F\.bin: 3 bytes, but shape \[2\] of float32 needs 8\.$/);
    await expect(readBundle(new Map(files).set('manifest.json', new Uint8Array([123])))).rejects.toThrow(/^bundle: manifest\.json: not valid JSON/);
  });

  it('zipFiles and unzipFiles round-trip and refuse unsafe paths', () => {
    const files = new Map([['manifest.json', new Uint8Array([1, 2])], ['a/b.bin', new Uint8Array([3])]]);
    const back = unzipFiles(zipFiles(files));
    expect([...back.keys()].sort()).toEqual(['a/b.bin', 'manifest.json']);
    expect(Array.from(back.get('a/b.bin')!)).toEqual([3]);
    expect(() => unzipFiles(zipSync({ '../evil.bin': new Uint8Array([1]) }), 'e.zip')).toThrow(/^bundle: e\.zip: entry \.\.\/evil\.bin has an unsafe path\.$/);
    expect(() => unzipFiles(new Uint8Array([1, 2, 3]), 'bad.zip')).toThrow(/^bundle: bad\.zip: not a readable zip archive/);
  });
});
