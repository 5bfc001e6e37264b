import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { unzipFiles, zipFiles } from './zip';

const files = () =>
  new Map<string, Uint8Array>([
    ['manifest.json', new TextEncoder().encode('{"a":1}')],
    ['layers/conv1/net.bin', Uint8Array.from({ length: 1000 }, (_, i) => i % 7)],
    ['empty.bin', new Uint8Array(0)],
  ]);

/** Sets every central-directory entry's declared uncompressed size to `size`. */
function declareSize(zip: Uint8Array, size: number): Uint8Array {
  const z = zip.slice();
  const v = new DataView(z.buffer);
  for (let i = 0; i + 4 <= z.length; i++) if (v.getUint32(i, true) === 0x02014b50) v.setUint32(i + 24, size, true);
  return z;
}

describe('zipFiles / unzipFiles', () => {
  it('unzipFiles(zipFiles(m)) round-trips the file map, stored or deflated', () => {
    for (const level of [0, 6] as const) {
      const back = unzipFiles(zipFiles(files(), { level }));
      expect([...back.keys()].sort()).toEqual(['empty.bin', 'layers/conv1/net.bin', 'manifest.json']);
      for (const [k, v] of files()) expect(Array.from(back.get(k)!)).toEqual(Array.from(v));
    }
  });

  it('unzipFiles strips one common leading folder and skips folder and macOS entries', () => {
    const z = zipSync({ 'bundle/': new Uint8Array(0), 'bundle/manifest.json': new Uint8Array([1]), 'bundle/a/b.bin': new Uint8Array([2]), '__MACOSX/bundle/._a': new Uint8Array([3]) });
    expect([...unzipFiles(z).keys()].sort()).toEqual(['a/b.bin', 'manifest.json']);
  });

  it('unzipFiles refuses entries whose paths leave the bundle', () => {
    expect(() => unzipFiles(zipSync({ '../x': new Uint8Array([1]) }), 'e.zip')).toThrow(/^bundle: e\.zip: entry \.\.\/x has an unsafe path\.$/);
    expect(() => unzipFiles(zipSync({ 'a/../../x': new Uint8Array([1]) }), 'e.zip')).toThrow(/^bundle: e\.zip: entry a\/\.\.\/\.\.\/x has an unsafe path\.$/);
    expect(() => unzipFiles(zipSync({ '/etc/x': new Uint8Array([1]) }), 'e.zip')).toThrow(/unsafe path/);
    expect(() => unzipFiles(zipSync({ 'C:/x': new Uint8Array([1]) }), 'e.zip')).toThrow(/unsafe path/);
    expect(() => zipFiles(new Map([['../x', new Uint8Array(1)]]))).toThrow(/^bundle: \.\.\/x: not a relative path inside the bundle; refusing to zip it\.$/);
  });

  it('unzipFiles refuses a zip bomb by its declared sizes or entry count, before inflating', () => {
    const bomb = declareSize(zipFiles(files()), 0xc0000000); // 3 x 3 GB declared
    expect(() => unzipFiles(bomb, 'bomb.zip')).toThrow(/^bundle: bomb\.zip: entries declare 9663676416 bytes uncompressed, over the limit of 2147483648; refusing the archive\.$/);
    expect(() => unzipFiles(zipFiles(files()), 'small.zip', { maxBytes: 1000 })).toThrow(/^bundle: small\.zip: entries declare 1007 bytes uncompressed, over the limit of 1000/);
    expect(() => unzipFiles(zipFiles(files()), 'many.zip', { maxEntries: 2 })).toThrow(/^bundle: many\.zip: more than 2 entries; refusing the archive\.$/);
  });

  it('unzipFiles refuses data that is not a zip or does not match its declared size', () => {
    expect(() => unzipFiles(new Uint8Array([1, 2, 3]), 'bad.zip')).toThrow(/^bundle: bad\.zip: not a readable zip archive/);
    const lie = declareSize(zipFiles(new Map([['a.bin', new Uint8Array(100)]]), { level: 0 }), 50);
    expect(() => unzipFiles(lie, 'lie.zip')).toThrow(/^bundle: lie\.zip: entry a\.bin is corrupt \(100 bytes, but the archive declares 50\)\.$/);
  });
});
