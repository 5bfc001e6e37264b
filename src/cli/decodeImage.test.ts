import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage, jpegSize, pngSize, sniffImage } from './decodeImage';

function pngBytes(width: number, height: number, rgba: number[]): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return new Uint8Array(PNG.sync.write(png));
}

function jpegBytes(width: number, height: number, rgb: [number, number, number], quality = 100): Uint8Array {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return new Uint8Array(jpeg.encode({ data, width, height }, quality).data);
}

/** Offset of the first SOF0 marker's length field in a JPEG written by jpeg-js. */
function sofOffset(b: Uint8Array): number {
  for (let i = 2; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === 0xc0) return i + 2;
  throw new Error('no SOF0');
}

describe('decodeImage', () => {
  it('decodeImage reads a PNG to the exact RGBA values', () => {
    const rgba = [255, 0, 0, 255, 0, 128, 255, 10];
    const px = decodeImage(pngBytes(2, 1, rgba), 'a.png');
    expect(px).toMatchObject({ width: 2, height: 1, channels: 4, name: 'a.png' });
    expect(Array.from(px.data)).toEqual(rgba);
  });

  it('decodeImage reads a constant JPEG to about its colour', () => {
    const px = decodeImage(jpegBytes(16, 8, [200, 40, 90]), 'b.jpg');
    expect([px.width, px.height, px.channels]).toEqual([16, 8, 4]);
    for (let i = 0; i < 16 * 8; i++) {
      expect(Math.abs(px.data[i * 4] - 200)).toBeLessThanOrEqual(3);
      expect(Math.abs(px.data[i * 4 + 1] - 40)).toBeLessThanOrEqual(3);
      expect(Math.abs(px.data[i * 4 + 2] - 90)).toBeLessThanOrEqual(3);
      expect(px.data[i * 4 + 3]).toBe(255);
    }
  });

  it('decodeImage sniffs magic bytes, not the extension', () => {
    expect(decodeImage(pngBytes(1, 1, [1, 2, 3, 255]), 'really-a-png.jpg').width).toBe(1);
    expect(sniffImage(jpegBytes(8, 8, [0, 0, 0]))).toBe('jpeg');
    const gif = new TextEncoder().encode('GIF89a\x01\x00\x01\x00');
    expect(() => decodeImage(gif, 'photo.gif')).toThrow(/^decodeImage: photo\.gif: a GIF image; only PNG and JPEG are read\.$/);
    expect(() => decodeImage(gif, 'photo.png')).toThrow(/^decodeImage: photo\.png: a GIF image; only PNG and JPEG are read\.$/);
    expect(() => decodeImage(new Uint8Array(0), 'e.png')).toThrow(/^decodeImage: e\.png: the file is empty\.$/);
  });

  it('decodeImage refuses truncated or corrupt files in one line', () => {
    const png = pngBytes(4, 4, Array(64).fill(100));
    for (const cut of [png.length - 12, 40, 20]) {
      expect(() => decodeImage(png.subarray(0, cut), 't.png')).toThrow(/^decodeImage: t\.png: truncated or corrupt PNG \([^\n]*\)\.$/);
    }
    const jpg = jpegBytes(16, 16, [9, 9, 9], 90);
    for (const cut of [jpg.length - 2, Math.floor(jpg.length / 2)]) {
      expect(() => decodeImage(jpg.subarray(0, cut), 't.jpg')).toThrow(/^decodeImage: t\.jpg: truncated or corrupt JPEG \([^\n]*\)\.$/);
    }
    expect(() => decodeImage(jpg.subarray(0, 5), 'h.jpg')).toThrow(/^decodeImage: h\.jpg: truncated or corrupt JPEG \(no frame header before the image data\)\.$/);
    const bad = png.slice();
    bad.fill(0, 40, 60); // inside the IDAT data
    expect(() => decodeImage(bad, 'c.png')).toThrow(/^decodeImage: c\.png: truncated or corrupt PNG/);
  });

  it('decodeImage refuses huge declared sizes from the header before decoding', () => {
    const png = pngBytes(2, 2, Array(16).fill(0));
    const v = new DataView(png.buffer, png.byteOffset);
    v.setUint32(16, 10000);
    v.setUint32(20, 10000);
    expect(pngSize(png)).toEqual({ width: 10000, height: 10000 });
    expect(() => decodeImage(png, 'huge.png')).toThrow(/^decodeImage: huge\.png: 10000x10000 is over the limit of 50 megapixels\.$/);
    v.setUint32(16, 0);
    expect(() => decodeImage(png, 'zero.png')).toThrow(/^decodeImage: zero\.png: the image is empty \(0x10000\)\.$/);

    const jpg = jpegBytes(8, 8, [1, 2, 3]);
    const o = sofOffset(jpg); // length(2) precision(1) height(2) width(2)
    jpg[o + 3] = 0x27; jpg[o + 4] = 0x10; // height 10000
    jpg[o + 5] = 0x27; jpg[o + 6] = 0x10; // width 10000
    expect(jpegSize(jpg)).toEqual({ width: 10000, height: 10000 });
    expect(() => decodeImage(jpg, 'huge.jpg')).toThrow(/^decodeImage: huge\.jpg: 10000x10000 is over the limit of 50 megapixels\.$/);
  });

  it('jpegSize skips APPn segments and fill bytes', () => {
    // SOI, APP0 (length 4: two payload bytes), fill byte, SOF0 with height 16 and width 32.
    const b = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0xff, 0xc0, 0xff, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x11, 0x00]);
    expect(jpegSize(b)).toEqual({ height: 16, width: 32 });
    expect(jpegSize(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]))).toBeNull(); // scan before a frame
  });
});
