/**
 * Model inputs back to the pixels they were made from: the inverse of preprocess.ts' toModelInput,
 * p = ((x * std[c] + mean[c] - offset) / scale) * 255, rounded and clipped to 0..255, with BGR
 * inputs put back in RGB order. For showing an image as the model sees it, and for storing a
 * bundle's input pixels.
 */
import type { Preprocessing } from '../bundle/manifest';

/** The pixel value (0..255) of model input value `v` in model channel `k`. */
export function pixelOf(v: number, p: Preprocessing, k: number): number {
  return Math.max(0, Math.min(255, Math.round(((v * p.std[k] + p.mean[k] - p.offset) / p.scale) * 255)));
}

/** The model channel that holds the pixel's channel `c` (c itself, or 2 - c in BGR order). */
export const modelChannel = (p: Preprocessing, c: number): number => (p.channelOrder === 'bgr' && p.channels === 3 ? 2 - c : c);

/** One model input (H, W, C) at `offset` in `x`, as display RGBA (grey repeated for 1 channel). */
export function inputToRgba(x: Float32Array, p: Preprocessing, offset = 0): Uint8Array {
  const n = p.height * p.width;
  const out = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const k = p.channels === 1 ? 0 : modelChannel(p, c);
      out[4 * i + c] = pixelOf(x[offset + p.channels * i + k], p, k);
    }
    out[4 * i + 3] = 255;
  }
  return out;
}

/** Model inputs (any number of (H, W, C) images) as uint8 pixels in the images' own channel order (RGB). */
export function inputsToPixels(x: Float32Array, p: Preprocessing, length = x.length): Uint8Array {
  const ch = p.channels;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const c = i % ch;
    const k = modelChannel(p, c);
    out[i] = pixelOf(x[i - c + k], p, k);
  }
  return out;
}
