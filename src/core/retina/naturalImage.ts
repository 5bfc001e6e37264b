/**
 * Natural-like images: Gaussian noise with a 1/f^2 power spectrum (amplitude 1/f), the second-order
 * statistics of natural scenes. Built in plain JS by an inverse DFT (separable, O(n^3)): stimuli are
 * inputs, never differentiated. Values are contrasts: zero mean, RMS contrast `rms`, clipped to [-1, 1].
 */
import { check } from '../errors';

export interface NaturalImageOptions {
  /** Side in pixels. Default 64. */
  size?: number;
  /** RMS contrast after normalising. Default 0.35. */
  rms?: number;
  /** Spectral exponent of the power (power ~ 1/f^exponent). Default 2. */
  exponent?: number;
}

/** A size x size image (row-major) of 1/f^exponent noise drawn with `random`. */
export function naturalImage(random: () => number, { size = 64, rms = 0.35, exponent = 2 }: NaturalImageOptions = {}): Float32Array {
  check(Number.isInteger(size) && size >= 4, () => `naturalImage: size must be an integer >= 4, but got ${size}.`);
  check(rms > 0, () => `naturalImage: rms must be > 0, but got ${rms}.`);
  const n = size;
  // Random spectrum: amplitude f^(-exponent/2) (power 1/f^exponent), uniform phase. Taking the
  // real part of the inverse DFT keeps the spectrum's shape (a Hermitian symmetrisation up to 2x).
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < n; v++) {
      const fu = u <= n / 2 ? u : u - n;
      const fv = v <= n / 2 ? v : v - n;
      const f = Math.hypot(fu, fv);
      const amp = f === 0 ? 0 : f ** (-exponent / 2);
      const ph = 2 * Math.PI * random();
      re[u * n + v] = amp * Math.cos(ph);
      im[u * n + v] = amp * Math.sin(ph);
    }
  }
  const cos = Float64Array.from({ length: n }, (_, k) => Math.cos((2 * Math.PI * k) / n));
  const sin = Float64Array.from({ length: n }, (_, k) => Math.sin((2 * Math.PI * k) / n));
  // Inverse DFT along rows, then columns: x[r, c] = sum_u sum_v X[u, v] e^{2 pi i (u r + v c) / n}.
  const tr = new Float64Array(n * n);
  const ti = new Float64Array(n * n);
  for (let u = 0; u < n; u++) {
    for (let c = 0; c < n; c++) {
      let sr = 0;
      let si = 0;
      for (let v = 0; v < n; v++) {
        const k = (v * c) % n;
        const a = re[u * n + v];
        const b = im[u * n + v];
        sr += a * cos[k] - b * sin[k];
        si += a * sin[k] + b * cos[k];
      }
      tr[u * n + c] = sr;
      ti[u * n + c] = si;
    }
  }
  const out = new Float32Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let u = 0; u < n; u++) {
        const k = (u * r) % n;
        s += tr[u * n + c] * cos[k] - ti[u * n + c] * sin[k];
      }
      out[r * n + c] = s;
    }
  }
  return normalise(out, rms);
}

/** Zero mean, RMS `rms`, clipped to [-1, 1]. */
function normalise(img: Float32Array, rms: number): Float32Array {
  let m = 0;
  for (const v of img) m += v;
  m /= img.length;
  let ss = 0;
  for (const v of img) ss += (v - m) ** 2;
  const sd = Math.sqrt(ss / img.length) || 1;
  return img.map((v) => Math.max(-1, Math.min(1, ((v - m) / sd) * rms)));
}
