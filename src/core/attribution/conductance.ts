/**
 * Layer conductance (the paper's contributions): integrated gradients from a baseline x0 to the
 * input x, accumulated at hidden layers. With alpha_i = i/S, x_i = x0 + alpha_i (x - x0),
 * a_i = a(x_i) and g_i = dF/da(x_i), each unit's contribution is the trapezoid sum
 *   C = sum_{i=1..S} 1/2 (g_{i-1} + g_i) * (a_i - a_{i-1}).
 * At a layer that is a cut of the graph, sum C -> F(x) - F(x0) as S grows (completeness).
 * All hooked layers come from one backward pass per chunk of alpha points (zero probes added to
 * their outputs), and the chunk is sized to a memory budget; the sum is trapezoid.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { check, throwIfAborted } from '../errors';
import type { HookableModel } from '../model/runner';
import { asMatrix, finishLayer, forwardAtX } from './finish';
import { alphaChunkFor, alphas, interpolate, makeBaseline, type BaselineSpec } from './path';
import type { AttributionResult, LayerAttribution } from './result';
import { targetFn, type TargetSpec } from './targets';
import { makeTrapezoid, type Trapezoid } from './trapezoid';

export interface AttributionProgress {
  done: number;
  total: number;
  stage: string;
}

export interface ConductanceOptions {
  /** Layers to attribute (names from exec.layers()). */
  layers: string[];
  /** Number of path steps S (S + 1 evaluations). Default 10, as the paper's figures. */
  steps?: number;
  /** Scalar target. Default: the logit of the class predicted at x, fixed along the path. */
  target?: TargetSpec;
  /** Baseline x0. Default zeros in the model's input space. */
  baseline?: BaselineSpec;
  /** Keep per-position maps (needed for heatmaps). Default false. */
  keepMaps?: boolean;
  /** Alpha points per pass; 0 picks it from memoryBudgetBytes. Default 0. */
  alphaChunk?: number;
  /** Memory budget for one pass's activations. Default 256 MiB. */
  memoryBudgetBytes?: number;
  /** Sum the trapezoid in JavaScript (host memory) or in tensor ops; default by backend (trapezoid.ts). */
  hostSum?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: AttributionProgress) => void;
}

const yieldToEventLoop = () => new Promise<void>((r) => setTimeout(r, 0));

export async function conductance(exec: HookableModel, x: tf.Tensor, options: ConductanceOptions): Promise<AttributionResult> {
  const { layers, steps = 10, target = { kind: 'logit' }, baseline = 'zeros', keepMaps = false, alphaChunk = 0, memoryBudgetBytes = 256 * 2 ** 20, hostSum, signal, onProgress } = options;
  check(Number.isInteger(steps) && steps >= 1, () => `conductance: steps must be an integer >= 1, but got ${steps}.`);
  check(layers.length > 0, () => `conductance: layers must name at least one layer, but got none.`);
  check(x.shape[0] > 0, () => `conductance: the input batch is empty.`);
  const infos = layers.map((l) => exec.layer(l));
  const b = x.shape[0];
  const fwd = await forwardAtX(exec, x, target);
  const x0 = makeBaseline(x, baseline);
  const perSample = exec.layers().reduce((s, l) => s + l.outputShape.reduce((p, d) => p * Math.max(d, 1), 1), 0);
  const size = infos.map((i) => i.outputShape.reduce((p, d) => p * d, 1));
  const chunk = alphaChunk > 0 ? Math.min(alphaChunk, steps + 1) : alphaChunkFor(memoryBudgetBytes, b, perSample, steps + 1, size.reduce((s, v) => s + v, 0));
  const tgt = targetFn(target);
  const classIdx = tf.tensor1d(fwd.classIdx.map((k) => Math.max(k, 0)), 'int32');

  const sums: Trapezoid[] = size.map((s) => makeTrapezoid(b * s, hostSum));
  const F0 = new Float32Array(b);
  const F1 = new Float32Array(b);
  try {
    for (let start = 0; start <= steps; start += chunk) {
      throwIfAborted(signal, 'conductance');
      const end = Math.min(steps, start + chunk - 1);
      const al = alphas(steps, start, end);
      const n = al.length;
      // One forward + backward over n*B interpolated inputs, all layers at once.
      const { a, g, f } = gradPass(exec, x0, x, al, layers, infos.map((i) => i.outputShape), tgt, classIdx);
      try {
        const fv = await f.data();
        if (start === 0) F0.set(fv.subarray(0, b));
        if (end === steps) F1.set(fv.subarray((n - 1) * b, n * b));
        // The trapezoid approximation of the path integral of g da, chunk by chunk.
        for (let l = 0; l < layers.length; l++) await sums[l].add(a[l], g[l], n);
      } finally {
        tf.dispose([...a, ...g, f]);
      }
      onProgress?.({ done: end + 1, total: steps + 1, stage: 'conductance' });
      await yieldToEventLoop();
    }
    const dF = F1.map((v, i) => v - F0[i]);
    const out = new Map<string, LayerAttribution>();
    for (let l = 0; l < layers.length; l++) out.set(layers[l], await sums[l].finish(layers[l], b, infos[l].outputShape, dF, infos[l].isCut, keepMaps));
    return { method: 'conductance', layers: out, F: F1, F0, targetClass: fwd.classIdx, probs: fwd.probs, numClasses: fwd.numClasses };
  } finally {
    for (const t of sums) t.dispose();
    tf.dispose([x0, classIdx]);
  }
}

/**
 * Activations, gradients dF/da and per-sample targets over the interpolated batch for alphas
 * `al`, rows alpha-first. The caller disposes every returned tensor.
 */
export function gradPass(
  exec: HookableModel,
  x0: tf.Tensor,
  x: tf.Tensor,
  al: number[],
  layers: string[],
  shapes: number[][],
  tgt: (z: tf.Tensor2D, k: tf.Tensor1D) => tf.Tensor1D,
  classIdx: tf.Tensor1D,
): { a: tf.Tensor[]; g: tf.Tensor[]; f: tf.Tensor1D } {
  const b = x.shape[0];
  const n = al.length;
  const xs = interpolate(x0, x, al);
  const kRep = tf.tile(classIdx, [n]);
  // tf.fill runs a kernel (a memset on WASM); tf.zeros would build each probe in JavaScript and copy it in.
  const probes = shapes.map((s) => tf.fill([n * b, ...s], 0));
  const a: tf.Tensor[] = [];
  let f: tf.Tensor1D | null = null;
  try {
    const fn = (...ps: tf.Tensor[]) => {
      const r = exec.run(xs, { probes: new Map(layers.map((l, i) => [l, ps[i]])), capture: layers });
      for (const l of layers) a.push(tf.keep(r.captured.get(l)!));
      const per = tgt(asMatrix(r.outputs[0]), kRep);
      f = tf.keep(per);
      return tf.sum(per) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(fn)(probes);
    value.dispose();
    return { a, g: grads, f: f! };
  } catch (e) {
    tf.dispose(a);
    throw e;
  } finally {
    tf.dispose([xs, kRep, ...probes]);
  }
}
