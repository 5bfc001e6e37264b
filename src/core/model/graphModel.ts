/**
 * Loading a converted tfjs GraphModel (model.json with format "graph-model": a TensorFlow
 * GraphDef under modelTopology.node, weights in shards listed by weightsManifest) from an
 * in-memory file map, with load.ts' one-line errors: the JSON and the shards are checked as
 * there, then the graph: nodes well formed, every weight node backed by a manifest entry, one
 * float input, ops tfjs can run (synchronously: no control flow), finite weights.
 * `loadHookableModel` loads either kind of model.json for the engine.
 */
import * as tf from '@tensorflow/tfjs';
import { CodecError } from '../errors';
import { Executor } from './executor';
import { findFile, loadModelFromFiles, parseModelJson, readWeights, type ModelJson } from './load';
import { ASYNC_OPS, GraphDefInfo, parseInput, type GraphDefNode } from './graphModelGraph';
import { GraphExecutor, type GraphExecutorOptions } from './graphModelExecutor';
import type { HookableModel } from './runner';
import { graphLogits, type LogitsInfo } from './logits';
import { modelJsonFormat, type ModelFormat } from './modelSource';

export interface LoadedGraphModel {
  model: tf.GraphModel;
  modelJson: ModelJson;
  /** The node graph, analysed (data path, order, cuts). */
  graph: GraphDefInfo;
  /** Shard names in manifest order (for hashing). */
  shardNames: string[];
  /** The logits: a final Softmax's input node (the graph's first output is then that node), else the output. */
  logits: LogitsInfo;
}

interface Signature {
  inputs?: Record<string, { name: string }>;
  outputs?: Record<string, { name: string }>;
}

function fail(file: string, msg: string): never {
  throw new CodecError('ModelError', `${file}: ${msg}`);
}

/** Checks modelTopology's nodes; returns them. */
function checkNodes(topology: unknown, file: string): GraphDefNode[] {
  const nodes = (topology as { node?: unknown }).node;
  if (!Array.isArray(nodes) || nodes.length === 0) fail(file, 'modelTopology has no node list (not a converted GraphModel).');
  const names = new Set<string>();
  for (const n of nodes as GraphDefNode[]) {
    if (typeof n?.name !== 'string' || typeof n.op !== 'string') fail(file, `a graph node lacks a name or op: ${JSON.stringify(n).slice(0, 80)}.`);
    if (names.has(n.name)) fail(file, `node ${n.name} appears twice.`);
    if (n.input !== undefined && (!Array.isArray(n.input) || n.input.some((i) => typeof i !== 'string'))) fail(file, `node ${n.name} has a malformed input list.`);
    names.add(n.name);
  }
  return nodes as GraphDefNode[];
}

