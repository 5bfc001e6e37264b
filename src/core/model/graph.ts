/**
 * The execution plan of a tfjs LayersModel (functional or Sequential), read from its node graph:
 * steps in topological order (deepest nodes first, as tfjs' `nodesByDepth`), the symbolic tensor
 * ids each step reads and writes, and which layers are graph *cuts* (every path from an input to
 * an output passes through them, so completeness is expected there).
 */
import type * as tf from '@tensorflow/tfjs';
import { CodecError } from '../errors';

/* The tfjs-layers internals we read. They are stable across tfjs 2-4 but not in the public typings. */
export interface SymTensor {
  id: number;
  shape: (number | null)[];
  sourceLayer: TfLayer;
}
export interface TfNode {
  outboundLayer: TfLayer;
  inputTensors: SymTensor[];
  outputTensors: SymTensor[];
  callArgs?: Record<string, unknown>;
}
export interface TfLayer {
  name: string;
  getClassName(): string;
  inboundNodes: TfNode[];
  apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}
export interface TfContainer extends TfLayer {
  inputs: SymTensor[];
  outputs: SymTensor[];
  layers: TfLayer[];
  nodesByDepth: Record<string, TfNode[]>;
}

export interface Step {
  /**
   * The layer's name, prefixed by its enclosing models' names (`outer/inner`) when nested, and
   * suffixed `@k` for the k-th further application of a shared layer (`conv`, `conv@1`).
   */
  name: string;
  layer: TfLayer;
  className: string;
  inputIds: number[];
  outputIds: number[];
  callArgs: Record<string, unknown>;
  /** Set when the layer is itself a model: its own plan, run recursively so hooks reach inside. */
  nested?: GraphPlan;
  /** Output shape without the batch axis (first output). */
  outputShape: number[];
}

export interface GraphPlan {
  name: string;
  inputIds: number[];
  outputIds: number[];
  steps: Step[];
}

export function isContainer(layer: TfLayer): layer is TfContainer {
  const c = layer as Partial<TfContainer>;
  return c.nodesByDepth !== undefined && Array.isArray(c.inputs) && Array.isArray(c.outputs) && Array.isArray(c.layers);
}

/** Builds the plan of a model; nested models get plans of their own with prefixed names. */
export function buildPlan(model: TfContainer, prefix = ''): GraphPlan {
  if (!isContainer(model)) {
    throw new CodecError('ModelError', `buildPlan: ${(model as TfLayer).name} is not a LayersModel (no layer graph).`);
  }
  const depths = Object.keys(model.nodesByDepth)
    .map(Number)
    .sort((a, b) => b - a);
  const steps: Step[] = [];
  // A layer applied k times (shared weights) gives k steps: `name`, `name@1`, `name@2`, ...
  const uses = new Map<string, number>();
  for (const d of depths) {
    for (const node of model.nodesByDepth[String(d)]) {
      const layer = node.outboundLayer;
      const className = layer.getClassName();
      if (className === 'InputLayer') continue;
      const k = uses.get(layer.name) ?? 0;
      uses.set(layer.name, k + 1);
      const name = prefix + layer.name + (k > 0 ? `@${k}` : '');
      const shape = node.outputTensors[0]?.shape ?? [];
      steps.push({
        name,
        layer,
        className,
        inputIds: node.inputTensors.map((t) => t.id),
        outputIds: node.outputTensors.map((t) => t.id),
        callArgs: { ...(node.callArgs ?? {}) },
        nested: isContainer(layer) ? buildPlan(layer, name + '/') : undefined,
        outputShape: shape.slice(1).map((s) => (s == null ? -1 : s)),
      });
    }
  }
  return {
    name: prefix + model.name,
    inputIds: model.inputs.map((t) => t.id),
    outputIds: model.outputs.map((t) => t.id),
    steps,
  };
}

/**
 * Names of the steps of `plan` whose outputs are cuts: removing those tensors disconnects every
 * graph output from every graph input. Nested steps are cuts of the whole when they are cuts of
 * their own model and their model's step is a cut of the outer graph.
 */
export function findCuts(plan: GraphPlan): Set<string> {
  const producers = new Map<number, Step>();
  for (const s of plan.steps) for (const id of s.outputIds) producers.set(id, s);
  const consumers = new Map<number, Step[]>();
  for (const s of plan.steps) {
    for (const id of s.inputIds) {
      const list = consumers.get(id) ?? [];
      list.push(s);
      consumers.set(id, list);
    }
  }
  const outputs = new Set(plan.outputIds);
  const reachesOutput = (blocked: Set<number>): boolean => {
    const seen = new Set<number>();
    const stack = plan.inputIds.filter((id) => !blocked.has(id));
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      if (outputs.has(id)) return true;
      for (const s of consumers.get(id) ?? []) {
        for (const out of s.outputIds) if (!blocked.has(out) && !seen.has(out)) stack.push(out);
      }
    }
    return false;
  };
  const cuts = new Set<string>();
  for (const s of plan.steps) {
    if (!reachesOutput(new Set(s.outputIds))) {
      cuts.add(s.name);
      if (s.nested) for (const inner of findCuts(s.nested)) cuts.add(inner);
    }
  }
  return cuts;
}

/** Every step of the plan, nested ones included, in execution order. */
export function flattenSteps(plan: GraphPlan): Step[] {
  const out: Step[] = [];
  for (const s of plan.steps) {
    if (s.nested) out.push(...flattenSteps(s.nested));
    out.push(s);
  }
  return out;
}
