/**
 * A hookable executor for a converted GraphModel, the counterpart of executor.ts for
 * LayersModels. Its layers are the GraphDef nodes that are natural layer outputs (convolutions,
 * activations, adds, pools: graphModelGraph.ts' LAYER_OPS), with shapes from one run on zeros.
 * GraphModel.execute takes any node as an input and any node as an output, so a forward pass
 * with hooks is run in segments, split at the hooked nodes in execution order: execute up to the
 * next hooked node (also returning every tensor computed on the way that later nodes read),
 * apply the hook (replace, mask, add a probe, capture), feed the result in place of the node,
 * go on. The segments are plain tfjs ops, so tf.grad sees through them, and a probe's gradient
 * is dF/d(node output). Gradient methods refuse, naming the op, a node with an op tfjs cannot
 * differentiate downstream of a probe (graphModelGrad.ts); reading and ablation work anywhere.
 */
import * as tf from '@tensorflow/tfjs';
import { CodecError, check } from '../errors';
import { GraphDefInfo, parseInput } from './graphModelGraph';
import { gradientReport, type GradientReport } from './graphModelGrad';
import type { LogitsInfo } from './logits';
import { applyHooks, type Frontier, type Hooks, type HookableModel, type LayerInfo, type RunResult } from './runner';

export interface GraphExecutorOptions {
  /** Input shape without the batch axis, for graphs that leave some dimensions unknown (-1). */
  inputShape?: number[];
  /** Which node is the logits (the loader found it: logits.ts' graphLogits); default the first output. */
  logits?: LogitsInfo;
}

const MAX_LISTED = 12;
const listNames = (names: string[]) => (names.length > MAX_LISTED ? `${names.slice(0, MAX_LISTED).join(', ')}, ... (${names.length} in all)` : names.join(', ') || 'none');

export class GraphExecutor implements HookableModel {
  readonly inputShape: number[];
  readonly gradients: GradientReport;
  /** True when the graph's batch axis is fixed at 1: batches are run one sample at a time. */
  readonly singleSample: boolean;
  readonly logits: LogitsInfo;
  private readonly infos: LayerInfo[];
  private readonly byName: Map<string, LayerInfo>;
  private readonly orderIndex: Map<string, number>;

  constructor(
    readonly model: tf.GraphModel,
    readonly graph: GraphDefInfo,
    { inputShape, logits }: GraphExecutorOptions = {},
  ) {
    this.logits = logits ?? { layer: graph.outputs[0], fromSoftmax: false };
    const inp = model.inputs.find((i) => parseInput(i.name)![0] === graph.input) ?? model.inputs[0];
    check(inp.dtype === undefined || inp.dtype === 'float32', () => `GraphExecutor: input ${graph.input} has dtype ${inp.dtype}; only float32 image inputs can be attributed.`, 'ModelError');
    const declared = (inp.shape ?? []).slice(1);
    this.singleSample = inp.shape?.[0] === 1;
    const shape = inputShape ?? declared;
    check(
      shape.length > 0 && shape.every((d) => Number.isInteger(d) && d > 0) && (declared.length === 0 || declared.every((d, i) => d === -1 || d === shape[i])),
      () => `GraphExecutor: the input shape must be known (the graph declares [${declared}]); pass options.inputShape, e.g. [224, 224, 3].`,
    );
    this.inputShape = shape;
    this.orderIndex = new Map(graph.order.map((n, i) => [n, i]));
    this.gradients = gradientReport(graph);
    const layerNodes = graph.layerNodes();
    const shapes = tf.tidy(() => {
      const outs = this.exec(new Map([[graph.input, tf.zeros([1, ...shape])]]), layerNodes);
      return outs.map((t) => t.shape.slice(1));
    });
    this.infos = layerNodes.map((name, index) => ({ name, className: graph.op(name), outputShape: shapes[index], isCut: graph.isCut(name), index, nested: false }));
    this.byName = new Map(this.infos.map((l) => [l.name, l]));
  }

  layers(): LayerInfo[] {
    return this.infos.map((l) => ({ ...l }));
  }

  layer(name: string): LayerInfo {
    const info = this.byName.get(name);
    if (!info) throw new CodecError('InputError', `GraphExecutor: unknown layer node ${name} (layer nodes: ${listNames(this.infos.map((l) => l.name))}).`);
    return { ...info };
  }

  run(x: tf.Tensor, hooks: Hooks = {}): RunResult {
    this.checkHooks(hooks);
    const captured = new Map<string, tf.Tensor>();
    const outputs = this.runSegments(new Map([[this.graph.input, x]]), hooks, captured, null);
    return { outputs, captured };
  }

  predict(x: tf.Tensor, hooks: Hooks = {}): tf.Tensor {
    return tf.tidy(() => this.run(x, hooks).outputs[0]);
  }

