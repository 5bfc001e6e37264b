import { describe, expect, it } from 'vitest';
import { parseIdxImages, parseIdxLabels } from './idx';

/** An IDX file built by hand: big-endian magic and dimensions, then the bytes. */
function idx(magic: number, dims: number[], data: number[]): Uint8Array {
  const b = new Uint8Array(4 + 4 * dims.length + data.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, magic);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  b.set(data, 4 + 4 * dims.length);
  return b;
}

describe('IDX parsing', () => {
  it('parseIdxImages reads count, size and pixels', () => {
    const r = parseIdxImages(idx(2051, [2, 2, 1], [1, 2, 3, 4]), 't.idx');
    expect([r.count, r.rows, r.cols]).toEqual([2, 2, 1]);
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4]);
    expect(parseIdxImages(idx(2051, [0, 28, 28], []), 'e.idx').data.length).toBe(0);
  });

  it('parseIdxImages rejects a truncated file, extra bytes and a wrong magic number in one line', () => {
    expect(() => parseIdxImages(idx(2051, [2, 2, 1], [1, 2, 3]), 't.idx')).toThrow(/^idx: t\.idx: 19 bytes, expected 20 for 2 images of 2x1 \(truncated or corrupt\)\.$/);
    expect(() => parseIdxImages(idx(2051, [2, 2, 1], [1, 2, 3, 4, 5]), 't.idx')).toThrow(/^idx: t\.idx: 21 bytes, expected 20/);
    expect(() => parseIdxImages(idx(2049, [2, 2, 1], [1, 2, 3, 4]), 't.idx')).toThrow(/^idx: t\.idx: wrong magic number 2049 \(expected 2051 for an image file\)\.$/);
    expect(() => parseIdxImages(new Uint8Array(5), 't.idx')).toThrow(/^idx: t\.idx: truncated header \(5 bytes, expected at least 16\)\.$/);
    expect(() => parseIdxImages(new Uint8Array(0))).toThrow(/^idx: images: truncated header/);
  });

  it('parseIdxImages errors are DataErrors', () => {
    try {
      parseIdxImages(new Uint8Array(3), 'x');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).name).toBe('DataError');
    }
  });

  it('parseIdxLabels checks magic and count', () => {
    expect(Array.from(parseIdxLabels(idx(2049, [3], [0, 9, 4])))).toEqual([0, 9, 4]);
    expect(() => parseIdxLabels(idx(2049, [3], [0, 9]), 'l.idx')).toThrow(/^idx: l\.idx: 10 bytes, expected 11 for 3 labels \(truncated or corrupt\)\.$/);
    expect(() => parseIdxLabels(idx(2051, [3], [0, 9, 4]), 'l.idx')).toThrow(/^idx: l\.idx: wrong magic number 2051 \(expected 2049 for a label file\)\.$/);
    expect(() => parseIdxLabels(new Uint8Array(7), 'l.idx')).toThrow(/^idx: l\.idx: truncated header \(7 bytes, expected at least 8\)\.$/);
  });
});
