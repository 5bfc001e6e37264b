import { describe, expect, it } from 'vitest';
import { checkImageSetData, makeImageSetHeader, parseImageSetHeader } from './imageset';

const base = { format: 'codec-imageset', version: 1, count: 2, height: 2, width: 2, channels: 1, data: 's.bin' };
const header = (extra: object) => JSON.stringify({ ...base, ...extra });

describe('image set header and data', () => {
  it('parseImageSetHeader reads a header and checkImageSetData pairs it with its bytes', () => {
    const h = parseImageSetHeader(header({ labels: [0, 1], classNames: ['a', 'b'], names: ['x', 'y'] }));
    expect([h.count, h.height, h.width, h.channels, h.data]).toEqual([2, 2, 2, 1, 's.bin']);
    const px = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const set = checkImageSetData(h, px);
    expect(set.pixels).toBe(px);
    expect(set.header.labels).toEqual([0, 1]);
  });

  it('checkImageSetData rejects a truncated or oversized binary in one line', () => {
    const h = parseImageSetHeader(header({}));
    expect(() => checkImageSetData(h, new Uint8Array(7))).toThrow(/^imageset: s\.bin: 7 bytes, expected 8 \(2 x 2 x 2 x 1\)\.$/);
    expect(() => checkImageSetData(h, new Uint8Array(9))).toThrow(/^imageset: s\.bin: 9 bytes, expected 8/);
  });

  it('parseImageSetHeader rejects bad JSON, format, version, sizes, paths, labels and class names', () => {
    const bad: [string, RegExp][] = [
      ['{', /^imageset: a\.json: not valid JSON/],
      ['{"format":"x"}', /^imageset: a\.json: format must be "codec-imageset", but got "x"\.$/],
      [header({ version: 2 }), /^imageset: a\.json: unsupported version 2 \(expected 1\)\.$/],
      [header({ count: 0 }), /^imageset: a\.json: count must be a positive integer, but got 0\.$/],
      [header({ height: 2.5 }), /height must be a positive integer, but got 2\.5/],
      [header({ channels: 2 }), /channels must be 1 or 3, but got 2/],
      [header({ data: '../etc' }), /data must name a file beside the header, but got "\.\.\/etc"/],
      [header({ data: '/etc/passwd' }), /data must name a file beside the header/],
      [header({ labels: [0] }), /labels must be 2 non-negative integers/],
      [header({ labels: [0, -1] }), /labels must be 2 non-negative integers/],
      [header({ names: ['a'] }), /names must have 2 entries/],
      [header({ classNames: 'ab' }), /classNames must be an array of strings/],
      [header({ labels: [0, 2], classNames: ['a', 'b'] }), /^imageset: a\.json: label 2 has no class name \(2 classNames\)\.$/],
    ];
    for (const [text, re] of bad) {
      expect(() => parseImageSetHeader(text, 'a.json')).toThrow(re);
      expect(() => parseImageSetHeader(text, 'a.json')).not.toThrow(/\n/);
    }
  });

  it('makeImageSetHeader adds format and version and applies the same checks', () => {
    const h = makeImageSetHeader({ count: 1, height: 1, width: 2, channels: 3, data: 'p.bin', labels: [1], classNames: ['a', 'b'] });
    expect(h).toEqual({ format: 'codec-imageset', version: 1, count: 1, height: 1, width: 2, channels: 3, data: 'p.bin', labels: [1], classNames: ['a', 'b'] });
    expect(parseImageSetHeader(JSON.stringify(h))).toEqual(h);
    expect(() => makeImageSetHeader({ count: 1, height: 1, width: 2, channels: 4, data: 'p.bin' }, 'w.json')).toThrow(/^imageset: w\.json: channels must be 1 or 3/);
  });
});
