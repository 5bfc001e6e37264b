/**
 * Loading a tfjs LayersModel from an in-memory file map (`model.json` + weight shards), shared by
 * the CLI (files read from disk), the worker (dropped File objects) and tests. Every problem gets
 * a one-line ModelError naming the file: not JSON, truncated, not a layers model, a shard
 * missing or of the wrong size, a layer class tfjs cannot run.
 */
import { checkTopology } from './topologyCheck';
import * as tf from '@tensorflow/tfjs';
import { CodecError } from '../errors';
import { registerKerasLayers } from './architecturesLayers';

export interface LoadedModel {
  model: tf.LayersModel;
  modelJson: ModelJson;
  /** Shard names in manifest order (for hashing). */
  shardNames: string[];
}

interface WeightEntry {
  name: string;
  shape: number[];
  dtype?: string;
  quantization?: { dtype: string };
}

export interface ModelJson {
  format?: string;
  modelTopology?: unknown;
  weightsManifest?: { paths: string[]; weights: WeightEntry[] }[];
  [k: string]: unknown;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2 };
const MAX_JSON_DEPTH = 200;

function fail(file: string, msg: string): never {
  throw new CodecError('ModelError', `${file}: ${msg}`);
}

function depth(v: unknown, d = 0): number {
  if (d > MAX_JSON_DEPTH) return d;
  if (Array.isArray(v)) return v.reduce((m: number, x) => Math.max(m, depth(x, d + 1)), d + 1);
  if (v && typeof v === 'object') return Object.values(v).reduce((m: number, x) => Math.max(m, depth(x, d + 1)), d + 1);
  return d;
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** Parses and checks model.json (a LayersModel's, or with `format` 'graph-model' a GraphModel's). */
export function parseModelJson(bytes: Uint8Array, file = 'model.json', format: 'layers-model' | 'graph-model' = 'layers-model'): ModelJson {
  if (bytes.length === 0) fail(file, 'the file is empty.');
  let json: ModelJson;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as ModelJson;
  } catch (e) {
    fail(file, `not valid JSON (truncated or not a model.json): ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) fail(file, 'expected a JSON object with modelTopology and weightsManifest.');
  if (depth(json) > MAX_JSON_DEPTH) fail(file, `JSON nested deeper than ${MAX_JSON_DEPTH} levels.`);
  if (format === 'layers-model' && json.format === 'graph-model') fail(file, 'this is a GraphModel (format "graph-model"); load it with loadGraphModelFromFiles.');
  const formatless = json.format === undefined && Array.isArray((json.modelTopology as { node?: unknown } | undefined)?.node);
  if (format === 'graph-model' && json.format !== 'graph-model' && !formatless) fail(file, `expected a GraphModel (format "graph-model"), but format is ${JSON.stringify(json.format ?? null)}.`);
  if (!json.modelTopology || typeof json.modelTopology !== 'object') fail(file, `missing modelTopology (not a tfjs ${format === 'graph-model' ? 'GraphModel' : 'LayersModel'}).`);
  if (!Array.isArray(json.weightsManifest)) fail(file, 'missing weightsManifest (the list of weight shards).');
  for (const group of json.weightsManifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) fail(file, 'weightsManifest groups need paths and weights arrays.');
    for (const w of group.weights) {
      if (typeof w?.name !== 'string' || !Array.isArray(w.shape) || w.shape.some((d) => !Number.isInteger(d) || d < 0)) {
        fail(file, `weight ${JSON.stringify(w?.name)} has a malformed shape ${JSON.stringify(w?.shape)}.`);
      }
      const dt = w.quantization?.dtype ?? w.dtype ?? 'float32';
      if (!(dt in BYTES)) fail(file, `weight ${w.name} has unsupported dtype ${dt}.`);
      const n = w.shape.reduce((p, d) => p * d, 1);
      if (n > 2 ** 28) fail(file, `weight ${w.name} declares ${n} values (shape [${w.shape}]), over the limit of 2^28.`);
    }
  }
  return json;
}

/** Layer class names used by a Keras/tfjs topology (nested models included). */
export function layerClasses(topology: unknown): string[] {
  return layerEntries(topology).map((l) => l.className);
}

/** Every layer's name and class in a Keras topology, nested models' layers included, in order. */
export function layerEntries(topology: unknown): { name: string; className: string }[] {
  const out: { name: string; className: string }[] = [];
  const walk = (cfg: unknown, top: boolean) => {
    if (!cfg || typeof cfg !== 'object') return;
    const c = cfg as { class_name?: string; name?: string; config?: { name?: string; layers?: unknown[] } };
    if (!top && typeof c.class_name === 'string') out.push({ name: String(c.config?.name ?? c.name ?? c.class_name), className: c.class_name });
    for (const l of c.config?.layers ?? []) walk(l, false);
  };
  const t = topology as { model_config?: unknown };
  walk(t.model_config ?? topology, true);
  return out;
}

/** The bytes of `name` in `files` (keys are paths or file names). */
export function findFile(files: Map<string, Uint8Array>, name: string): Uint8Array | undefined {
  return files.get(name) ?? [...files].find(([k]) => baseName(k) === baseName(name))?.[1];
}

/** Loads the model whose model.json is `modelJsonName` in `files` (keys are file names). */
export async function loadModelFromFiles(files: Map<string, Uint8Array>, modelJsonName = 'model.json'): Promise<LoadedModel> {
  const jsonBytes = findFile(files, modelJsonName);
  if (!jsonBytes) fail(modelJsonName, 'not found among the files given (drop model.json together with its .bin shards).');
  const json = parseModelJson(jsonBytes, modelJsonName);
  checkTopology(json.modelTopology, modelJsonName);
  const { weightSpecs, weightData, shardNames } = readWeights(json, files, modelJsonName);
  registerKerasLayers();
  const varsBefore = new Set(Object.keys(tf.engine().state.registeredVariables));
  /** Variables a failed build left registered (tfjs does not dispose them). */
  const disposeNewVariables = () => {
    for (const [name, v] of Object.entries(tf.engine().state.registeredVariables)) if (!varsBefore.has(name)) v.dispose();
  };
  // Built in steps (as tf.loadLayersModel does), so that nothing is left behind when a step fails:
  // the layers with cheap zero initializers (every weight is then loaded, strictly), the weights
  // decoded and checked finite, then loaded by name.
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: zeroInitializers(json.modelTopology) } as tf.io.ModelJSON);
  } catch (e) {
    disposeNewVariables();
    const msg = (e as Error).message;
    const unknown = /Unknown layer: (\w+)/.exec(msg);
    if (unknown) {
      const layers = layerEntries(json.modelTopology);
      const idx = layers.findIndex((l) => l.className === unknown[1]);
      const which = idx >= 0 ? ` (layer ${layers[idx].name})` : '';
      const before = layers.slice(0, Math.max(0, idx)).map((l) => `${l.name} (${l.className})`);
      fail(modelJsonName, `layer class ${unknown[1]}${which} is not supported by tfjs (no Lambda or custom layers), so the model cannot load; the layers before it are ${before.join(', ') || 'none'} (save the model up to there, or replace the layer, to analyze them).`);
    }
    fail(modelJsonName, `tfjs could not build the model: ${msg.split('\n')[0]}`);
  }
  let named: tf.NamedTensorMap;
  try {
    named = tf.tidy(() => tf.io.decodeWeights(weightData, weightSpecs));
  } catch (e) {
    model.dispose();
    fail(modelJsonName, `the weights cannot be decoded: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    model.loadWeights(named, true);
  } catch (e) {
    model.dispose();
    fail(modelJsonName, `the weights do not fit the layers: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    tf.dispose(named);
  }
  return { model, modelJson: json, shardNames };
}

/**
 * Refuses NaN or Inf float32 weights, naming the weight. Read from the bytes in JS (no tensors,
 * no GPU read-back, which WebGPU cannot do synchronously).
 */
function checkFiniteWeights(specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer, file: string): void {
  let off = 0;
  for (const w of specs) {
    const n = w.shape.reduce((p, d) => p * d, 1);
    const dt = w.quantization?.dtype ?? w.dtype ?? 'float32';
    if (dt === 'float32') {
      const v = off % 4 === 0 ? new Float32Array(data, off, n) : new Float32Array(data.slice(off, off + 4 * n));
      for (let i = 0; i < n; i++) if (!Number.isFinite(v[i])) fail(file, `weight ${w.name} contains NaN or Inf values (value ${i} is ${v[i]}).`);
    }
    off += n * BYTES[dt];
  }
}

/** A copy of a Keras topology with every `*_initializer` set to zeros (the weights are loaded after). */
function zeroInitializers(topology: unknown): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = k.endsWith('_initializer') && x && typeof x === 'object' ? { class_name: 'Zeros', config: {} } : walk(x);
    return out;
  };
  return walk(topology);
}

/** The weight shards model.json lists, checked present and sized right, joined in manifest order. */
export function readWeights(json: ModelJson, files: Map<string, Uint8Array>, file = 'model.json'): { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer; shardNames: string[] } {
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const shardNames: string[] = [];
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest!) {
    let need = 0;
    for (const w of group.weights) need += w.shape.reduce((p, d) => p * d, 1) * BYTES[w.quantization?.dtype ?? w.dtype ?? 'float32'];
    let got = 0;
    for (const p of group.paths) {
      const shard = findFile(files, p);
      if (!shard) fail(baseName(p), `weight shard is missing (model.json lists it; drop it together with model.json).`);
      shardNames.push(p);
      parts.push(shard);
      got += shard.length;
    }
    if (got !== need) fail(group.paths.map(baseName).join(', '), `weight shards hold ${got} bytes, but model.json declares weights of ${need} bytes (truncated or mismatched shard).`);
    weightSpecs.push(...(group.weights as tf.io.WeightsManifestEntry[]));
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    weightData.set(p, off);
    off += p.length;
  }
  checkFiniteWeights(weightSpecs, weightData.buffer, file);
  return { weightSpecs, weightData: weightData.buffer, shardNames };
}

