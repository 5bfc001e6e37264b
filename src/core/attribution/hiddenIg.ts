/**
 * Hidden-path integrated gradients: a straight line *in the layer*, from a0 (the baseline's
 * activation a(x0), or zero) to a = a(x), through the part of the network after the layer only:
 *   M = (a - a0) * mean_i dF/da (a0 + alpha_i (a - a0)),   alpha_i = i/S, trapezoid weights.
 * It sums to F_after(a) - F_after(a0) at any layer (the completeness reported is against that),
 * and costs only the suffix of the network per step. Tensors that bypass the layer (skip paths)
 * are held at their values for x. Top-level layers only.
 */
import * as tf from '@tensorflow/tfjs';
import { check, throwIfAborted } from '../errors';
import { disposeFrontier, frontierOutput, type HookableModel } from '../model/runner';
import type { AttributionProgress } from './conductance';
import { asMatrix, finishLayer, forwardAtX } from './finish';
import { alphaChunkFor, alphas, makeBaseline, type BaselineSpec } from './path';
import type { AttributionResult, LayerAttribution } from './result';
import { targetFn, type TargetSpec } from './targets';

export interface HiddenIgOptions {
  layers: string[];
  steps?: number;
  target?: TargetSpec;
  /** Input baseline x0 whose activation is a0 (when from = 'baseline'). Default zeros. */
  baseline?: BaselineSpec;
  /** Start of the path in the layer: a(x0) (default) or zero. */
  from?: 'baseline' | 'zero';
  keepMaps?: boolean;
  /** Alpha points per pass. Default 11, or from memoryBudgetBytes when that is given. */
  alphaChunk?: number;
  /** Memory budget of one pass (sizes the alpha chunk as conductance does; an upper bound here, since only the rest of the network runs). */
  memoryBudgetBytes?: number;
  signal?: AbortSignal;
  onProgress?: (p: AttributionProgress) => void;
}

export async function hiddenPathIg(exec: HookableModel, x: tf.Tensor, options: HiddenIgOptions): Promise<AttributionResult> {
  const { layers, steps = 10, target = { kind: 'logit' }, baseline = 'zeros', from = 'baseline', keepMaps = false, memoryBudgetBytes, signal, onProgress } = options;
  const floats = (shape: number[]) => shape.reduce((p, d) => p * Math.max(d, 1), 1);
  const perSample = exec.layers().reduce((s, l) => s + floats(l.outputShape), 0);
  const chunkFor = (layer: string) =>
    options.alphaChunk && options.alphaChunk > 0 ? options.alphaChunk : memoryBudgetBytes ? alphaChunkFor(memoryBudgetBytes, x.shape[0], perSample, steps + 1, floats(exec.layer(layer).outputShape)) : 11;
  check(Number.isInteger(steps) && steps >= 1, () => `hiddenPathIg: steps must be an integer >= 1, but got ${steps}.`);
  check(layers.length > 0, () => `hiddenPathIg: layers must name at least one layer, but got none.`);
  const b = x.shape[0];
  const fwd = await forwardAtX(exec, x, target);
  const tgt = targetFn(target);
  const classIdx = tf.tensor1d(fwd.classIdx.map((k) => Math.max(k, 0)), 'int32');
  const x0 = makeBaseline(x, baseline);
  const out = new Map<string, LayerAttribution>();
  let F = new Float32Array(b);
  let F0 = new Float32Array(b);
  try {
    for (const [li, layer] of layers.entries()) {
      const info = exec.layer(layer);
      const alphaChunk = chunkFor(layer);
      check(!info.nested, () => `hiddenPathIg: ${layer} is inside a nested model; use conductance there.`);
      const fx = exec.forwardTo(x, layer);
      const fx0 = exec.forwardTo(x0, layer);
      const outId = fx.outputKey;
      const a = frontierOutput(fx);
      const a0 = from === 'zero' ? tf.zerosLike(a) : frontierOutput(fx0).clone();
      disposeFrontier(fx0);
      let gSum = tf.zerosLike(a);
      const Fa = new Float32Array(b);
      const Fa0 = new Float32Array(b);
      try {
        for (let start = 0; start <= steps; start += alphaChunk) {
          throwIfAborted(signal, 'hiddenPathIg');
          const end = Math.min(steps, start + alphaChunk - 1);
          const al = alphas(steps, start, end);
          const n = al.length;
          const [next, fv] = tf.tidy(() => {
            const diff = tf.sub(a, a0);
            const path = tf.concat(al.map((t) => tf.add(a0, tf.mul(diff, t))), 0);
            const tiled = new Map<string, tf.Tensor>();
            for (const [id, t] of fx.tensors) if (id !== outId) tiled.set(id, tf.tile(t, [n, ...Array(t.rank - 1).fill(1)]));
            const kRep = tf.tile(classIdx, [n]);
            let fKept: tf.Tensor | null = null;
            const { grad } = tf.valueAndGrad((p: tf.Tensor) => {
              const env = new Map(tiled).set(outId, p);
              const r = exec.runFrom({ layer, outputKey: outId, tensors: env });
              const per = tgt(asMatrix(r.outputs[0]), kRep);
              fKept = tf.keep(per);
              return tf.sum(per) as tf.Scalar;
            })(path);
            // Trapezoid weights: 1/(2S) at alpha = 0 and 1, 1/S inside.
            const w = tf.tensor1d(al.map((t) => (t === 0 || t === 1 ? 0.5 : 1) / steps));
            const g = tf.reshape(grad, [n, -1]);
            const add = tf.reshape(tf.sum(tf.mul(g, tf.reshape(w, [n, 1])), 0), a.shape);
            return [tf.add(gSum, add), fKept!];
          });
          const fvals = await fv.data();
          if (start === 0) Fa0.set(fvals.subarray(0, b));
          if (end === steps) Fa.set(fvals.subarray((n - 1) * b));
          fv.dispose();
          gSum.dispose();
          gSum = next;
          onProgress?.({ done: li * (steps + 1) + end + 1, total: layers.length * (steps + 1), stage: 'hidden-ig' });
          await new Promise((r) => setTimeout(r, 0));
        }
        const m = tf.tidy(() => tf.mul(tf.sub(a, a0), gSum));
        const dF = Fa.map((v, i) => v - Fa0[i]);
        out.set(layer, await finishLayer(layer, m, a, dF, true, keepMaps));
        m.dispose();
        if (li === 0) {
          F = Fa;
          F0 = Fa0;
        }
      } finally {
        tf.dispose([gSum, a0]);
        disposeFrontier(fx);
      }
    }
    return { method: 'hidden-ig', layers: out, F, F0, targetClass: fwd.classIdx, probs: fwd.probs, numClasses: fwd.numClasses };
  } finally {
    tf.dispose([classIdx, x0]);
  }
}
