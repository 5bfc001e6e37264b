import { describe, expect, it } from 'vitest';
import { parseIdxImages, parseIdxLabels } from './idx';
import { checkImageSetData, parseImageSetHeader } from './imageset';

function idx(magic: number, dims: number[], data: number[]): Uint8Array {
  const b = new Uint8Array(4 + 4 * dims.length + data.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, magic);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  b.set(data, 4 + 4 * dims.length);
  return b;
}

describe('IDX and image set parsing', () => {
  it('parseIdxImages reads count, size and pixels', () => {
    const r = parseIdxImages(idx(2051, [2, 2, 1], [1, 2, 3, 4]), 't.idx');
    expect([r.count, r.rows, r.cols]).toEqual([2, 2, 1]);
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4]);
  });

  it('parseIdxImages rejects a truncated file and a wrong magic number in one line', () => {
    expect(() => parseIdxImages(idx(2051, [2, 2, 1], [1, 2, 3]), 't.idx')).toThrow(/^idx: t\.idx: 19 bytes, expected 20 for 2 images of 2x1 \(truncated or corrupt\)\.$/);
    expect(() => parseIdxImages(idx(2049, [2, 2, 1], [1, 2, 3, 4]), 't.idx')).toThrow(/^idx: t\.idx: wrong magic number 2049 \(expected 2051 for an image file\)\.$/);
    expect(() => parseIdxImages(new Uint8Array(5), 't.idx')).toThrow(/^idx: t\.idx: truncated header/);
  });

  it('parseIdxLabels checks magic and count', () => {
    expect(Array.from(parseIdxLabels(idx(2049, [3], [0, 9, 4])))).toEqual([0, 9, 4]);
    expect(() => parseIdxLabels(idx(2049, [3], [0, 9]), 'l.idx')).toThrow(/^idx: l\.idx: 10 bytes, expected 11/);
    expect(() => parseIdxLabels(idx(2051, [3], [0, 9, 4]), 'l.idx')).toThrow(/wrong magic number 2051/);
  });

  it('parseImageSetHeader validates fields and checkImageSetData the byte count', () => {
    const h = parseImageSetHeader(JSON.stringify({ format: 'codec-imageset', version: 1, count: 2, height: 2, width: 2, channels: 1, data: 's.bin', labels: [0, 1] }));
    expect(checkImageSetData(h, new Uint8Array(8)).pixels.length).toBe(8);
    expect(() => checkImageSetData(h, new Uint8Array(7))).toThrow(/^imageset: s\.bin: 7 bytes, expected 8/);
    expect(() => parseImageSetHeader('{"format":"x"}', 'a.json')).toThrow(/^imageset: a\.json: format must be "codec-imageset"/);
    expect(() => parseImageSetHeader(JSON.stringify({ format: 'codec-imageset', version: 1, count: 1, height: 2, width: 2, channels: 1, data: '../etc' }), 'a.json')).toThrow(/data must name a file beside the header/);
    expect(() => parseImageSetHeader('{', 'a.json')).toThrow(/^imageset: a\.json: not valid JSON/);
  });
});
