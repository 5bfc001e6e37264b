/**
 * Ganglion cells, the output: cell c pools bipolar terminal outputs t_j of a known subset of types
 * with a unit-sum Gaussian G_c around its centre, minus amacrine activity, then a softplus:
 *   g_c = sum_j w_cj <G_c, t_j> - sum_a h_ca <G_c, A_a> + b_c,   r_c = gain_c * softplus(g_c)
 * (r in spikes per frame). Spikes are Poisson counts with mean r.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';

export interface GanglionCell {
  id: string;
  /** Planted class (cells of a class share their wiring). */
  cellClass: string;
  /** Receptive-field centre [row, col] in bipolar grid coordinates. */
  center: [number, number];
  /** Width of the pooling Gaussian (grid steps). */
  sigma: number;
  /** w_cj >= 0: weight of each bipolar type (the simulator's bipolar order). */
  inputs: number[];
  /** h_ca >= 0: direct inhibition by each amacrine type. */
  amacrine: number[];
  bias: number;
  gain: number;
}

/** Pooling weights (grid*grid, nCells): each column a unit-sum Gaussian around the cell's centre. */
export function poolingMatrix(cells: readonly GanglionCell[], grid: number): Float32Array {
  const out = new Float32Array(grid * grid * cells.length);
  cells.forEach((c, k) => {
    check(c.sigma > 0, () => `poolingMatrix: cell ${c.id} needs sigma > 0, but got ${c.sigma}.`);
    let s = 0;
    for (let y = 0; y < grid; y++) for (let x = 0; x < grid; x++) {
      const v = Math.exp(-((y - c.center[0]) ** 2 + (x - c.center[1]) ** 2) / (2 * c.sigma * c.sigma));
      out[(y * grid + x) * cells.length + k] = v;
      s += v;
    }
    for (let i = 0; i < grid * grid; i++) out[i * cells.length + k] /= s;
  });
  return out;
}

/** <G_c, v_j> for every cell and channel: v (B, H, W, J), pool (H*W, C) -> (B, J, C). */
export function poolChannels(v: tf.Tensor4D, pool: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, h, w, j] = v.shape;
    const flat = tf.reshape(tf.transpose(tf.reshape(v, [b, h * w, j]), [0, 2, 1]), [b * j, h * w]);
    return tf.reshape(tf.matMul(flat, pool), [b, j, pool.shape[1]]) as tf.Tensor3D;
  });
}

/** Generator g (B, C) from pooled terminals (B, J, C), pooled amacrine (B, A, C) and the weights. */
export function generator(tPool: tf.Tensor3D, aPool: tf.Tensor3D, w: tf.Tensor2D, h: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.sub(tf.sum(tf.mul(tPool, w), 1), tf.sum(tf.mul(aPool, h), 1)), bias) as tf.Tensor2D);
}

/** Poisson counts with means `rates` (Knuth's method below 30, a rounded normal above). */
export function poissonSpikes(rates: ArrayLike<number>, random: () => number): Float32Array {
  const out = new Float32Array(rates.length);
  for (let i = 0; i < rates.length; i++) {
    const lam = rates[i];
    check(lam >= 0 && Number.isFinite(lam), () => `poissonSpikes: rates must be finite and >= 0, but got ${lam} at ${i}.`);
    if (lam < 30) {
      const l = Math.exp(-lam);
      let k = 0;
      let p = random();
      while (p > l) {
        k++;
        p *= random();
      }
      out[i] = k;
    } else {
      const u = Math.max(random(), 1e-12);
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
      out[i] = Math.max(0, Math.round(lam + Math.sqrt(lam) * z));
    }
  }
  return out;
}
