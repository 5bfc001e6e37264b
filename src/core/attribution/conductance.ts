/**
 * Layer conductance (the paper's contributions): integrated gradients from a baseline x0 to the
 * input x, accumulated at hidden layers. With alpha_i = i/S, x_i = x0 + alpha_i (x - x0),
 * a_i = a(x_i) and g_i = dF/da(x_i), each unit's contribution is the trapezoid sum
 *   C = sum_{i=1..S} 1/2 (g_{i-1} + g_i) * (a_i - a_{i-1}).
 * At a layer that is a cut of the graph, sum C -> F(x) - F(x0) as S grows (completeness).
 * All hooked layers come from one backward pass per chunk of alpha points (zero probes added to
 * their outputs), and the chunk is sized to a memory budget; the sum is trapezoid.ts. The path
 * runs from x down, so the first pass is also the forward pass at x.
 */
import * as tf from '@tensorflow/tfjs';
import { check, throwIfAborted } from '../errors';
import type { HookableModel } from '../model/runner';
import { asMatrix, checkClassRange, givenClasses } from './finish';
import { alphaChunkFor, alphas, interpolate, makeBaseline, type BaselineSpec } from './path';
import type { AttributionResult, LayerAttribution } from './result';
import { needsClass, targetFn, type TargetSpec } from './targets';
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
  const given = givenClasses(target, b);
  const x0 = makeBaseline(x, baseline);
  const perSample = exec.layers().reduce((s, l) => s + l.outputShape.reduce((p, d) => p * Math.max(d, 1), 1), 0);
  const size = infos.map((i) => i.outputShape.reduce((p, d) => p * d, 1));
  const chunk = alphaChunk > 0 ? Math.min(alphaChunk, steps + 1) : alphaChunkFor(memoryBudgetBytes, b, perSample, steps + 1, size.reduce((s, v) => s + v, 0));
  const tgt = targetFn(target);
  // The class per image: given, or (for a class target) the one predicted at x, fixed along the
  // path, which the first pass finds; -1 where the target has none.
  let classIdx: tf.Tensor1D | null = given ? tf.tensor1d(given, 'int32') : needsClass(target) ? null : tf.zeros([b], 'int32');
  let targetClass = given ?? new Int32Array(b).fill(-1);
  let probs: Float32Array = new Float32Array(0);
  let numClasses = 0;

  // The path runs from x (alpha = 1) down to the baseline, so that the first pass is also the
  // forward pass at x (its probabilities and predicted classes): no separate one.
  const sums: Trapezoid[] = size.map((s) => makeTrapezoid(b * s, hostSum, 'descending'));
  const F0 = new Float32Array(b);
  const F1 = new Float32Array(b);
  try {
    for (let end = steps; end >= 0; end -= chunk) {
      throwIfAborted(signal, 'conductance');
      const start = Math.max(0, end - chunk + 1);
      const al = alphas(steps, start, end).reverse();
      const n = al.length;
      const first = end === steps;
      // One forward + backward over n*B interpolated inputs, all layers at once.
      const { a, g, f, zx, k } = gradPass(exec, x0, x, al, layers, infos.map((i) => i.outputShape), tgt, classIdx, first);
      // The classes found in the pass serve the rest of the path (and are disposed with it).
      if (k) classIdx = k;
      try {
        if (first) {
          numClasses = zx!.shape[1];
          const p = tf.softmax(zx!);
          try {
            probs = (await p.data()) as Float32Array;
          } finally {
            p.dispose();
          }
          if (given) checkClassRange(given, numClasses);
          else if (k) targetClass = Int32Array.from(await k.data());
        }
        const fv = await f.data();
        if (first) F1.set(fv.subarray(0, b));
        if (start === 0) F0.set(fv.subarray((n - 1) * b, n * b));
        // The trapezoid approximation of the path integral of g da, chunk by chunk.
        for (let l = 0; l < layers.length; l++) await sums[l].add(a[l], g[l], n);
      } finally {
        tf.dispose([...a, ...g, f, ...(zx ? [zx] : [])]);
      }
      onProgress?.({ done: steps + 1 - start, total: steps + 1, stage: 'conductance' });
      await yieldToEventLoop();
    }
    const dF = F1.map((v, i) => v - F0[i]);
    const out = new Map<string, LayerAttribution>();
    for (let l = 0; l < layers.length; l++) out.set(layers[l], await sums[l].finish(layers[l], b, infos[l].outputShape, dF, infos[l].isCut, keepMaps));
    return { method: 'conductance', layers: out, F: F1, F0, targetClass, probs, numClasses };
  } finally {
    for (const t of sums) t.dispose();
    tf.dispose([x0, ...(classIdx ? [classIdx] : [])]);
  }
}

/**
 * Activations, gradients dF/da and per-sample targets over the interpolated batch for alphas
 * `al`, rows in the order of `al`. With `atX` the first B rows are x (al[0] = 1): their outputs
 * come back as `zx`, and when `classIdx` is null each image's class is the one predicted there
 * (`k`, argmax of `zx`), fixed for the whole batch. The caller disposes every returned tensor.
 */
export function gradPass(
  exec: HookableModel,
  x0: tf.Tensor,
  x: tf.Tensor,
  al: number[],
  layers: string[],
  shapes: number[][],
  tgt: (z: tf.Tensor2D, k: tf.Tensor1D) => tf.Tensor1D,
  classIdx: tf.Tensor1D | null,
  atX = false,
): { a: tf.Tensor[]; g: tf.Tensor[]; f: tf.Tensor1D; zx?: tf.Tensor2D; k?: tf.Tensor1D } {
  const b = x.shape[0];
  const n = al.length;
  check(classIdx !== null || (atX && al[0] === 1), () => `gradPass: without classes the first alpha must be 1 (x), but got ${al[0]}.`);
  const xs = interpolate(x0, x, al);
  // tf.fill runs a kernel (a memset on WASM); tf.zeros would build each probe in JavaScript and copy it in.
  const probes = shapes.map((s) => tf.fill([n * b, ...s], 0));
  const a: tf.Tensor[] = [];
  let f: tf.Tensor1D | null = null;
  let zx: tf.Tensor2D | undefined;
  let k: tf.Tensor1D | undefined;
  try {
    const fn = (...ps: tf.Tensor[]) => {
      const r = exec.run(xs, { probes: new Map(layers.map((l, i) => [l, ps[i]])), capture: layers });
      for (const l of layers) a.push(tf.keep(r.captured.get(l)!));
      const z = asMatrix(r.outputs[0]);
      if (atX) zx = tf.keep(z.slice([0, 0], [b, -1]));
      // argMax has no gradient to pass on: the class is a constant of the path.
      const cls = classIdx ?? (k = tf.keep(tf.argMax(zx!, 1) as tf.Tensor1D));
      const per = tgt(z, n === 1 ? cls : tf.tile(cls, [n]));
      f = tf.keep(per);
      return tf.sum(per) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(fn)(probes);
    value.dispose();
    return { a, g: grads, f: f!, zx, k };
  } catch (e) {
    tf.dispose([...a, ...(zx ? [zx] : []), ...(k ? [k] : []), ...(f ? [f] : [])]);
    throw e;
  } finally {
    tf.dispose([xs, ...probes]);
  }
}