/** The input and output node names: the signature's where given, else placeholders and sink nodes. */
function endpoints(nodes: GraphDefNode[], sig: Signature | undefined, file: string): { input: string; outputs: string[] } {
  const nodeOf = (t: string) => parseInput(t)![0];
  let inputs = Object.values(sig?.inputs ?? {}).map((t) => nodeOf(t.name));
  if (inputs.length === 0) inputs = nodes.filter((n) => n.op.startsWith('Placeholder')).map((n) => n.name);
  if (inputs.length !== 1) fail(file, `the graph has ${inputs.length} inputs (${inputs.join(', ') || 'none'}); CODEC analyses models with one image input.`);
  let outputs = Object.values(sig?.outputs ?? {}).map((t) => nodeOf(t.name));
  if (outputs.length === 0) {
    const read = new Set(nodes.flatMap((n) => (n.input ?? []).map((i) => nodeOf(i.replace(/^\^/, '')))));
    outputs = nodes.filter((n) => !read.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp').map((n) => n.name);
  }
  if (outputs.length === 0) fail(file, 'the graph has no output node.');
  return { input: inputs[0], outputs };
}

/**
 * Whether tfjs-converter has an executor for a node's op. The converter maps unknown ops
 * without complaint and fails only when running them ("Unknown op"); its parsed node then has no
 * category. (Internal structure, stable across tfjs 3-4; when absent, every op is assumed runnable.)
 */
function runnable(model: tf.GraphModel, node: string): boolean {
  const nodes = (model as unknown as { executor?: { graph?: { nodes?: Record<string, { category?: string }> } } }).executor?.graph?.nodes;
  return !nodes?.[node] || nodes[node].category != null;
}

/** Loads the GraphModel whose model.json is `modelJsonName` in `files`. */
export async function loadGraphModelFromFiles(files: Map<string, Uint8Array>, modelJsonName = 'model.json'): Promise<LoadedGraphModel> {
  const jsonBytes = findFile(files, modelJsonName);
  if (!jsonBytes) fail(modelJsonName, 'not found among the files given (drop model.json together with its .bin shards).');
  const json = parseModelJson(jsonBytes, modelJsonName, 'graph-model');
  const nodes = checkNodes(json.modelTopology, modelJsonName);
  const { weightSpecs, weightData, shardNames } = readWeights(json, files, modelJsonName);
  const weightNames = new Set(weightSpecs.map((w) => w.name));
  const missing = nodes.filter((n) => n.op === 'Const' && !weightNames.has(n.name));
  if (missing.length) fail(modelJsonName, `weight node ${missing[0].name} has no entry in weightsManifest${missing.length > 1 ? ` (nor ${missing.length - 1} more)` : ''}.`);
  const sig = (json.signature ?? (json.userDefinedMetadata as { signature?: Signature } | undefined)?.signature) as Signature | undefined;
  const ends = endpoints(nodes, sig, modelJsonName);
  // A final Softmax is not run: the graph ends at its input, the logits (logits.ts).
  const { outputs, logits } = graphLogits(nodes, ends.outputs);
  const graph = new GraphDefInfo(nodes, ends.input, outputs);
  const dynamic = graph.order.filter((n) => ASYNC_OPS.has(graph.op(n)));
  if (dynamic.length) fail(modelJsonName, `node ${dynamic[0]} (op ${graph.op(dynamic[0])}) needs asynchronous execution (control flow or dynamic shapes), which gradients cannot go through.`);
  const topology = { versions: { producer: 0, minConsumer: 0 }, ...(json.modelTopology as object) };
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs, weightData, format: 'graph-model', signature: sig as object | undefined, userDefinedMetadata: json.userDefinedMetadata as object | undefined }));
  } catch (e) {
    fail(modelJsonName, `tfjs could not build the graph: ${(e as Error).message.split('\n')[0]}`);
  }
  const unsupported = graph.order.find((n) => !runnable(model, n));
  if (unsupported) {
    model.dispose();
    fail(modelJsonName, `op ${graph.op(unsupported)} (node ${unsupported}) is not supported by tfjs, so no node of this model can run (replace the op before converting).`);
  }
  // NaN and Inf weights were refused by readWeights, from the bytes (no GPU read-back).
  return { model, modelJson: json, graph, shardNames, logits };
}

export interface LoadedHookable {
  exec: HookableModel;
  format: 'layers-model' | 'graph-model';
  modelJson: ModelJson;
  shardNames: string[];
  /** Frees the model's weights. */
  dispose(): void;
}

/** Loads a model.json of either kind (LayersModel or GraphModel, by its `format`) as a HookableModel. */
export async function loadHookableModel(files: Map<string, Uint8Array>, modelJsonName = 'model.json', options: GraphExecutorOptions = {}): Promise<LoadedHookable> {
  let format: ModelFormat = 'layers-model';
  try {
    format = modelJsonFormat(JSON.parse(new TextDecoder().decode(findFile(files, modelJsonName) ?? new Uint8Array())) as ModelJson);
  } catch {
    // the loader below names the problem
  }
  if (format === 'graph-model') {
    const g = await loadGraphModelFromFiles(files, modelJsonName);
    return { exec: new GraphExecutor(g.model, g.graph, { ...options, logits: g.logits }), format, modelJson: g.modelJson, shardNames: g.shardNames, dispose: () => g.model.dispose() };
  }
  const l = await loadModelFromFiles(files, modelJsonName);
  return { exec: new Executor(l.model), format: 'layers-model', modelJson: l.modelJson, shardNames: l.shardNames, dispose: () => l.model.dispose() };
}
