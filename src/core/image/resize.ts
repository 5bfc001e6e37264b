/**
 * One pure resize used by Node and the browser alike, so both see the same pixels. Downscaling
 * averages the source area each target pixel covers (exact block means for integer factors);
 * upscaling is bilinear with pixel centres aligned. RGBA is composited on white and the alpha
 * dropped; RGB to gray is ITU-R BT.601 luma (0.299, 0.587, 0.114); gray to RGB repeats the value.
 */
import { CodecError, check } from '../errors';

export interface Pixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export const MAX_PIXELS = 50_000_000;

/** Checks an image's declared size before any work: not empty, at most 50 megapixels. */
export function checkImageSize(width: number, height: number, file: string): void {
  if (!(width > 0 && height > 0)) throw new CodecError('ImageError', `${file}: the image is empty (${width}x${height}).`);
  if (width * height > MAX_PIXELS) throw new CodecError('ImageError', `${file}: ${width}x${height} is over the limit of ${MAX_PIXELS / 1e6} megapixels.`);
}

/** Converts to 1 or 3 channels (float values 0..255) at the source size. */
function toChannels(src: Pixels, channels: 1 | 3): Float32Array {
  const n = src.width * src.height;
  const out = new Float32Array(n * channels);
  const c = src.channels;
  for (let i = 0; i < n; i++) {
    let r: number;
    let g: number;
    let b: number;
    if (c <= 2) {
      r = g = b = src.data[i * c];
    } else {
      r = src.data[i * c];
      g = src.data[i * c + 1];
      b = src.data[i * c + 2];
    }
    const a = c === 4 ? src.data[i * 4 + 3] / 255 : c === 2 ? src.data[i * 2 + 1] / 255 : 1;
    if (a < 1) {
      r = r * a + 255 * (1 - a);
      g = g * a + 255 * (1 - a);
      b = b * a + 255 * (1 - a);
    }
    if (channels === 1) out[i] = c <= 2 ? r : 0.299 * r + 0.587 * g + 0.114 * b;
    else {
      out[i * 3] = r;
      out[i * 3 + 1] = g;
      out[i * 3 + 2] = b;
    }
  }
  return out;
}

/** Resamples one axis: area average when shrinking, bilinear (centre-aligned) when growing. */
function resampleAxis(src: Float32Array, outer: number, len: number, inner: number, newLen: number): Float32Array {
  const out = new Float32Array(outer * newLen * inner);
  const scale = len / newLen;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < newLen; j++) {
      const dst = (o * newLen + j) * inner;
      if (scale >= 1) {
        const a = j * scale;
        const b = (j + 1) * scale;
        for (let k = Math.floor(a); k < Math.ceil(b); k++) {
          const w = Math.min(b, k + 1) - Math.max(a, k);
          if (w <= 0) continue;
          const s = (o * len + k) * inner;
          for (let c = 0; c < inner; c++) out[dst + c] += (src[s + c] * w) / scale;
        }
      } else {
        const x = Math.min(Math.max((j + 0.5) * scale - 0.5, 0), len - 1);
        const k0 = Math.floor(x);
        const k1 = Math.min(k0 + 1, len - 1);
        const f = x - k0;
        const s0 = (o * len + k0) * inner;
        const s1 = (o * len + k1) * inner;
        for (let c = 0; c < inner; c++) out[dst + c] = src[s0 + c] * (1 - f) + src[s1 + c] * f;
      }
    }
  }
  return out;
}

export function resizeImage(src: Pixels, target: { width: number; height: number; channels: 1 | 3 }, file = 'image'): Pixels {
  checkImageSize(src.width, src.height, file);
  check(src.data.length === src.width * src.height * src.channels, () => `resizeImage: ${file}: ${src.data.length} bytes for ${src.width}x${src.height}x${src.channels}.`, 'ImageError');
  const c = target.channels;
  let buf = toChannels(src, c);
  if (target.width !== src.width) buf = resampleAxis(buf, src.height, src.width, c, target.width);
  if (target.height !== src.height) buf = resampleAxis(buf, 1, src.height, target.width * c, target.height);
  const data = new Uint8Array(buf.length);
  for (let i = 0; i < buf.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(buf[i])));
  return { data, width: target.width, height: target.height, channels: c };
}
