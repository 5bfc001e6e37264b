/**
 * "The logits" of a classifier: the input of its final softmax when it has one, else its output.
 * A Keras classifier usually ends in `Dense(K, activation='softmax')` (or a Conv with that
 * activation, or an `Activation('softmax')` / `Softmax` layer; a converted GraphModel in a
 * `Softmax` op, often followed by an `Identity`). The executors do not run that softmax: their
 * first output is then the logits z, so the `logit` target is z_k (not p_k, which saturates along
 * the path) and `prob`, `logprob`, `predict` and the bundle's probs apply softmax exactly once.
 */
import type * as tf from '@tensorflow/tfjs';
import type { GraphPlan, Step } from './graph';
import { parseInput, type GraphDefNode } from './graphModelGraph';

/** Which tensor CODEC takes as the logits (reported by `layers`, the app and the bundle). */
export interface LogitsInfo {
  /** The layer (GraphModel: node) whose output, as CODEC runs the model, is the logits. */
  layer: string;
  /** True when the model ends in a softmax that CODEC does not run (its input is the logits). */
  fromSoftmax: boolean;
  /** The softmax left out: a layer or node name, or `<layer> (activation)` for a fused one. */
  softmax?: string;
}

/** How a LayersModel's final softmax is left out: the layer's own activation, or a whole layer. */
export interface SoftmaxHead {
  /** Index of the head step in the top-level plan. */
  stepIndex: number;
  /** 'activation': run the layer with a linear activation; 'layer': run it as the identity. */
  kind: 'activation' | 'layer';
  info: LogitsInfo;
}

interface WithActivation {
  activation?: { getClassName?(): string } | null;
  axis?: number | number[];
}

const activationName = (layer: unknown): string => {
  const a = (layer as WithActivation).activation;
  return a && typeof a.getClassName === 'function' ? a.getClassName() : '';
};

/** A softmax layer over the last axis (tfjs' Softmax layer defaults to axis 1; other axes are left alone). */
function isSoftmaxLayer(s: Step): boolean {
  if (s.className === 'Activation') return activationName(s.layer) === 'softmax';
  if (s.className !== 'Softmax') return false;
  const raw = (s.layer as WithActivation).axis;
  const axis = Array.isArray(raw) ? (raw.length === 1 ? raw[0] : NaN) : (raw ?? -1);
  return axis === -1 || axis === s.outputShape.length;
}

/** Layers that only change the shape; a softmax before them still ends the model if its output is one vector. */
const SHAPE_LAYERS = new Set(['Reshape', 'Flatten']);

/**
 * The final softmax of a LayersModel's plan: the step writing the first output, or one before
 * Reshape/Flatten layers when its output holds a single distribution (1 x 1 x K), or null.
 */
export function findSoftmaxHead(plan: GraphPlan): SoftmaxHead | null {
  const writer = (id: number) => plan.steps.findIndex((s) => s.outputIds[0] === id);
  let stepIndex = writer(plan.outputIds[0]);
  for (let hops = 0; stepIndex >= 0 && SHAPE_LAYERS.has(plan.steps[stepIndex].className) && hops < 4; hops++) {
    const prev = writer(plan.steps[stepIndex].inputIds[0]);
    const shape = prev >= 0 ? plan.steps[prev].outputShape : [];
    if (prev < 0 || shape.slice(0, -1).some((d) => d !== 1)) return null;
    stepIndex = prev;
  }
  if (stepIndex < 0) return null;
  const s = plan.steps[stepIndex];
  if (s.nested) return null;
  if (isSoftmaxLayer(s)) {
    const prev = plan.steps.find((p) => p.outputIds.includes(s.inputIds[0]));
    return { stepIndex, kind: 'layer', info: { layer: prev?.name ?? s.name, fromSoftmax: true, softmax: s.name } };
  }
  if (activationName(s.layer) === 'softmax') return { stepIndex, kind: 'activation', info: { layer: s.name, fromSoftmax: true, softmax: `${s.name} (activation)` } };
  return null;
}

let linear: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string } | null = null;
/** A stand-in for tfjs-layers' Linear activation (the identity, named 'linear' so Dense/Conv keep their fused path). */
function linearActivation() {
  linear ??= { apply: (x: tf.Tensor) => x, getClassName: () => 'linear' };
  return linear;
}

/**
 * Runs `fn` with `layer`'s activation swapped for the identity (restored after, also on a throw):
 * the layer's pre-softmax output, through the same tfjs code path (fused or not) as the layer.
 */
export function withoutActivation<T>(layer: unknown, fn: () => T): T {
  const l = layer as { activation: unknown };
  const saved = l.activation;
  l.activation = linearActivation();
  try {
    return fn();
  } finally {
    l.activation = saved;
  }
}

/** Ops that pass a tensor on unchanged (the converter's output Identity). */
const PASS_OPS = new Set(['Identity', 'IdentityN', 'StopGradient', 'Snapshot']);

/**
 * A GraphModel's outputs with a final Softmax (behind any Identity) replaced by the Softmax's
 * input node, and which node that is. Outputs other than the first are left as they are.
 */
export function graphLogits(nodes: GraphDefNode[], outputs: string[]): { outputs: string[]; logits: LogitsInfo } {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const dataInputs = (n: GraphDefNode) => (n.input ?? []).map(parseInput).filter((r): r is [string, number] => r !== null);
  let cur = byName.get(outputs[0]);
  for (let hops = 0; cur && PASS_OPS.has(cur.op) && hops < 8; hops++) {
    const ins = dataInputs(cur);
    cur = ins.length === 1 ? byName.get(ins[0][0]) : undefined;
  }
  if (cur?.op === 'Softmax') {
    const ins = dataInputs(cur);
    if (ins.length === 1 && ins[0][1] === 0 && byName.has(ins[0][0])) {
      return { outputs: [ins[0][0], ...outputs.slice(1)], logits: { layer: ins[0][0], fromSoftmax: true, softmax: cur.name } };
    }
  }
  return { outputs, logits: { layer: outputs[0], fromSoftmax: false } };
}

/** One line for people: which tensor is taken as the logits. */
export function describeLogits(l: LogitsInfo): string {
  return l.fromSoftmax ? `logits: the output of ${l.layer}, the input of the final softmax ${l.softmax} (the softmax is not run; prob/logprob apply it once)` : `logits: the output of ${l.layer} (the model's output; no final softmax found)`;
}
