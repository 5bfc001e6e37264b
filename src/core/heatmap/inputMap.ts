/**
 * A mode's heatmap at input resolution: the gradient of the target flowing through the mode's
 * channels only, `g_x = sum_{u in channels} dF/dh_u * dh_u/dx`, times the input (signed, summed
 * over colour channels), and the reference's masked recipe (DESIGN.md section 3).
 */
import * as tf from '@tensorflow/tfjs';
import { gradPass } from '../attribution/conductance';
import { targetFn, type TargetSpec } from '../attribution/targets';
import { check } from '../errors';
import type { HookableModel } from '../model/runner';

export interface InputMapResult {
  /** sum over colour channels of g_x * x: (H, W). */
  signed: Float32Array;
  /** g_x * x per colour channel: (H, W, Cin). */
  gradXInput: Float32Array;
}

/** Gradient x input through `channels` of `layer` for one image x (1, H, W, Cin). */
export async function inputModeMap(exec: HookableModel, x: tf.Tensor4D, layer: string, channels: number[], target: TargetSpec, classIndex: number): Promise<InputMapResult> {
  check(x.shape[0] === 1, () => `inputModeMap: expected one image, but got a batch of ${x.shape[0]}.`);
  const info = exec.layer(layer);
  const c = info.outputShape[info.outputShape.length - 1];
  const tgt = targetFn(target);
  const k = tf.tensor1d([classIndex], 'int32');
  const x0 = tf.zerosLike(x);
  const { a, g, f } = gradPass(exec, x0, x, [1], [layer], [info.outputShape], tgt, k);
  try {
    const gx = tf.tidy(() => {
      const sel = new Float32Array(c);
      for (const ch of channels) sel[ch] = 1;
      // dF/dh held constant, masked to the mode's channels: d/dx sum_u w_u h_u(x).
      const w = tf.mul(g[0], tf.tensor1d(sel));
      return tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(exec.run(xx, { capture: [layer] }).captured.get(layer)!, w)))(x);
    });
    const gxi = tf.tidy(() => tf.mul(gx, x));
    const signed = tf.tidy(() => tf.sum(gxi, -1));
    try {
      return { signed: (await signed.data()) as Float32Array, gradXInput: (await gxi.data()) as Float32Array };
    } finally {
      tf.dispose([gx, gxi, signed]);
    }
  } finally {
    tf.dispose([...a, ...g, f, k, x0]);
  }
}

/**
 * The reference's mask from g_x * x (H, W, Cin): absolute value, median filter per colour
 * channel (window `size`), mean over channels, min-max normalise, times `gain`, clipped to [0, 1].
 */
export function referenceMask(gradXInput: Float32Array, h: number, w: number, cin: number, { size = 4, gain = 7 }: { size?: number; gain?: number } = {}): Float32Array {
  check(gradXInput.length === h * w * cin, () => `referenceMask: expected ${h}x${w}x${cin} values, but got ${gradXInput.length}.`);
  const mean = new Float32Array(h * w);
  const lo = -Math.floor(size / 2);
  const buf: number[] = [];
  for (let ch = 0; ch < cin; ch++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        buf.length = 0;
        for (let dy = lo; dy < lo + size; dy++) {
          for (let dx = lo; dx < lo + size; dx++) {
            // Reflect at the edges (as scipy.ndimage's default 'reflect' mode).
            const yy = reflect(y + dy, h);
            const xx = reflect(x + dx, w);
            buf.push(Math.abs(gradXInput[(yy * w + xx) * cin + ch]));
          }
        }
        buf.sort((a, b) => a - b);
        mean[y * w + x] += buf[Math.floor(buf.length / 2)] / cin;
      }
    }
  }
  let mn = Infinity;
  let mx = -Infinity;
  for (const v of mean) {
    mn = Math.min(mn, v);
    mx = Math.max(mx, v);
  }
  const span = mx - mn;
  return mean.map((v) => (span > 0 ? Math.min(1, Math.max(0, ((v - mn) / span) * gain)) : 0));
}

function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  let j = i;
  while (j < 0 || j >= n) j = j < 0 ? -j - 1 : 2 * n - j - 1;
  return j;
}
