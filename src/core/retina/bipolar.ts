/**
 * Bipolar cells, the retina's first layer: 4 types (OFF/ON x fast/slow), each a separable linear
 * filter `polarity * S(y, x) * T(lag)` (S a difference of Gaussians, T a biphasic filter over the
 * window's frames), tiled over space by a valid convolution, then a rectifying threshold:
 *   u_j = (K_j * x)(y, x) - theta_j,   p_j = max(u_j, 0).
 * Filters have unit L2 norm, so a white-noise checkerboard of contrast c gives drives of std c.
 * The kernel's channel axis is the window's, oldest frame first (channel frames-1 = lag 0).
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';

export interface BipolarType {
  /** Name, e.g. `on-fast`. */
  id: string;
  /** +1 for ON (depolarised by light increments), -1 for OFF. */
  polarity: 1 | -1;
  /** Centre and surround Gaussian widths (pixels) and the surround's weight (1 = balanced). */
  centerSigma: number;
  surroundSigma: number;
  surroundWeight: number;
  /**
   * Temporal filter over lag l (frames): `G(l, tau1) - biphasic * G(l, tau2)` with gamma lobes
   * `G(l, tau) = (l/tau)^3 exp(-l/tau)` normalised to unit sum (peak at lag 3 tau).
   */
  tau1: number;
  tau2: number;
  biphasic: number;
  /** Rectification threshold theta (in drive units). */
  threshold: number;
}

/** The planted types, in the order of the simulator's bipolar channels. */
export const BIPOLAR_TYPES: readonly BipolarType[] = [
  { id: 'off-fast', polarity: -1, centerSigma: 1.3, surroundSigma: 3, surroundWeight: 0.6, tau1: 0.7, tau2: 1.5, biphasic: 0.9, threshold: 0.3 },
  { id: 'off-slow', polarity: -1, centerSigma: 0.9, surroundSigma: 2.5, surroundWeight: 0.4, tau1: 1.7, tau2: 3.6, biphasic: 0.3, threshold: 0.3 },
  { id: 'on-fast', polarity: 1, centerSigma: 1.3, surroundSigma: 3, surroundWeight: 0.6, tau1: 0.7, tau2: 1.5, biphasic: 0.9, threshold: 0.3 },
  { id: 'on-slow', polarity: 1, centerSigma: 0.9, surroundSigma: 2.5, surroundWeight: 0.4, tau1: 1.7, tau2: 3.6, biphasic: 0.3, threshold: 0.3 },
];

function unitNorm(v: Float32Array): Float32Array {
  const n = Math.hypot(...v) || 1;
  return v.map((a) => a / n);
}

/** The spatial profile S on a size x size grid centred at (size-1)/2, unit L2 norm (row-major). */
export function spatialFilter(t: BipolarType, size = 9): Float32Array {
  const c = (size - 1) / 2;
  const g = (r2: number, s: number) => Math.exp(-r2 / (2 * s * s)) / (2 * Math.PI * s * s);
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r2 = (y - c) ** 2 + (x - c) ** 2;
      out[y * size + x] = g(r2, t.centerSigma) - t.surroundWeight * g(r2, t.surroundSigma);
    }
  }
  return unitNorm(out);
}

/** The temporal profile T over lags 0..frames-1 (index = lag), unit L2 norm. */
export function temporalFilter(t: BipolarType, frames = 20): Float32Array {
  const lobe = (tau: number) => {
    const v = Float32Array.from({ length: frames }, (_, l) => (l / tau) ** 3 * Math.exp(-l / tau));
    const s = v.reduce((a, b) => a + b, 0);
    return v.map((a) => a / s);
  };
  const a = lobe(t.tau1);
  const b = lobe(t.tau2);
  return unitNorm(a.map((v, l) => v - t.biphasic * b[l]));
}

/** One type's kernel as size x size x frames (HWC, channel k = lag frames-1-k), unit L2 norm. */
export function bipolarFilter(t: BipolarType, size = 9, frames = 20): Float32Array {
  const s = spatialFilter(t, size);
  const tf_ = temporalFilter(t, frames);
  const out = new Float32Array(size * size * frames);
  for (let i = 0; i < size * size; i++) {
    for (let k = 0; k < frames; k++) out[i * frames + k] = t.polarity * s[i] * tf_[frames - 1 - k];
  }
  return out;
}

/** The conv kernel of all types: (size, size, frames, types). */
export function bipolarKernel(types: readonly BipolarType[], size = 9, frames = 20): tf.Tensor4D {
  check(types.length > 0, () => `bipolarKernel: types must hold at least one type, but got none.`);
  const filters = types.map((t) => bipolarFilter(t, size, frames));
  const data = new Float32Array(size * size * frames * types.length);
  for (let i = 0; i < size * size * frames; i++) filters.forEach((f, j) => (data[i * types.length + j] = f[i]));
  return tf.tensor4d(data, [size, size, frames, types.length]);
}

/** Thresholded drive u - theta of every type at every valid position: (B, H-size+1, W-size+1, types). */
export function bipolarDrive(x: tf.Tensor4D, kernel: tf.Tensor4D, thresholds: tf.Tensor1D): tf.Tensor4D {
  check(x.rank === 4 && x.shape[3] === kernel.shape[2], () => `bipolarDrive: x must be (B, H, W, ${kernel.shape[2]}), but got [${x.shape}].`);
  return tf.tidy(() => tf.sub(tf.conv2d(x, kernel, 1, 'valid'), thresholds));
}
