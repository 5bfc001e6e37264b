import { describe, expect, it } from 'vitest';
import { toModelInput } from './preprocess';
import { resizeImage } from './resize';

describe('resizeImage', () => {
  it('resizeImage keeps a constant image constant', () => {
    const r = resizeImage({ data: new Uint8Array(7 * 5).fill(77), width: 7, height: 5, channels: 1 }, { width: 3, height: 11, channels: 1 });
    expect(Array.from(r.data)).toEqual(Array(33).fill(77));
  });

  it('resizeImage by 2x down equals the 2x2 block means', () => {
    const data = Uint8Array.from({ length: 16 }, (_, i) => i * 10);
    const r = resizeImage({ data, width: 4, height: 4, channels: 1 }, { width: 2, height: 2, channels: 1 });
    const block = (y: number, x: number) => Math.round((data[y * 8 + x * 2] + data[y * 8 + x * 2 + 1] + data[y * 8 + 4 + x * 2] + data[y * 8 + 5 + x * 2]) / 4);
    expect(Array.from(r.data)).toEqual([block(0, 0), block(0, 1), block(1, 0), block(1, 1)]);
  });

  it('resizeImage converts RGB to BT.601 luma and composites RGBA on white', () => {
    const rgb = resizeImage({ data: Uint8Array.from([200, 100, 50]), width: 1, height: 1, channels: 3 }, { width: 1, height: 1, channels: 1 });
    expect(rgb.data[0]).toBe(Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50));
    const rgba = resizeImage({ data: Uint8Array.from([0, 0, 0, 0]), width: 1, height: 1, channels: 4 }, { width: 1, height: 1, channels: 3 });
    expect(Array.from(rgba.data)).toEqual([255, 255, 255]);
  });

  it('resizeImage is exact at the same size and refuses empty or huge images', () => {
    const data = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    expect(Array.from(resizeImage({ data, width: 2, height: 2, channels: 3 }, { width: 2, height: 2, channels: 3 }).data)).toEqual(Array.from(data));
    expect(() => resizeImage({ data: new Uint8Array(0), width: 0, height: 3, channels: 1 }, { width: 2, height: 2, channels: 1 }, 'a.png')).toThrow(/^a\.png: the image is empty \(0x3\)\.$/);
    expect(() => resizeImage({ data: new Uint8Array(1), width: 10000, height: 10000, channels: 1 }, { width: 2, height: 2, channels: 1 }, 'big.png')).toThrow(/^big\.png: 10000x10000 is over the limit of 50 megapixels\.$/);
  });

  it('toModelInput applies scale, offset, mean and std', () => {
    const x = toModelInput({ data: Uint8Array.from([0, 255]), width: 2, height: 1, channels: 1 }, { width: 2, height: 1, channels: 1, scale: 2, offset: -1, mean: [0.5], std: [2] });
    expect(Array.from(x)).toEqual([(-1 - 0.5) / 2, (1 - 0.5) / 2]);
  });
});
