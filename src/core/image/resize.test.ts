import { describe, expect, it } from 'vitest';
import { resizeImage } from './resize';

const gray = (data: number[], width: number, height: number) => ({ data: Uint8Array.from(data), width, height, channels: 1 as const });

describe('resizeImage', () => {
  it('resizeImage keeps a constant image constant (down, up, mixed, RGB and gray)', () => {
    const c = gray(Array(7 * 5).fill(77), 7, 5);
    for (const [w, h] of [[3, 2], [11, 13], [3, 11], [7, 9]]) {
      expect(Array.from(resizeImage(c, { width: w, height: h, channels: 1 }).data)).toEqual(Array(w * h).fill(77));
    }
    const rgb = { data: Uint8Array.from({ length: 6 * 4 * 3 }, (_, i) => [10, 120, 250][i % 3]), width: 6, height: 4, channels: 3 as const };
    const r = resizeImage(rgb, { width: 5, height: 3, channels: 3 });
    expect(Array.from(r.data)).toEqual(Array.from({ length: 45 }, (_, i) => [10, 120, 250][i % 3]));
  });

  it('resizeImage by 2x down equals the 2x2 block means exactly', () => {
    // 4x4 with block sums divisible by 4, so the means are integers and no rounding is involved.
    const d = [0, 4, 9, 11, 8, 12, 1, 3, 100, 104, 255, 253, 96, 100, 250, 250];
    const r = resizeImage(gray(d, 4, 4), { width: 2, height: 2, channels: 1 });
    expect(Array.from(r.data)).toEqual([(0 + 4 + 8 + 12) / 4, (9 + 11 + 1 + 3) / 4, (100 + 104 + 96 + 100) / 4, (255 + 253 + 250 + 250) / 4]);
    // 3x: one 3x3 block of 0..8 -> mean 4; a 6x3 -> 2x1 of two blocks.
    const six = Array.from({ length: 18 }, (_, i) => (i % 6 < 3 ? 30 : 90) + (i % 2));
    const blockMean = (x0: number) => { let s = 0; for (let y = 0; y < 3; y++) for (let x = x0; x < x0 + 3; x++) s += six[y * 6 + x]; return Math.round(s / 9); };
    expect(Array.from(resizeImage(gray(six, 6, 3), { width: 2, height: 1, channels: 1 }).data)).toEqual([blockMean(0), blockMean(3)]);
  });

  it('resizeImage averages fractional areas when shrinking 3 -> 2 and rounds halves up', () => {
    // Pixel 0 covers [0, 1.5): 0*1 + 10*0.5 over 1.5 = 3.33 -> 3; pixel 1 covers [1.5, 3): 10*0.5 + 40 over 1.5 = 30.
    expect(Array.from(resizeImage(gray([0, 10, 40], 3, 1), { width: 2, height: 1, channels: 1 }).data)).toEqual([3, 30]);
    expect(Array.from(resizeImage(gray([0, 1], 2, 1), { width: 1, height: 1, channels: 1 }).data)).toEqual([1]); // 0.5 -> 1
  });

  it('resizeImage upscales bilinearly with aligned pixel centres', () => {
    // 2 -> 4: sample points (x+0.5)/2-0.5 = -0.25, 0.25, 0.75, 1.25 -> clamp, 25%, 75%, clamp.
    expect(Array.from(resizeImage(gray([0, 100], 2, 1), { width: 4, height: 1, channels: 1 }).data)).toEqual([0, 25, 75, 100]);
    expect(Array.from(resizeImage(gray([0, 100], 1, 2), { width: 1, height: 4, channels: 1 }).data)).toEqual([0, 25, 75, 100]);
  });

  it('resizeImage converts RGB to BT.601 luma (hand-computed)', () => {
    // 0.299*200 + 0.587*100 + 0.114*50 = 59.8 + 58.7 + 5.7 = 124.2 -> 124
    // 0.299*255 + 0.587*0 + 0.114*0 = 76.245 -> 76; 0.114*255 = 29.07 -> 29; 0.587*255 = 149.685 -> 150
    const rgb = { data: Uint8Array.from([200, 100, 50, 255, 0, 0, 0, 0, 255, 0, 255, 0]), width: 4, height: 1, channels: 3 as const };
    expect(Array.from(resizeImage(rgb, { width: 4, height: 1, channels: 1 }).data)).toEqual([124, 76, 29, 150]);
  });

  it('resizeImage composites RGBA on white, drops alpha, and repeats gray into RGB', () => {
    // alpha 0 -> white; alpha 255 -> as is; alpha 51 (0.2) over white: 100*0.2 + 255*0.8 = 224.
    const rgba = { data: Uint8Array.from([0, 0, 0, 0, 10, 20, 30, 255, 100, 100, 100, 51]), width: 3, height: 1, channels: 4 as const };
    expect(Array.from(resizeImage(rgba, { width: 3, height: 1, channels: 3 }).data)).toEqual([255, 255, 255, 10, 20, 30, 224, 224, 224]);
    expect(Array.from(resizeImage(gray([7, 200], 2, 1), { width: 2, height: 1, channels: 3 }).data)).toEqual([7, 7, 7, 200, 200, 200]);
  });

  it('resizeImage is exact at the same size (gray and RGB, Uint8ClampedArray input)', () => {
    const data = Uint8ClampedArray.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37) % 256);
    expect(Array.from(resizeImage({ data, width: 5, height: 3, channels: 3 }, { width: 5, height: 3, channels: 3 }).data)).toEqual(Array.from(data));
    const g = Array.from({ length: 12 }, (_, i) => (i * 91) % 256);
    expect(Array.from(resizeImage(gray(g, 4, 3), { width: 4, height: 3, channels: 1 }).data)).toEqual(g);
  });

  it('resizeImage refuses empty, huge or inconsistent images in one line naming the file', () => {
    expect(() => resizeImage({ data: new Uint8Array(0), width: 0, height: 3, channels: 1, name: 'a.png' }, { width: 2, height: 2, channels: 1 })).toThrow(/^resizeImage: a\.png: the image is empty \(0x3\)\.$/);
    expect(() => resizeImage({ data: new Uint8Array(1), width: 10000, height: 10000, channels: 1, name: 'big.png' }, { width: 2, height: 2, channels: 1 })).toThrow(/^resizeImage: big\.png: 10000x10000 is over the limit of 50 megapixels\.$/);
    expect(() => resizeImage({ data: new Uint8Array(5), width: 2, height: 2, channels: 1, name: 'c.png' }, { width: 2, height: 2, channels: 1 })).toThrow(/^resizeImage: c\.png: expected 2x2x1 = 4 values \(1 to 4 channels\), but got 5\.$/);
    expect(() => resizeImage(gray([1], 1, 1), { width: 0, height: 2, channels: 1 })).toThrow(/^resizeImage: image: target size must be positive integers, but got 0x2\.$/);
    expect(() => resizeImage({ data: new Uint8Array(0), width: 0, height: 0, channels: 1 }, { width: 1, height: 1, channels: 1 })).toThrow(expect.objectContaining({ name: 'ImageError' }));
  });
});
