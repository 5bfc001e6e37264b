/**
 * The node graph of a converted GraphModel (a TensorFlow GraphDef as tfjs-converter writes it in
 * model.json: `modelTopology.node[] = {name, op, input[], attr}`), read without running it: the
 * data path from the input to the outputs, execution order, which nodes are natural layer
 * outputs, which are cuts, and the segment of the graph an intermediate node needs.
 * Edges through Shape/Size/Rank carry no data (their outputs do not depend on values), so a
 * dynamic-batch Reshape does not make every node bypassable.
 */
import { CodecError } from '../errors';

export interface GraphDefNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

/** Ops whose outputs are the natural outputs of a Keras layer (after tfjs-converter's fusions). */
export const LAYER_OPS = new Set([
  'Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'Conv2DBackpropInput',
  'MatMul', '_FusedMatMul', 'BiasAdd', 'FusedBatchNorm', 'FusedBatchNormV2', 'FusedBatchNormV3',
  'Relu', 'Relu6', 'Elu', 'Selu', 'LeakyRelu', 'Prelu', 'Sigmoid', 'Tanh', 'Softplus', 'Softmax',
  'Add', 'AddV2', 'AddN', 'Mul', 'MaxPool', 'AvgPool', 'Mean', 'Max', 'ConcatV2', 'Concat',
]);

/** Ops whose outputs do not depend on their inputs' values (no data flows through them). */
const SHAPE_OPS = new Set(['Shape', 'ShapeN', 'Size', 'Rank']);

/** Ops that need GraphModel.executeAsync (control flow, dynamic shapes, tables): not differentiable here. */
export const ASYNC_OPS = new Set([
  'Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'StatelessIf', 'StatelessWhile', 'If', 'While', 'LoopCond',
  'NonMaxSuppressionV2', 'NonMaxSuppressionV3', 'NonMaxSuppressionV4', 'NonMaxSuppressionV5', 'Where',
  'HashTable', 'HashTableV2', 'LookupTableImport', 'LookupTableImportV2', 'LookupTableFind', 'LookupTableFindV2',
]);

/** `name`, `name:1`, `^name` -> [node name, output index] (null for control inputs). */
export function parseInput(ref: string): [string, number] | null {
  if (ref.startsWith('^')) return null;
  const m = /^(.*):(\d+)$/.exec(ref);
  return m ? [m[1], Number(m[2])] : [ref, 0];
}

/** A tensor name as GraphModel.execute takes it: `node` for output 0, `node:k` otherwise. */
export const tensorName = (node: string, index: number) => (index === 0 ? node : `${node}:${index}`);

export class GraphDefInfo {
  readonly nodes = new Map<string, GraphDefNode>();
  /** Data inputs of each node as [node, output index] (control inputs dropped). */
  readonly inputs = new Map<string, [string, number][]>();
  /** Consumers of each node along data edges (Shape-like ops excluded). */
  readonly consumers = new Map<string, string[]>();
  /** Every consumer of each node (Shape-like ops included: they read the tensor, for its shape). */
  private readonly readers = new Map<string, string[]>();
  /** Every node the outputs depend on, through any edge. */
  private readonly needed: Set<string>;
  /** Nodes on some path from the input to an output, in execution order (input first). */
  readonly order: string[];
  private readonly onPath: Set<string>;

  constructor(
    nodes: GraphDefNode[],
    readonly input: string,
    readonly outputs: string[],
  ) {
    for (const n of nodes) this.nodes.set(n.name, n);
    for (const n of nodes) {
      const ins = (n.input ?? []).map(parseInput).filter((r): r is [string, number] => r !== null);
      for (const [src] of ins) {
        if (!this.nodes.has(src)) throw new CodecError('ModelError', `model.json: node ${n.name} reads ${src}, which is not a node of the graph.`);
      }
      this.inputs.set(n.name, ins);
      for (const [src] of ins) {
        const r = this.readers.get(src) ?? [];
        if (!r.includes(n.name)) r.push(n.name);
        this.readers.set(src, r);
        if (SHAPE_OPS.has(n.op)) continue;
        const list = this.consumers.get(src) ?? [];
        if (!list.includes(n.name)) list.push(n.name);
        this.consumers.set(src, list);
      }
    }
    for (const o of outputs) if (!this.nodes.has(o)) throw new CodecError('ModelError', `model.json: output ${o} is not a node of the graph.`);
    if (!this.nodes.has(input)) throw new CodecError('ModelError', `model.json: input ${input} is not a node of the graph.`);
    this.needed = this.reach(outputs, (n) => this.inputs.get(n)!.map(([s]) => s));
    const fromInput = this.reach([input], (n) => this.consumers.get(n) ?? []);
    const toOutput = this.reach(outputs, (n) => (SHAPE_OPS.has(this.nodes.get(n)!.op) ? [] : this.inputs.get(n)!.map(([s]) => s)));
    this.onPath = new Set([...fromInput].filter((n) => toOutput.has(n)));
    this.order = this.topo(this.onPath);
  }

