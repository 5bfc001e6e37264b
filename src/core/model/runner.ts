/**
 * What the engine needs from a model: run it on a batch with hooks at named layers, list the
 * layers, and split a forward pass at one layer (the frontier) to re-run only the rest. Both the
 * LayersModel `Executor` and the GraphModel `GraphExecutor` implement it, so attribution,
 * ablation and heatmaps work on either.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import type { LogitsInfo } from './logits';

export interface Hooks {
  /** Layers whose outputs (after mask and probe) are returned in `captured`. */
  capture?: Iterable<string>;
  /** Replaces a layer's output (applied first). */
  replace?: Map<string, tf.Tensor>;
  /** Multiplies a layer's output by a mask broadcast over its trailing (channel) axis. */
  masks?: Map<string, tf.Tensor>;
  /** Added to a layer's output (applied last): zero-valued probes for gradients. */
  probes?: Map<string, tf.Tensor>;
}

export interface RunResult {
  outputs: tf.Tensor[];
  captured: Map<string, tf.Tensor>;
}

export interface LayerInfo {
  name: string;
  /** Keras layer class, or the op of a GraphModel node. */
  className: string;
  /** Output shape without the batch axis. */
  outputShape: number[];
  /** Completeness (sum of contributions = F(x) - F(x0)) is expected only at cuts. */
  isCut: boolean;
  /** Position in execution order. */
  index: number;
  /** True for layers inside a nested model (named `outer/inner`): hooks reach them, frontiers do not. */
  nested: boolean;
}

/**
 * The state of a forward pass just after one layer: the layer's own output (under
 * `outputKey`, before any hook) and every other tensor the rest of the network reads (skip
 * paths), under keys only the model that made it interprets. A caller may swap the tensors for
 * others of the same keys (a path in the layer, tiled skip tensors) and run on from it.
 */
export interface Frontier {
  layer: string;
  outputKey: string;
  tensors: Map<string, tf.Tensor>;
}

export interface HookableModel {
  /** Input shape without the batch axis. */
  readonly inputShape: number[];
  /** Which tensor the first output is: the logits, the input of a final softmax that is not run (logits.ts). */
  readonly logits?: LogitsInfo;
  /** Every hookable layer, in execution order. */
  layers(): LayerInfo[];
  /** One layer's info; throws an InputError naming the model's layers when unknown. */
  layer(name: string): LayerInfo;
  /** Runs the model on `x` (a batch) with hooks. Call inside tf.tidy or dispose the results. */
  run(x: tf.Tensor, hooks?: Hooks): RunResult;
  /** The model's first output for `x` (the logits where the model ends in a softmax). */
  predict(x: tf.Tensor, hooks?: Hooks): tf.Tensor;
  /** Runs `x` up to and including `layer` (not nested) and keeps what the rest reads. */
  forwardTo(x: tf.Tensor, layer: string): Frontier;
  /** Continues from a frontier; hooks on the frontier's layer apply to its output. */
  runFrom(frontier: Frontier, hooks?: Hooks): RunResult;
}

/** The layer's own output held by a frontier. */
export function frontierOutput(f: Frontier): tf.Tensor {
  const t = f.tensors.get(f.outputKey);
  check(t !== undefined, () => `frontierOutput: the frontier of ${f.layer} lacks its output (disposed?).`);
  return t;
}

/** Disposes every tensor a frontier holds. */
export function disposeFrontier(f: Frontier): void {
  for (const t of f.tensors.values()) t.dispose();
  f.tensors.clear();
}

/**
 * Applies the hooks at one layer output, in order: replace, then mask (broadcast over the channel
 * axis), then add the probe; captures the result when asked. `where` names the executor in errors.
 */
export function applyHooks(where: string, name: string, y: tf.Tensor, hooks: Hooks, captured: Map<string, tf.Tensor>): tf.Tensor {
  let out = y;
  const rep = hooks.replace?.get(name);
  if (rep) {
    check(tf.util.arraysEqual(rep.shape, out.shape), () => `${where}: replacement for ${name} has shape [${rep.shape}], expected [${out.shape}].`);
    out = rep;
  }
  const mask = hooks.masks?.get(name);
  if (mask) out = tf.mul(out, mask);
  const probe = hooks.probes?.get(name);
  if (probe) out = tf.add(out, probe);
  if (hooks.capture && [...hooks.capture].includes(name)) captured.set(name, out);
  return out;
}
