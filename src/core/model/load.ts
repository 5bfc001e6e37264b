/**
 * Loading a tfjs LayersModel from an in-memory file map (`model.json` + weight shards), shared by
 * the CLI (files read from disk), the worker (dropped File objects) and tests. Every problem gets
 * a one-line ModelError naming the file: not JSON, truncated, not a layers model, a shard
 * missing or of the wrong size, a layer class tfjs cannot run.
 */
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
  if (format === 'graph-model' && json.format !== 'graph-model') fail(file, `expected a GraphModel (format "graph-model"), but format is ${JSON.stringify(json.format ?? null)}.`);
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
  const out: string[] = [];
  const walk = (cfg: unknown, top: boolean) => {
    if (!cfg || typeof cfg !== 'object') return;
    const c = cfg as { class_name?: string; config?: { layers?: unknown[] } };
    if (!top && typeof c.class_name === 'string') out.push(c.class_name);
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
  const { weightSpecs, weightData, shardNames } = readWeights(json, files);
  registerKerasLayers();
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs, weightData }));
  } catch (e) {
    const msg = (e as Error).message;
    const unknown = /Unknown layer: (\w+)/.exec(msg);
    if (unknown) {
      const classes = layerClasses(json.modelTopology);
      const idx = classes.indexOf(unknown[1]);
      fail(modelJsonName, `layer class ${unknown[1]} is not supported by tfjs (no Lambda or custom layers); the layers before it are ${classes.slice(0, Math.max(0, idx)).join(', ') || 'none'}.`);
    }
    fail(modelJsonName, `tfjs could not build the model: ${msg.split('\n')[0]}`);
  }
  await checkFinite(model, modelJsonName);
  return { model, modelJson: json, shardNames };
}

/** The weight shards model.json lists, checked present and sized right, joined in manifest order. */
export function readWeights(json: ModelJson, files: Map<string, Uint8Array>): { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer; shardNames: string[] } {
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
  return { weightSpecs, weightData: weightData.buffer, shardNames };
}

/** Refuses models with NaN or Inf weights, naming the weight. */
async function checkFinite(model: tf.LayersModel, file: string): Promise<void> {
  for (const w of model.weights) {
    const t = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(w.read()))));
    const bad = (await t.data())[0];
    t.dispose();
    if (bad) fail(file, `weight ${w.name} contains NaN or Inf values.`);
  }
}
