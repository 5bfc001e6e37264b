/**
 * The depthwise convolution's gradient kernels for backends that lack them (WASM in tfjs 4.22:
 * DepthwiseConv2dNativeBackpropInput and ...BackpropFilter are not registered, so any gradient
 * through a DepthwiseConv2D layer, MobileNet's and EfficientNet's, fails). Both are written as
 * forward ops the backend has. With stride s, dilation d, padding (pt, pl), filter w (kh, kw, C, m)
 * and output channel c*m + q:
 *   dx[b,i,j,c] = sum_{u,v,q} dy[b,(i+pt-u*d)/s,(j+pl-v*d)/s,c*m+q] w[u,v,c,q]  (integer quotients only)
 *              = a depthwise conv of dy dilated by s (zeros between rows and columns) with the
 *                spatially flipped, d-dilated filter, summed over q;
 *   dw[u,v,c,q] = sum_{b,i,j} xpad[b, i*s + u*d, j*s + v*d, c] dy[b,i,j,c*m+q]
 *              = one strided slice of the padded input per filter tap, times dy, summed.
 * The padding and dilation helpers are conv2dGrad.ts'. Ops called inside a kernel are not recorded
 * on the gradient tape (tfjs stops the tape while a kernel runs); tidy disposes intermediates.
 * (tfjs' own gradient refuses dilation > 1 for depthwise convs before reaching these kernels.)
 */
import * as tf from '@tensorflow/tfjs';
import { convInfo, dilate, padOrCrop, type ConvAttrs } from './conv2dGrad';

/** dx of a depthwise conv: dy (B, outH, outW, C*m), filter (kh, kw, C, m) -> (B, H, W, C). */
export function depthwiseBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(inputShape, filter.shape, attrs, true);
    const [kh, kw, c, m] = filter.shape;
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, effectiveFilterHeight: ekh, effectiveFilterWidth: ekw, padInfo } = info;
    // The filter as a multiplier-1 depthwise filter over C*m channels, d-dilated and flipped.
    let f = tf.reshape(filter, [kh, kw, c * m, 1]) as tf.Tensor4D;
    if (dh > 1 || dw > 1) f = dilate(tf.transpose(f, [3, 0, 1, 2]) as tf.Tensor4D, dh, dw).transpose([1, 2, 3, 0]) as tf.Tensor4D;
    f = tf.reverse(f, [0, 1]) as tf.Tensor4D;
    const up = dilate(dy, sh, sw);
    const top = ekh - 1 - padInfo.top;
    const left = ekw - 1 - padInfo.left;
    const padded = padOrCrop(up, [top, info.inHeight + ekh - 1 - top - up.shape[1]], [left, info.inWidth + ekw - 1 - left - up.shape[2]]);
    const full = tf.depthwiseConv2d(padded, f, 1, 'valid');
    return tf.sum(tf.reshape(full, [dy.shape[0], info.inHeight, info.inWidth, c, m]), -1) as tf.Tensor4D;
  });
}

/** dw of a depthwise conv: x (B, H, W, C), dy (B, outH, outW, C*m) -> (kh, kw, C, m). */
export function depthwiseBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, attrs, true);
    const [kh, kw, c, m] = filterShape;
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, outHeight: oh, outWidth: ow, padInfo: p } = info;
    const b = x.shape[0];
    const xp = tf.pad(x, [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]]);
    const g = tf.reshape(dy, [b, oh, ow, c, m]);
    const taps: tf.Tensor[] = [];
    for (let u = 0; u < kh; u++) {
      for (let v = 0; v < kw; v++) {
        const xs = tf.stridedSlice(xp, [0, u * dh, v * dw, 0], [b, u * dh + (oh - 1) * sh + 1, v * dw + (ow - 1) * sw + 1, c], [1, sh, sw, 1]);
        taps.push(tf.sum(tf.mul(tf.expandDims(xs, -1), g), [0, 1, 2]));
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, c, m]) as tf.Tensor4D;
  });
}

const KERNELS: Record<string, tf.KernelFunc> = {
  DepthwiseConv2dNativeBackpropInput: ({ inputs, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D };
    const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
    return depthwiseBackpropInput(dy, filter, a.inputShape, a);
  },
  DepthwiseConv2dNativeBackpropFilter: ({ inputs, attrs }) => {
    const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
    const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
    return depthwiseBackpropFilter(x, dy, a.filterShape, a);
  },
};

/** Registers the two kernels for `backendName` where tfjs has none. Idempotent. */
export function registerDepthwiseGradients(backendName = 'wasm'): void {
  for (const [kernelName, kernelFunc] of Object.entries(KERNELS)) {
    if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
}