  /** Runs to `layer` and keeps its output, the input, and every tensor computed on the way that later nodes read. */
  forwardTo(x: tf.Tensor, layer: string): Frontier {
    this.layer(layer);
    const want = this.graph.segmentOutputs(layer, new Set([this.graph.input]));
    const kept = tf.tidy(() => [x.clone(), ...this.execBatched(new Map([[this.graph.input, x]]), want)]);
    const tensors = new Map<string, tf.Tensor>([[this.graph.input, kept[0]], ...want.map((t, j): [string, tf.Tensor] => [t, kept[j + 1]])]);
    return { layer, outputKey: layer, tensors };
  }

  runFrom(frontier: Frontier, hooks: Hooks = {}): RunResult {
    this.checkHooks(hooks);
    const known = new Map(frontier.tensors);
    const out = known.get(frontier.outputKey);
    check(out !== undefined, () => `GraphExecutor.runFrom: the frontier of ${frontier.layer} lacks its output.`);
    const captured = new Map<string, tf.Tensor>();
    known.set(frontier.outputKey, this.applyHooks(frontier.layer, out, hooks, captured));
    const outputs = this.runSegments(known, hooks, captured, frontier.layer);
    return { outputs, captured };
  }

  /**
   * Executes from the `known` tensors to the outputs, one segment per hooked node not yet known
   * (only nodes after `after`, when given), in execution order.
   */
  private runSegments(known: Map<string, tf.Tensor>, hooks: Hooks, captured: Map<string, tf.Tensor>, after: string | null): tf.Tensor[] {
    const later = after === null ? null : this.graph.descendants(after);
    const hooked = [...new Set([...(hooks.capture ?? []), ...(hooks.replace?.keys() ?? []), ...(hooks.masks?.keys() ?? []), ...(hooks.probes?.keys() ?? [])])]
      .filter((n) => !known.has(n) && (later === null || later.has(n)))
      .sort((a, b) => this.orderIndex.get(a)! - this.orderIndex.get(b)!);
    for (const h of hooked) {
      const want = this.graph.segmentOutputs(h, new Set(known.keys()));
      const got = this.execBatched(known, want);
      want.forEach((t, j) => known.set(t, got[j]));
      known.set(h, this.applyHooks(h, known.get(h)!, hooks, captured));
    }
    return this.execBatched(known, this.graph.outputs);
  }

  /** GraphModel.execute, one sample at a time where the graph's batch axis is fixed at 1. */
  private execBatched(feeds: Map<string, tf.Tensor>, outputs: string[]): tf.Tensor[] {
    const b = feeds.get(this.graph.input)?.shape[0] ?? [...feeds.values()][0].shape[0];
    if (!this.singleSample || b === 1) return this.exec(feeds, outputs);
    const per: tf.Tensor[][] = [];
    for (let i = 0; i < b; i++) {
      const one = new Map([...feeds].map(([k, t]): [string, tf.Tensor] => [k, t.shape[0] === b ? tf.slice(t, i, 1) : t]));
      per.push(this.exec(one, outputs));
    }
    return outputs.map((_, j) => tf.concat(per.map((p) => p[j]), 0));
  }

  private exec(feeds: Map<string, tf.Tensor>, outputs: string[]): tf.Tensor[] {
    let r: tf.Tensor | tf.Tensor[];
    try {
      r = this.model.execute(Object.fromEntries(feeds), outputs);
    } catch (e) {
      throw new CodecError('ModelError', `GraphExecutor: running the graph to ${outputs.slice(0, 3).join(', ')} failed: ${(e as Error).message.split('\n')[0]}`);
    }
    return Array.isArray(r) ? r : [r];
  }

  private checkHooks(hooks: Hooks): void {
    for (const n of [...(hooks.capture ?? []), ...(hooks.replace?.keys() ?? []), ...(hooks.masks?.keys() ?? [])]) this.layer(n);
    for (const n of hooks.probes?.keys() ?? []) {
      this.layer(n);
      if (this.gradients.differentiable.has(n)) continue;
      const after = this.graph.descendants(n);
      const b = this.gradients.blocking.find((x) => after.has(x.node))!;
      const usable = this.infos.filter((l) => this.gradients.differentiable.has(l.name)).map((l) => l.name);
      throw new CodecError(
        'ModelError',
        `GraphExecutor: op ${b.op} (node ${b.node}) has no gradient in tfjs, so gradient methods cannot reach ${n}; they work at: ${listNames(usable)} (reading and ablation work at every node).`,
      );
    }
  }

  private applyHooks(name: string, y: tf.Tensor, hooks: Hooks, captured: Map<string, tf.Tensor>): tf.Tensor {
    return applyHooks('GraphExecutor', name, y, hooks, captured);
  }
}
