/**
 * The simulated retina as one differentiable tfjs function of the model's input window
 * x (B, size, size, frames) (time as channels, oldest first):
 *   bipolar   u_j = K_j * x - theta_j,  p_j = max(u_j, 0)                        (B, G, G, 4)
 *   amacrine  A_a = G_a * (sum_j v_aj p_j)                                        (B, G, G, 2)
 *   terminals t_j = max(u_j - sum_a g_ja A_a, 0)   (the only other rectifier)
 *   ganglion  r_c = gain_c softplus(sum_j w_cj <G_c, t_j> - sum_a h_ca <G_c, A_a> + b_c)
 * with G = size - kernelSize + 1 (12 for the defaults). Deterministic: no randomness inside; the
 * stimuli and the Poisson spikes take seeds.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import { AMACRINE_TYPES, TERMINAL_INHIBITION, amacrineActivity, amacrineKernel, inhibitionTensor, terminalInput, type AmacrineType } from './amacrine';
import { BIPOLAR_TYPES, bipolarDrive, bipolarKernel, type BipolarType } from './bipolar';
import { generator, poolChannels, poolingMatrix, type GanglionCell } from './ganglion';

export interface RetinaSpec {
  /** Stimulus side in pixels. */
  size: number;
  /** Frames in the input window. */
  frames: number;
  /** Side of the bipolar filters. */
  kernelSize: number;
  bipolar: BipolarType[];
  amacrine: AmacrineType[];
  /** g_ja, rows: bipolar types, columns: amacrine types. */
  inhibition: number[][];
  cells: GanglionCell[];
}

/** Wiring by class, weights over [off-fast, off-slow, on-fast, on-slow] and [narrow, wide]. */
const CLASSES: Record<string, { inputs: number[]; amacrine: number[]; bias: number }> = {
  'ON transient': { inputs: [0, 0, 6, 1.5], amacrine: [1.5, 0], bias: -1.5 },
  'OFF sustained': { inputs: [1.5, 6, 0, 0], amacrine: [1.5, 0], bias: -1.5 },
  'ON sustained': { inputs: [0, 0, 0, 6], amacrine: [1, 0], bias: -1.5 },
  'ON-OFF object motion': { inputs: [5, 0, 5, 0], amacrine: [0, 4], bias: -1 },
};

/** Cells interleaved by class (so that no tie-break in clustering can follow the order). */
const PLACES: [string, [number, number]][] = [
  ['ON transient', [4, 4]],
  ['OFF sustained', [4, 7]],
  ['ON sustained', [5, 6]],
  ['ON-OFF object motion', [5, 5]],
  ['ON transient', [7, 7]],
  ['OFF sustained', [7, 4]],
  ['ON sustained', [6, 3]],
  ['ON-OFF object motion', [7, 6]],
];

/** The default retina: 4 bipolar types, 2 amacrine types, 8 ganglion cells in 4 classes. */
export function defaultRetinaSpec(): RetinaSpec {
  return {
    size: 20,
    frames: 20,
    kernelSize: 9,
    bipolar: BIPOLAR_TYPES.map((t) => ({ ...t })),
    amacrine: AMACRINE_TYPES.map((a) => ({ ...a, inputs: [...a.inputs] })),
    inhibition: TERMINAL_INHIBITION.map((r) => [...r]),
    cells: PLACES.map(([cls, center], i) => ({
      id: `g${i}`,
      cellClass: cls,
      center,
      sigma: 1.5,
      inputs: [...CLASSES[cls].inputs],
      amacrine: [...CLASSES[cls].amacrine],
      bias: CLASSES[cls].bias,
      gain: 2,
    })),
  };
}

/** Every intermediate of one simulator pass (all (B, ...)). */
export interface RetinaStages {
  /** Thresholded bipolar drive u (B, G, G, types). */
  drive: tf.Tensor4D;
  /** Rectified bipolar output p = max(u, 0). */
  bipolar: tf.Tensor4D;
  /** Amacrine activity A (B, G, G, amacrine types). */
  amacrine: tf.Tensor4D;
  /** Bipolar terminal input u - inhibition, and the terminal output t = max(that, 0). */
  terminalInput: tf.Tensor4D;
  terminal: tf.Tensor4D;
  /** Ganglion generator g (B, cells). */
  generator: tf.Tensor2D;
  /** Firing rate r (B, cells), spikes per frame. */
  rate: tf.Tensor2D;
}

