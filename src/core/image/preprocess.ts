/**
 * Pixels (0..255) to the model's input space, per channel c:
 *   x = (p/255 * scale + offset - mean[c]) / std[c]
 * (p is the pixel's channel c, or 2 - c when channelOrder is 'bgr'),
 * after resizing to the preprocessing's height x width x channels with the shared resizeImage.
 * Layout: (H, W, C) row-major per image; a batch is (N, H, W, C).
 */
import * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../bundle/manifest';
import { check } from '../errors';
import { checkPreprocessing } from './checkPreprocessing';
import { resizeImage, type Pixels } from './resize';

export { checkPreprocessing };

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
  // Per channel: x = p * (scale/255/std) + (offset - mean)/std, computed in the documented order;
  // in BGR order model channel k reads the pixel's channel 2 - k.
  const bgr = pre.channelOrder === 'bgr' && c === 3;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) dst[offsetIn + i * c + k] = ((r.data[i * c + (bgr ? 2 - k : k)] / 255) * pre.scale + pre.offset - pre.mean[k]) / pre.std[k];
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