  /** Every node reachable from `start` through `next` (start included). */
  private reach(start: string[], next: (n: string) => string[]): Set<string> {
    const seen = new Set<string>();
    const stack = [...start];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const m of next(n)) if (!seen.has(m)) stack.push(m);
    }
    return seen;
  }

  /** Kahn's order of a node set along data edges within it. */
  private topo(set: Set<string>): string[] {
    const indeg = new Map<string, number>();
    for (const n of set) indeg.set(n, this.inputs.get(n)!.filter(([s]) => set.has(s) && !SHAPE_OPS.has(this.nodes.get(n)!.op)).length);
    const ready = [...set].filter((n) => indeg.get(n) === 0);
    const out: string[] = [];
    while (ready.length) {
      const n = ready.shift()!;
      out.push(n);
      for (const c of this.consumers.get(n) ?? []) {
        if (!set.has(c)) continue;
        const d = indeg.get(c)! - 1;
        indeg.set(c, d);
        if (d === 0) ready.push(c);
      }
    }
    if (out.length !== set.size) throw new CodecError('ModelError', 'model.json: the graph has a cycle on the data path (control flow is not supported).');
    return out;
  }

  isOnPath(name: string): boolean {
    return this.onPath.has(name);
  }

  op(name: string): string {
    return this.nodes.get(name)?.op ?? '';
  }

  /** Data-path nodes whose op is a natural layer output, in execution order. */
  layerNodes(): string[] {
    return this.order.filter((n) => n !== this.input && LAYER_OPS.has(this.op(n)));
  }

  /** Data-path nodes downstream of `name` (itself excluded). */
  descendants(name: string): Set<string> {
    const d = this.reach(this.consumers.get(name) ?? [], (n) => this.consumers.get(n) ?? []);
    return new Set([...d].filter((n) => this.onPath.has(n)));
  }

  /** Whether removing `name` disconnects the input from every output. */
  isCut(name: string): boolean {
    if (name === this.input) return true;
    const outs = new Set(this.outputs);
    const seen = new Set<string>([name]);
    const stack = [this.input];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      if (outs.has(n)) return false;
      for (const c of this.consumers.get(n) ?? []) if (!seen.has(c)) stack.push(c);
    }
    return true;
  }

  /**
   * The tensors to request when running the graph from `known` tensors up to `target`: the
   * target's output and every other tensor computed on the way that a node outside the segment
   * still reads (so later segments need not recompute or re-read the input). Keys of `known` are
   * tensor names; returned names likewise.
   */
  segmentOutputs(target: string, known: Set<string>): string[] {
    const knownNodes = new Set([...known].map((t) => parseInput(t)![0]));
    // The segment: ancestors of target along data edges, stopping at known nodes.
    const seg = new Set<string>();
    const stack = [target];
    while (stack.length) {
      const n = stack.pop()!;
      if (seg.has(n) || knownNodes.has(n)) continue;
      seg.add(n);
      for (const [s] of this.inputs.get(n)!) stack.push(s);
    }
    const wanted = new Set<string>([target]);
    for (const n of seg) {
      if (n === target || this.nodes.get(n)!.op === 'Const') continue;
      const outside = (this.readers.get(n) ?? []).filter((c) => this.needed.has(c) && !seg.has(c) && !knownNodes.has(c));
      if (outside.length === 0) continue;
      // Which outputs of n do those consumers read?
      for (const c of outside) for (const [s, k] of this.inputs.get(c)!) if (s === n) wanted.add(tensorName(n, k));
    }
    return this.splitMultiOutput([...wanted], seg);
  }

  /**
   * GraphModel.execute keeps one output per fed node: where two outputs of one node would be fed,
   * feed that node's inputs instead (it is recomputed).
   */
  private splitMultiOutput(names: string[], seg: Set<string>): string[] {
    const byNode = new Map<string, string[]>();
    for (const t of names) {
      const [n] = parseInput(t)!;
      byNode.set(n, [...(byNode.get(n) ?? []), t]);
    }
    const out: string[] = [];
    for (const [n, ts] of byNode) {
      if (ts.length === 1) out.push(ts[0]);
      else for (const [s, k] of this.inputs.get(n)!) if (seg.has(s)) out.push(tensorName(s, k));
    }
    return [...new Set(out)];
  }
}
