/**
 * The benchmark's workloads, shared by Node (bench/run.ts) and the browser page
 * (bench/browser/main.ts): conductance against its floor and against one layer, and SAE training
 * epochs. No Node-only modules here.
 */
import * as tf from '@tensorflow/tfjs';
import { conductance } from '../src/core/attribution/conductance';
import type { Executor } from '../src/core/model/executor';
import { trainSae } from '../src/core/sae';
import type { SaeKind } from '../src/core/sae';
import { time, timeInterleaved } from './timing';

export interface Measure {
  section: string;
  what: string;
  value: number;
  unit: string;
  goal?: string;
}

/** A row of the results file and the printed table: a measure, on which model and backend. */
export interface BenchRow extends Measure {
  model: string;
  backend: string;
  /** PyTorch rows: its conductance time per image and its thread count (for the browser comparison). */
  torch?: { msPerImage: number; threads: number };
}

/** The floor of conductance: one forward + backward pass over the (S+1)·B interpolated inputs. */
export async function floorPass(exec: Executor, x: tf.Tensor, layer: string, steps: number): Promise<void> {
  const g = tf.tidy(() => {
    const xs = tf.tile(x, [steps + 1, 1, 1, 1]);
    const info = exec.layer(layer);
    const probe = tf.fill([xs.shape[0], ...info.outputShape], 0);
    return tf.grad((p: tf.Tensor) => tf.sum(exec.run(xs, { probes: new Map([[layer, p]]) }).outputs[0]))(probe);
  });
  // An async read, as the engine's own (a synchronous one loses a WebGPU device).
  await g.data();
  g.dispose();
}

/** Conductance of `layers` on b random images vs its floor and vs the first layer alone. */
export async function conductanceMeasures(exec: Executor, input: number[], layers: string[], b: number, steps: number, reps: number, warm = 1): Promise<Measure[]> {
  const x = tf.randomUniform([b, ...input], 0, 1, 'float32', 1);
  try {
    const first = layers[0];
    const [tCond, tFloor, tOne] = await timeInterleaved([() => conductance(exec, x, { layers, steps }), () => floorPass(exec, x, first, steps), () => conductance(exec, x, { layers: [first], steps })], reps, warm);
    return [
      { section: 'conductance vs floor', what: `time(conductance ${b} img, ${steps} steps, ${layers.length} layers) / time(fwd+bwd over ${(steps + 1) * b})`, value: tCond / tFloor, unit: 'x', goal: '<= 1.3' },
      { section: 'conductance', what: `ms per image (${steps} steps, ${layers.length} layers)`, value: tCond / b, unit: 'ms' },
      { section: 'many layers', what: `time(${layers.length} layers) / time(1 layer)`, value: tCond / tOne, unit: 'x', goal: '<= 1.3' },
    ];
  } finally {
    x.dispose();
  }
}

/**
 * SAE training speed at a layer's size: n rows of d random non-negative-ish values (the shape of
 * a demo layer's per-image contributions), `epochs` epochs with the default batch (128) and K = 3d.
 * Time per epoch is the median gap between epoch callbacks (the first epoch includes the warm-up).
 */
export async function saeMeasures(kind: SaeKind, n: number, d: number, epochs: number): Promise<Measure[]> {
  const data = new Float32Array(n * d);
  let s = 1;
  for (let i = 0; i < data.length; i++) {
    s = (s * 16807) % 2147483647;
    data[i] = ((s / 2147483647) ** 3) * (i % 7 === 0 ? -1 : 1);
  }
  const stamps: number[] = [performance.now()];
  // Plain epochs (no revival, no threshold warm-up) so an epoch is the same work as PyTorch's.
  const sae = await trainSae(data, n, d, { kind, maxEpochs: epochs, patience: epochs + 1, lrPatience: epochs + 1, seed: 1, revive: false, tauWarmup: 0, onEpoch: () => stamps.push(performance.now()) });
  const K = sae.K; // the default K is capped for small sets
  const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
  const steady = gaps.length > 1 ? gaps.slice(1) : gaps;
  steady.sort((a, b) => a - b);
  const perEpoch = steady[Math.floor(steady.length / 2)];
  const trainRows = Math.round(n * 0.9);
  return [
    { section: 'SAE training', what: `${kind} d=${d} K=${K}, ${n} rows: ms per epoch`, value: perEpoch, unit: 'ms' },
    { section: 'SAE training', what: `${kind} d=${d} K=${K}: samples/s`, value: trainRows / (perEpoch / 1000), unit: '/s' },
  ];
}
