/**
 * The 2-D convolution's gradient kernels as forward convolutions, for the WASM backend: tfjs 4.22
 * has no Conv2DBackpropFilter there (weight gradients fail, so no training) and a slow
 * Conv2DBackpropInput (about 10x a forward conv). With stride s, dilation d, padding (pt, pl):
 *   dx = conv2d(dy dilated by s and padded by (ekh - 1 - pt, ekw - 1 - pl),
 *               the filter flipped in space with in/out channels swapped, dilation d, 'valid');
 *   dw[u,v,ci,co] = sum_{b,i,j} xpad[b, i*s + u*d, j*s + v*d, ci] dy[b,i,j,co]
 *       = conv2d(xpad with batch and channel axes swapped (ci, H, W, B),
 *                dy as a filter (oh, ow, B, co), stride d, dilation s), cropped to (kh, kw).
 * Ops called inside a kernel are not recorded on the gradient tape; tidy disposes intermediates.
 */
import * as tf from '@tensorflow/tfjs';
import { heapView } from '../util/wasmHeap';
import { replaceKernel } from './replaceKernel';

export type ConvAttrs = {
  strides: [number, number] | number;
  dilations?: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
};

export function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs, depthwise = false): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, depthwise);
}

/** Pads (positive) or crops (negative) axes 1 and 2 of a 4-D tensor: [before, after] per axis. */
export function padOrCrop(t: tf.Tensor4D, h: [number, number], w: [number, number]): tf.Tensor4D {
  const pad = tf.pad(t, [[0, 0], [Math.max(0, h[0]), Math.max(0, h[1])], [Math.max(0, w[0]), Math.max(0, w[1])], [0, 0]]);
  const [b, H, W, c] = pad.shape;
  const top = Math.max(0, -h[0]);
  const left = Math.max(0, -w[0]);
  return tf.slice(pad, [0, top, left, 0], [b, H - top - Math.max(0, -h[1]), W - left - Math.max(0, -w[1]), c]);
}

/** Inserts s - 1 zeros between consecutive rows (and columns) of axis 1 (2). */
export function dilate(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return t;
  const [b, h, w, c] = t.shape;
  const r = tf.reshape(t, [b, h, 1, w, 1, c]);
  const z = tf.pad(r, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return tf.slice(tf.reshape(z, [b, h * sh, w * sw, c]), [0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]) as tf.Tensor4D;
}

/**
 * The filter (kh, kw, ci, co) flipped in space with in/out channels swapped: (kh, kw, co, ci).
 * On WASM one JavaScript pass over the heap (tfjs's Reverse kernel took about 0.7 ms for a
 * 3x3x64x64 filter, a fifth of the gradient it serves); elsewhere reverse + transpose.
 */
function flippedFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const w = heapView(filter);
  if (!w) return tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
  const out = new Float32Array(w.length);
  for (let u = 0; u < kh; u++) {
    for (let v = 0; v < kw; v++) {
      const src = ((kh - 1 - u) * kw + (kw - 1 - v)) * ci * co;
      const dst = (u * kw + v) * co * ci;
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) out[dst + o * ci + i] = w[src + i * co + o];
    }
  }
  return tf.tensor4d(out, [kh, kw, co, ci]);
}

/** dx of conv2d: dy (B, oh, ow, co), filter (kh, kw, ci, co) -> (B, H, W, ci). */
export function conv2dBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(inputShape, filter.shape, attrs);
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, effectiveFilterHeight: ekh, effectiveFilterWidth: ekw, padInfo } = info;
    const f = flippedFilter(filter);
    const up = dilate(dy, sh, sw);
    const top = ekh - 1 - padInfo.top;
    const left = ekw - 1 - padInfo.left;
    const h: [number, number] = [top, info.inHeight + ekh - 1 - top - up.shape[1]];
    const w: [number, number] = [left, info.inWidth + ekw - 1 - left - up.shape[2]];
    // Padding the convolution does itself (explicit padding) saves a padded copy of dy; a crop
    // (negative padding, 'valid' with a large stride) needs the copy.
    if (Math.min(...h, ...w) >= 0) return tf.conv2d(up, f, 1, [[0, 0], h, w, [0, 0]], 'NHWC', [dh, dw]);
    return tf.conv2d(padOrCrop(up, h, w), f, 1, 'valid', 'NHWC', [dh, dw]);
  });
}

/** dw of conv2d: x (B, H, W, ci), dy (B, oh, ow, co) -> (kh, kw, ci, co). */
export function conv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, attrs);
    const [kh, kw, ci, co] = filterShape;
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, outHeight: oh, outWidth: ow, padInfo: p } = info;
    const b = x.shape[0];
    // Pad (or crop) x so that exactly the taps the forward conv read are present.
    const needH = (kh - 1) * dh + (oh - 1) * sh + 1;
    const needW = (kw - 1) * dw + (ow - 1) * sw + 1;
    const xp = padOrCrop(x, [p.top, needH - p.top - x.shape[1]], [p.left, needW - p.left - x.shape[2]]);
    if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) {
      // tfjs' conv2d takes strides or dilations > 1, not both: sum one strided slice per tap.
      const taps: tf.Tensor[] = [];
      for (let u = 0; u < kh; u++) {
        for (let v = 0; v < kw; v++) {
          const xs = tf.stridedSlice(xp, [0, u * dh, v * dw, 0], [b, u * dh + (oh - 1) * sh + 1, v * dw + (ow - 1) * sw + 1, ci], [1, sh, sw, 1]);
          taps.push(tf.matMul(tf.reshape(xs, [-1, ci]), tf.reshape(dy, [-1, co]), true, false));
        }
      }
      return tf.reshape(tf.stack(taps), [kh, kw, ci, co]) as tf.Tensor4D;
    }
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D; // (ci, H, W, B)
    const ft = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // (oh, ow, B, co)
    const out = tf.conv2d(xt, ft, [dh, dw], 'valid', 'NHWC', [sh, sw]); // (ci, kh, kw, co)
    return tf.transpose(out, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

const KERNELS: Record<string, tf.KernelFunc> = {
  Conv2DBackpropInput: ({ inputs, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D };
    const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
    return conv2dBackpropInput(dy, filter, a.inputShape, a);
  },
  Conv2DBackpropFilter: ({ inputs, attrs }) => {
    const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
    const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
    return conv2dBackpropFilter(x, dy, a.filterShape, a);
  },
};

/** Registers both kernels for `backendName`, replacing a slow one tfjs may have. Idempotent. */
export function registerConv2dGradients(backendName = 'wasm'): void {
  for (const [kernelName, kernelFunc] of Object.entries(KERNELS)) replaceKernel(kernelName, backendName, kernelFunc);
}
