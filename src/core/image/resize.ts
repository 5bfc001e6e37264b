/**
 * One pure resize used by Node and the browser alike, so both see the same pixels.
 *
 * - Channels first, at the source size: RGBA (and gray+alpha) is composited on white and the
 *   alpha dropped (`v' = v a + 255 (1 - a)`, a = alpha/255), so a transparent background reads as
 *   the white page it is shown on rather than as black; RGB to gray is ITU-R BT.601 luma
 *   `0.299 R + 0.587 G + 0.114 B`; gray to RGB repeats the value.
 * - Then each axis separately (width, then height), which makes the 2-D result exact:
 *   downscaling averages the source area each target pixel covers (box filter with fractional
 *   edge weights; exactly the k x k block mean for an integer factor k); upscaling is bilinear
 *   with pixel centres aligned (`x_src = (x + 0.5) * src/dst - 0.5`, clamped at the borders; as
 *   tf.image.resizeBilinear with halfPixelCenters). An axis whose size does not change is copied.
 * - Finally rounded to the nearest integer (halves up) and clipped to 0..255.
 *
 * Memory: the source is converted row by row while the width is resampled, so only
 * `srcHeight x dstWidth x channels` floats are held, never a float copy of a 50 MP source.
 */
import { CodecError, check } from '../errors';

export interface Pixels {
  /** Row-major, interleaved channels, 0..255. */
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** The file the pixels came from, for error messages (optional). */
  name?: string;
}

/** The size and channels to resize to. */
export interface ResizeOptions {
  width: number;
  height: number;
  channels: 1 | 3;
}

/** The largest image accepted anywhere (decode, resize): 50 megapixels. */
export const MAX_PIXELS = 50_000_000;

/**
 * Checks an image's declared size before any work: not empty, at most 50 megapixels.
 * Message: `[where: ]<file>: ...` (one line).
 */
export function checkImageSize(width: number, height: number, file: string, where?: string): void {
  const at = where ? `${where}: ${file}` : file;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new CodecError('ImageError', `${at}: the image is empty (${width}x${height}).`);
  }
  if (width * height > MAX_PIXELS) {
    throw new CodecError('ImageError', `${at}: ${width}x${height} is over the limit of ${MAX_PIXELS / 1e6} megapixels.`);
  }
}

/** Converts source row `y` to `channels` (1 or 3) float values, compositing alpha on white. */
function convertRow(src: Pixels, y: number, channels: 1 | 3, row: Float32Array): void {
  const c = src.channels;
  const d = src.data;
  const base = y * src.width * c;
  for (let x = 0; x < src.width; x++) {
    const i = base + x * c;
    let r = d[i];
    let g = c >= 3 ? d[i + 1] : r;
    let b = c >= 3 ? d[i + 2] : r;
    const alpha = c === 4 ? d[i + 3] : c === 2 ? d[i + 1] : 255;
    if (alpha < 255) {
      const a = alpha / 255;
      r = r * a + 255 * (1 - a);
      g = g * a + 255 * (1 - a);
      b = b * a + 255 * (1 - a);
    }
    if (channels === 1) row[x] = c <= 2 ? r : 0.299 * r + 0.587 * g + 0.114 * b;
    else {
      row[x * 3] = r;
      row[x * 3 + 1] = g;
      row[x * 3 + 2] = b;
    }
  }
}

/**
 * Resamples one axis of `src` viewed as (outer, len, inner) to (outer, newLen, inner) into `out`
 * at `outOffset`: area average when shrinking, centre-aligned bilinear when growing.
 */
function resampleAxis(src: Float32Array, outer: number, len: number, inner: number, newLen: number, out: Float32Array, outOffset = 0): void {
  const scale = len / newLen;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < newLen; j++) {
      const dst = outOffset + (o * newLen + j) * inner;
      if (scale >= 1) {
        // Target pixel j covers source interval [j*scale, (j+1)*scale); each source pixel k
        // contributes its overlap with that interval, divided by the interval's length.
        const a = j * scale;
        const b = (j + 1) * scale;
        for (let k = Math.floor(a); k < Math.min(Math.ceil(b), len); k++) {
          const w = (Math.min(b, k + 1) - Math.max(a, k)) / scale;
          if (w <= 0) continue;
          const s = (o * len + k) * inner;
          for (let c = 0; c < inner; c++) out[dst + c] += src[s + c] * w;
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
}

/**
 * Resizes `src` to `target.width x target.height` with `target.channels` (1 or 3), as described
 * at the top of this file. Same size and channels in and out (RGB or gray) returns an exact copy.
 * Throws an ImageError naming `src.name` for an empty or over-50-MP source or a data length that
 * does not match its size.
 */
export function resizeImage(src: Pixels, target: ResizeOptions): Pixels & { data: Uint8Array; channels: 1 | 3 } {
  const file = src.name ?? 'image';
  checkImageSize(src.width, src.height, file, 'resizeImage');
  check(
    [1, 2, 3, 4].includes(src.channels) && src.data.length === src.width * src.height * src.channels,
    () => `resizeImage: ${file}: expected ${src.width}x${src.height}x${src.channels} = ${src.width * src.height * src.channels} values (1 to 4 channels), but got ${src.data.length}.`,
    'ImageError',
  );
  const { width, height, channels } = target;
  check(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0, () => `resizeImage: ${file}: target size must be positive integers, but got ${width}x${height}.`);
  check(width * height <= MAX_PIXELS, () => `resizeImage: ${file}: target ${width}x${height} is over the limit of ${MAX_PIXELS / 1e6} megapixels.`);
  check(channels === 1 || channels === 3, () => `resizeImage: ${file}: target channels must be 1 or 3, but got ${channels}.`);

  // Pass 1: convert each source row and resample its width -> (srcHeight, width, channels).
  const row = new Float32Array(src.width * channels);
  const mid = new Float32Array(src.height * width * channels);
  for (let y = 0; y < src.height; y++) {
    convertRow(src, y, channels, row);
    if (width === src.width) mid.set(row, y * width * channels);
    else resampleAxis(row, 1, src.width, channels, width, mid, y * width * channels);
  }
  // Pass 2: resample the height -> (height, width, channels).
  let buf = mid;
  if (height !== src.height) {
    buf = new Float32Array(height * width * channels);
    resampleAxis(mid, 1, src.height, width * channels, height, buf);
  }
  const data = new Uint8Array(buf.length);
  for (let i = 0; i < buf.length; i++) data[i] = Math.min(255, Math.max(0, Math.floor(buf[i] + 0.5)));
  return { data, width, height, channels, ...(src.name !== undefined ? { name: src.name } : {}) };
}
