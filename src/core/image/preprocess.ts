/**
 * Pixels (0..255) to the model's input space, per channel c:
 *   x = (p/255 * scale + offset - mean[c]) / std[c]
 * after resizing to the preprocessing's height x width x channels with the shared resizeImage.
 * Layout: (H, W, C) row-major per image; a batch is (N, H, W, C).
 */
import * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../bundle/manifest';
import { check } from '../errors';
import { MAX_PIXELS, resizeImage, type Pixels } from './resize';

/** Checks a Preprocessing: positive size, 1 or 3 channels, finite scale/offset, one mean and non-zero std per channel. */
export function checkPreprocessing(pre: Preprocessing, where = 'preprocessing'): void {
  const { height, width, channels, scale, offset, mean, std } = pre;
  check(Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0 && height * width <= MAX_PIXELS, () => `${where}: height and width must be positive integers (at most ${MAX_PIXELS / 1e6} MP), but got ${height}x${width}.`);
  check(channels === 1 || channels === 3, () => `${where}: channels must be 1 or 3, but got ${channels}.`);
  check(Number.isFinite(scale) && Number.isFinite(offset), () => `${where}: scale and offset must be finite numbers, but got ${scale} and ${offset}.`);
  check(Array.isArray(mean) && mean.length === channels && mean.every(Number.isFinite), () => `${where}: mean must hold ${channels} finite number(s), but got ${JSON.stringify(mean)}.`);
  check(Array.isArray(std) && std.length === channels && std.every((s) => Number.isFinite(s) && s !== 0), () => `${where}: std must hold ${channels} finite non-zero number(s), but got ${JSON.stringify(std)}.`);
}

/**
 * One image as model input (H x W x C float32), resized first when its size or channels differ
 * from `pre`. Writes into `out` at `offsetIn` when given (for batches), else into a new array.
 */
export function toModelInput(px: Pixels, pre: Preprocessing, out?: Float32Array, offsetIn = 0): Float32Array {
  checkPreprocessing(pre, 'toModelInput');
  const c = pre.channels;
  const n = pre.width * pre.height;
  const dst = out ?? new Float32Array(n * c);
  check(offsetIn >= 0 && offsetIn + n * c <= dst.length, () => `toModelInput: ${px.name ?? 'image'}: output has ${dst.length} values, too few for ${n * c} at offset ${offsetIn}.`);
  const same = px.width === pre.width && px.height === pre.height && px.channels === c && px.data.length === n * c;
  const r = same ? px : resizeImage(px, pre);
  // Per channel: x = p * (scale/255/std) + (offset - mean)/std, computed in the documented order.
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) dst[offsetIn + i * c + k] = ((r.data[i * c + k] / 255) * pre.scale + pre.offset - pre.mean[k]) / pre.std[k];
  }
  return dst;
}

/** Images as one (N, H, W, C) float32 tensor in the model's input space; the caller disposes it. */
export function toModelBatch(images: Pixels[], pre: Preprocessing): tf.Tensor4D {
  check(images.length > 0, () => 'toModelBatch: images must hold at least one image, but got 0.');
  checkPreprocessing(pre, 'toModelBatch');
  const per = pre.height * pre.width * pre.channels;
  const data = new Float32Array(images.length * per);
  images.forEach((px, i) => toModelInput(px, pre, data, i * per));
  return tf.tidy(() => tf.tensor4d(data, [images.length, pre.height, pre.width, pre.channels]));
}
