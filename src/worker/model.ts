/**
 * Loading a model in the worker from dropped files or a URL: the engine's loader validates it
 * (JSON, shards present and sized, layer classes or graph ops) and picks the executor by the
 * model.json's format (a tfjs LayersModel, or a GraphModel converted from a SavedModel), the
 * executor lists its layers (a GraphModel's layer-output nodes), and an optional card.json gives
 * class names and preprocessing.
 */
import * as tf from '@tensorflow/tfjs';
import { GraphExecutor } from '../core/model/graphModelExecutor';
import { loadHookableModel } from '../core/model/graphModel';
import { modelHash, sha256Hex } from '../core/model/hash';
import { findFile } from '../core/model/load';
import { collectModelFiles } from '../core/model/modelSource';
import { expandCardPreset } from '../core/image/presets';
import { registerKerasLayers } from '../core/model/architecturesLayers';
import { Executor } from '../core/model/executor';
import type { HookableModel } from '../core/model/runner';
import type { FileEntry, LayerSummary, ModelInfo, Preprocessing } from './api';

export interface LoadedWorkerModel {
  exec: HookableModel;
  format: 'layers-model' | 'graph-model';
  info: ModelInfo;
  /** The files it was loaded from (model.json, shards, card.json), for exporting it in a bundle
   * and for building copies on another backend (Session.smoke). */
  files: Map<string, Uint8Array>;
  /** The model.json's key in `files`. */
  jsonName: string;
  /** Frees the model's weights. */
  dispose(): void;
  /**
   * A fresh copy on the current backend, built without the loader's checks (they read tensors
   * synchronously, which loses a WebGPU device): Session.smoke.
   */
  copy(): Promise<{ exec: HookableModel; dispose(): void }>;
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

export function defaultPreprocessing(inputShape: number[], given?: Partial<Preprocessing> & { preset?: unknown }): Preprocessing {
  const [h, w, c] = inputShape;
  const channels = (given?.channels ?? (c === 1 ? 1 : 3)) as 1 | 3;
  // A card may name a preset ({"preset": "[-1,1]"}); fields it gives itself win (core/image/presets.ts).
  const card = given ? expandCardPreset(given, channels) : undefined;
  return {
    height: card?.height ?? (h > 0 ? h : 224),
    width: card?.width ?? (w > 0 ? w : 224),
    channels,
    scale: card?.scale ?? 1,
    offset: card?.offset ?? 0,
    mean: card?.mean ?? Array(channels).fill(0),
    std: card?.std ?? Array(channels).fill(1),
    ...(card?.channelOrder ? { channelOrder: card.channelOrder } : {}),
  };
}

/** The number of classes: the last axis of the model's output (a GraphModel runs once on zeros to know it). */
function outputWidth(exec: HookableModel, pre: Preprocessing): number {
  if (exec instanceof Executor) {
    const out = exec.model.outputs[0].shape;
    return Number(out[out.length - 1] ?? 0);
  }
  const shape = exec.inputShape.map((d, i) => (d > 0 ? d : [pre.height, pre.width, pre.channels][i] ?? 1));
  return tf.tidy(() => {
    const y = exec.predict(tf.zeros([1, ...shape]));
    return Number(y.shape[y.shape.length - 1] ?? 0);
  });
}

/**
 * The layers a GraphModel's gradient methods cannot reach (an op without a tfjs gradient lies
 * between them and the output), as one line naming the op and the layers that remain usable.
 */
function gradientNote(exec: GraphExecutor): string | null {
  const { blocking, differentiable } = exec.gradients;
  if (!blocking.length) return null;
  const usable = exec.layers().filter((l) => differentiable.has(l.name)).map((l) => l.name);
  const ops = [...new Set(blocking.map((b) => `${b.op} (node ${b.node})`))];
  const list = usable.length > 8 ? `${usable.slice(0, 8).join(', ')} and ${usable.length - 8} more` : usable.join(', ');
  return `op ${ops.slice(0, 3).join(', ')}${ops.length > 3 ? ` and ${ops.length - 3} more` : ''} has no gradient in tfjs, so the layers before it cannot be analyzed; usable layers: ${list || 'none'} (ablation works at every layer).`;
}

/** Loads from a file map (names are base names or relative paths). */
export async function loadModel(files: Map<string, Uint8Array>, source: string): Promise<LoadedWorkerModel> {
  const names = [...files.keys()];
  const jsonName = names.find((n) => base(n) === 'model.json') ?? names.find((n) => n.endsWith('.json') && base(n) !== 'card.json');
  if (!jsonName) fail(`loadModel: no model.json among the files (${names.map(base).join(', ') || 'none'}); drop model.json with its .bin shards.`);
  const loaded = await loadHookableModel(files, jsonName);
  try {
    const exec = loaded.exec;
    const cardKey = names.find((n) => base(n) === 'card.json');
    const card = parseCard(cardKey ? files.get(cardKey) : undefined, cardKey ?? 'card.json');
    const layers = exec.layers();
    const lastName = layers[layers.length - 1]?.name;
    const preprocessing = defaultPreprocessing(exec.inputShape, card.preprocessing);
    const numClasses = outputWidth(exec, preprocessing);
    const hash = await modelHash(files, jsonName);
    const graph = exec instanceof GraphExecutor ? exec : null;
    const usable = (name: string, className: string) => (graph ? graph.gradients.differentiable.has(name) : ANALYZABLE.test(className));
    const summaries: LayerSummary[] = layers.map((l) => ({ ...l, analyzable: l.name !== lastName && !l.nested && usable(l.name, l.className) }));
    const classNames = Array.isArray(card.classNames) && card.classNames.length === numClasses ? card.classNames.map(String) : null;
    const weightSpecs = (loaded.modelJson.weightsManifest ?? []).flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
    const params = weightSpecs.filter((w) => w.dtype === undefined || w.dtype === 'float32').reduce((s, w) => s + w.shape.reduce((p, d) => p * d, 1), 0);
    const note = graph ? gradientNote(graph) : null;
    const modelName = exec instanceof Executor ? exec.model.name : '';
    return {
      exec,
      format: loaded.format,
      files,
      jsonName,
      dispose: loaded.dispose,
      copy: async () => {
        if (loaded.format === 'graph-model') {
          const g = await loadHookableModel(files, jsonName);
          return { exec: g.exec, dispose: g.dispose };
        }
        registerKerasLayers();
        const shards = loaded.shardNames.map((n) => findFile(files, n)!);
        const artifacts = { modelTopology: loaded.modelJson.modelTopology as object, weightSpecs, weightData: concat(shards).buffer as ArrayBuffer };
        const m = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
        return { exec: new Executor(m), dispose: () => m.dispose() };
      },
      info: {
        name: card.name ?? (modelName || source),
        hash,
        format: loaded.format,
        inputShape: exec.inputShape,
        numClasses,
        classNames,
        preprocessing,
        layers: summaries,
        params,
        files: names.map(base),
        notes: note ? [note] : [],
        logits: exec.logits,
      },
    };
  } catch (e) {
    loaded.dispose();
    throw e;
  }
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
  // Either kind of model.json; the shards are the manifest's paths, whatever their names.
  const { files } = await collectModelFiles(bytes, name, async (p) => {
    const r = await fetch(new URL(p, jsonUrl)).catch((e: Error) => e);
    if (r instanceof Error) return { missing: `fetching ${new URL(p, jsonUrl).pathname} failed: ${r.message}` };
    return r.ok ? new Uint8Array(await r.arrayBuffer()) : { missing: `${new URL(p, jsonUrl).pathname} answered ${r.status}` };
  });
  const card = await fetch(new URL('card.json', jsonUrl)).catch(() => null);
  if (card?.ok && (card.headers.get('content-type') ?? '').includes('json')) files.set('card.json', new Uint8Array(await card.arrayBuffer()));
  return files;
}
