/**
 * MaxPoolGrad that routes each output's gradient to the FIRST maximum of its window (row-major
 * order), as tfjs' CPU backend, TensorFlow and PyTorch do. tfjs 4.22's WASM kernel routes ties
 * elsewhere, and ties are the rule, not the exception, at conductance's zero baseline: there every
 * activation of a channel is the same, so the alpha = 0 term of the trapezoid differed between
 * backends (up to 15% of a conv layer's contributions in the demo CNN against PyTorch and tfjs' CPU
 * backend; bench/pytorch). One pass in JavaScript over the input, per output position a running
 * max per channel (channels innermost, as the data lies), registered for WASM only: its tensors
 * live in host memory, read and written in place on the WASM heap.
 */
import * as tf from '@tensorflow/tfjs';
import { heapView } from '../util/wasmHeap';
import { replaceKernel } from './replaceKernel';

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * dx of max-pooling x (B, H, W, C) given dy (B, outH, outW, C): first-max routing, written into
 * `dx` (zeroed here; a new array when not given).
 */
export function maxPoolGradFirstMax(x: Float32Array, dy: Float32Array, xShape: [number, number, number, number], info: tf.backend_util.Conv2DInfo, dx: Float32Array = new Float32Array(x.length)): Float32Array {
  const [B, H, W, C] = xShape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, effectiveFilterHeight: ekh, effectiveFilterWidth: ekw, padInfo } = info;
  dx.fill(0);
  if (ekh === 2 && ekw === 2 && sh === 2 && sw === 2 && padInfo.top === 0 && padInfo.left === 0 && oh * 2 <= H && ow * 2 <= W) {
    maxPool2x2GradFirstMax(x, dy, xShape, oh, ow, dx);
    return dx;
  }
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  for (let b = 0; b < B; b++) {
    for (let r = 0; r < oh; r++) {
      const r0 = r * sh - padInfo.top;
      for (let c = 0; c < ow; c++) {
        const c0 = c * sw - padInfo.left;
        best.fill(-Infinity);
        where.fill(-1);
        for (let u = 0; u < ekh; u += dh) {
          const wr = r0 + u;
          if (wr < 0 || wr >= H) continue;
          for (let v = 0; v < ekw; v += dw) {
            const wc = c0 + v;
            if (wc < 0 || wc >= W) continue;
            const base = ((b * H + wr) * W + wc) * C;
            for (let d = 0; d < C; d++) {
              const val = x[base + d];
              if (val > best[d]) {
                best[d] = val;
                where[d] = base + d;
              }
            }
          }
        }
        const out = ((b * oh + r) * ow + c) * C;
        for (let d = 0; d < C; d++) if (where[d] >= 0) dx[where[d]] += dy[out + d];
      }
    }
  }
  return dx;
}

/**
 * The common 2x2, stride 2, unpadded pooling: windows do not overlap, so each output's gradient is
 * assigned to its first maximum (row-major) with no running arrays; what no window covers stays 0.
 */
function maxPool2x2GradFirstMax(x: Float32Array, dy: Float32Array, [B, H, W, C]: [number, number, number, number], oh: number, ow: number, dx: Float32Array): void {
  const row = W * C;
  for (let b = 0; b < B; b++) {
    for (let r = 0; r < oh; r++) {
      for (let c = 0; c < ow; c++) {
        const i00 = (b * H + 2 * r) * row + 2 * c * C;
        const o = ((b * oh + r) * ow + c) * C;
        for (let d = 0; d < C; d++) {
          // Unrolled (an array of the four offsets per value would allocate in this hot loop).
          const p = i00 + d;
          let m = -Infinity;
          let at = -1;
          if (x[p] > m) (m = x[p]), (at = p);
          if (x[p + C] > m) (m = x[p + C]), (at = p + C);
          if (x[p + row] > m) (m = x[p + row]), (at = p + row);
          if (x[p + row + C] > m) at = p + row + C;
          if (at >= 0) dx[at] = dy[o + d];
        }
      }
    }
  }
}

const maxPoolGrad: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const a = attrs as unknown as PoolAttrs;
  const shape = input.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo(shape, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const be = backend as tf.KernelBackend & { makeOutput?: (shape: number[], dtype: string) => tf.TensorInfo };
  if (typeof be.makeOutput === 'function') {
    // On the heap, no copies: the output first (allocating may move the heap), then the views.
    const out = be.makeOutput(shape, 'float32');
    const dxView = heapView(out, be);
    const xView = heapView(input, be);
    const dyView = heapView(dy, be);
    if (dxView && xView && dyView) {
      maxPoolGradFirstMax(xView, dyView, shape, info, dxView);
      return out;
    }
    be.disposeData(out.dataId);
  }
  const dx = maxPoolGradFirstMax(be.readSync(input.dataId) as Float32Array, be.readSync(dy.dataId) as Float32Array, shape, info);
  return tf.tensor4d(dx, shape);
};

/** Replaces MaxPoolGrad on `backendName` (WASM) by the first-max kernel. Idempotent. */
export function registerMaxPoolGradient(backendName = 'wasm'): void {
  replaceKernel('MaxPoolGrad', backendName, maxPoolGrad);
}