export class Retina {
  readonly grid: number;
  private readonly t: {
    kernel: tf.Tensor4D;
    thresholds: tf.Tensor1D;
    amacrine: tf.Tensor4D;
    inhibition: tf.Tensor2D;
    pool: tf.Tensor2D;
    w: tf.Tensor2D;
    h: tf.Tensor2D;
    bias: tf.Tensor1D;
    gain: tf.Tensor1D;
  };

  constructor(readonly spec: RetinaSpec = defaultRetinaSpec()) {
    const { size, frames, kernelSize, bipolar, amacrine, cells } = spec;
    check(kernelSize <= size, () => `Retina: kernelSize ${kernelSize} exceeds the stimulus size ${size}.`);
    check(spec.inhibition.length === bipolar.length, () => `Retina: inhibition needs ${bipolar.length} rows, but got ${spec.inhibition.length}.`);
    for (const c of cells) {
      check(c.inputs.length === bipolar.length && c.amacrine.length === amacrine.length, () => `Retina: cell ${c.id} needs ${bipolar.length} inputs and ${amacrine.length} amacrine weights.`);
    }
    this.grid = size - kernelSize + 1;
    this.t = {
      kernel: bipolarKernel(bipolar, kernelSize, frames),
      thresholds: tf.tensor1d(bipolar.map((b) => b.threshold)),
      amacrine: amacrineKernel(amacrine, bipolar.length),
      inhibition: inhibitionTensor(spec.inhibition, amacrine.length),
      pool: tf.tensor2d(poolingMatrix(cells, this.grid), [this.grid * this.grid, cells.length]),
      w: tf.tensor2d(bipolar.flatMap((_, j) => cells.map((c) => c.inputs[j])), [bipolar.length, cells.length]),
      h: tf.tensor2d(amacrine.flatMap((_, a) => cells.map((c) => c.amacrine[a])), [amacrine.length, cells.length]),
      bias: tf.tensor1d(cells.map((c) => c.bias)),
      gain: tf.tensor1d(cells.map((c) => c.gain)),
    };
  }

  get numCells(): number {
    return this.spec.cells.length;
  }

  /** Every stage for inputs x (B, size, size, frames). The caller disposes them (or runs in tidy). */
  stages(x: tf.Tensor4D): RetinaStages {
    const { size, frames } = this.spec;
    check(x.rank === 4 && x.shape[1] === size && x.shape[2] === size && x.shape[3] === frames, () => `Retina: x must be (B, ${size}, ${size}, ${frames}), but got [${x.shape}].`);
    const t = this.t;
    const drive = bipolarDrive(x, t.kernel, t.thresholds);
    const bipolar = tf.relu(drive) as tf.Tensor4D;
    const amacrine = amacrineActivity(bipolar, t.amacrine);
    const terminalIn = terminalInput(drive, amacrine, t.inhibition);
    const terminal = tf.relu(terminalIn) as tf.Tensor4D;
    const gen = tf.tidy(() => generator(poolChannels(terminal, t.pool), poolChannels(amacrine, t.pool), t.w, t.h, t.bias));
    const rate = tf.tidy(() => tf.mul(tf.softplus(gen), t.gain) as tf.Tensor2D);
    return { drive, bipolar, amacrine, terminalInput: terminalIn, terminal, generator: gen, rate };
  }

  /** Firing rates (B, cells) for inputs x, spikes per frame. */
  rates(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.stages(x).rate);
  }

  /** Rates of many windows in batches, as a Float32Array (N x cells). */
  ratesOf(data: Float32Array, n: number, batch = 256): Float32Array {
    const { size, frames } = this.spec;
    const per = size * size * frames;
    check(data.length === n * per, () => `Retina.ratesOf: data must hold ${n} x ${per} values, but got ${data.length}.`);
    const out = new Float32Array(n * this.numCells);
    for (let s = 0; s < n; s += batch) {
      const e = Math.min(n, s + batch);
      const r = tf.tidy(() => this.rates(tf.tensor4d(data.subarray(s * per, e * per), [e - s, size, size, frames])));
      out.set(r.dataSync(), s * this.numCells);
      r.dispose();
    }
    return out;
  }

  dispose(): void {
    tf.dispose(Object.values(this.t));
  }
}
