/**
 * A mode's heatmap at layer resolution: the per-position contributions of the mode's top
 * channels, summed (signed), for one image; and bilinear upsampling to the input size.
 */
import { check } from '../errors';

/** Sum over `channels` of an (H, W, C) map: (H, W), row-major. */
export function channelSumMap(map: Float32Array, h: number, w: number, c: number, channels: number[]): Float32Array {
  check(map.length === h * w * c, () => `channelSumMap: map has ${map.length} values, expected ${h}x${w}x${c}.`);
  const out = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (const ch of channels) s += map[p * c + ch];
    out[p] = s;
  }
  return out;
}

/** Bilinear resize of an (h, w) grid to (H, W), aligning pixel centres (as tf.image.resizeBilinear with halfPixelCenters). */
export function upsampleBilinear(src: Float32Array, h: number, w: number, H: number, W: number): Float32Array {
  check(src.length === h * w, () => `upsampleBilinear: source has ${src.length} values, expected ${h}x${w}.`);
  const out = new Float32Array(H * W);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(Math.max((y + 0.5) * (h / H) - 0.5, 0), h - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let x = 0; x < W; x++) {
      const sx = Math.min(Math.max((x + 0.5) * (w / W) - 0.5, 0), w - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      const top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
      const bot = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
      out[y * W + x] = top * (1 - fy) + bot * fy;
    }
  }
  return out;
}
