/**
 * Loading a model in the worker from dropped files or a URL: the engine's loader validates it
 * (JSON, shards present and sized, layer classes), the executor lists its layers, and an optional
 * card.json gives class names and preprocessing.
 */
import type * as tf from '@tensorflow/tfjs';
import { Executor } from '../core/model/executor';
import { modelHash, sha256Hex } from '../core/model/hash';
import { loadModelFromFiles, parseModelJson } from '../core/model/load';
import type { FileEntry, LayerSummary, ModelInfo, Preprocessing } from './api';

export interface LoadedWorkerModel {
  model: tf.LayersModel;
  exec: Executor;
  info: ModelInfo;
  /** The files it was loaded from (model.json, shards, card.json), for exporting it in a bundle. */
  files?: Map<string, Uint8Array>;
  /** The validated artifacts, to build copies on another backend (Session.smoke). */
  artifacts: tf.io.ModelArtifacts;
}

/** Layer classes worth analyzing (they carry channels); the model's last layer is left out. */
const ANALYZABLE = /conv|dense|pool|add|concatenate|activation|batchnorm|relu|multiply|average|maximum/i;

const base = (p: string) => p.split(/[\\/]/).pop() ?? p;

function fail(msg: string, name = 'ModelError'): never {
  throw Object.assign(new Error(msg), { name });
}

export { sha256Hex };

interface Card {
  name?: string;
  classNames?: string[];
  preprocessing?: Partial<Preprocessing>;
}

function parseCard(bytes: Uint8Array | undefined, file: string): Card {
  if (!bytes) return {};
  try {
    const c = JSON.parse(new TextDecoder().decode(bytes)) as Card;
    return c && typeof c === 'object' ? c : {};
  } catch {
    fail(`${file}: not valid JSON (the model card is optional; drop it or fix it).`);
  }
}

export function defaultPreprocessing(inputShape: number[], card?: Partial<Preprocessing>): Preprocessing {
  const [h, w, c] = inputShape;
  const channels = (card?.channels ?? (c === 1 ? 1 : 3)) as 1 | 3;
  return {
    height: card?.height ?? (h > 0 ? h : 224),
    width: card?.width ?? (w > 0 ? w : 224),
    channels,
    scale: card?.scale ?? 1,
    offset: card?.offset ?? 0,
    mean: card?.mean ?? Array(channels).fill(0),
    std: card?.std ?? Array(channels).fill(1),
  };
}

/** Loads from a file map (names are base names or relative paths). */
export async function loadModel(files: Map<string, Uint8Array>, source: string): Promise<LoadedWorkerModel> {
  const names = [...files.keys()];
  const jsonName = names.find((n) => base(n) === 'model.json') ?? names.find((n) => n.endsWith('.json') && base(n) !== 'card.json');
  if (!jsonName) fail(`loadModel: no model.json among the files (${names.map(base).join(', ') || 'none'}); drop model.json with its .bin shards.`);
  const loaded = await loadModelFromFiles(files, jsonName);
  const cardKey = names.find((n) => base(n) === 'card.json');
  const card = parseCard(cardKey ? files.get(cardKey) : undefined, cardKey ?? 'card.json');
  let exec: Executor;
  try {
    exec = new Executor(loaded.model);
  } catch (e) {
    loaded.model.dispose();
    throw e;
  }
  const layers = exec.layers();
  const lastName = layers[layers.length - 1]?.name;
  const out = loaded.model.outputs[0].shape;
  const numClasses = Number(out[out.length - 1] ?? 0);
  const shards = loaded.shardNames.map((s) => files.get(s) ?? files.get(names.find((n) => base(n) === base(s))!)!);
  const hash = await modelHash(files, jsonName);
  const summaries: LayerSummary[] = layers.map((l) => ({ ...l, analyzable: l.name !== lastName && ANALYZABLE.test(l.className) && !l.nested }));
  const classNames = Array.isArray(card.classNames) && card.classNames.length === numClasses ? card.classNames.map(String) : null;
  const params = loaded.model.countParams();
  const weightSpecs = (loaded.modelJson.weightsManifest ?? []).flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  const weightData = concat(shards);
  return {
    model: loaded.model,
    exec,
    files,
    artifacts: { modelTopology: loaded.modelJson.modelTopology as object, weightSpecs, weightData: weightData.buffer as ArrayBuffer },
    info: {
      name: card.name ?? (loaded.model.name || source),
      hash,
      inputShape: exec.inputShape,
      numClasses,
      classNames,
      preprocessing: defaultPreprocessing(exec.inputShape, card.preprocessing),
      layers: summaries,
      params,
      files: names.map(base),
    },
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

export async function readEntries(entries: FileEntry[]): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const e of entries) files.set(base(e.path || e.file.name), new Uint8Array(await e.file.arrayBuffer()));
  return files;
}

/** Fetches model.json, its shards and card.json (if any) from a folder URL on this origin. */
export async function fetchModelFiles(url: string): Promise<Map<string, Uint8Array>> {
  const jsonUrl = new URL(url, self.location.href);
  const res = await fetch(jsonUrl).catch((e: Error) => fail(`loadModel: cannot fetch ${jsonUrl.pathname} (${e.message}).`));
  if (!res.ok) fail(`loadModel: ${jsonUrl.pathname} answered ${res.status}.`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const name = base(jsonUrl.pathname);
  const json = parseModelJson(bytes, name);
  const files = new Map<string, Uint8Array>([[name, bytes]]);
  const paths = (json.weightsManifest ?? []).flatMap((g) => g.paths);
  await Promise.all(
    paths.map(async (p) => {
      const r = await fetch(new URL(p, jsonUrl));
      if (r.ok) files.set(p, new Uint8Array(await r.arrayBuffer()));
    }),
  );
  const card = await fetch(new URL('card.json', jsonUrl)).catch(() => null);
  if (card?.ok && (card.headers.get('content-type') ?? '').includes('json')) files.set('card.json', new Uint8Array(await card.arrayBuffer()));
  return files;
}
