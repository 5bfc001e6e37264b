/** Pixels (0..255) to the model's input space: x = (p/255 * scale + offset - mean[c]) / std[c]. */
import type { Preprocessing } from '../bundle/manifest';
import { resizeImage, type Pixels } from './resize';

export function toModelInput(px: Pixels, pre: Preprocessing, out?: Float32Array, offsetIn = 0): Float32Array {
  const r = px.width === pre.width && px.height === pre.height && px.channels === pre.channels ? px : resizeImage(px, pre);
  const c = pre.channels;
  const n = pre.width * pre.height;
  const dst = out ?? new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) dst[offsetIn + i * c + k] = ((r.data[i * c + k] / 255) * pre.scale + pre.offset - pre.mean[k]) / pre.std[k];
  }
  return dst;
}
