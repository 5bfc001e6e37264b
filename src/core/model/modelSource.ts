/**
 * The one place that reads a model.json of either kind and gathers its files: the format is
 * decided here (a LayersModel, or a GraphModel converted from a SavedModel), before anything
 * parses the JSON as one kind, and the shards are the paths model.json's weightsManifest lists,
 * whatever their names (`group1-shard1of1.bin`, or `group1-shard1of1` as some converters write).
 * The CLI (from disk), the worker (from a URL) and fileIO's tfjs handler all call
 * `collectModelFiles` with their own way of reading one path.
 */
import { CodecError } from '../errors';
import { parseModelJson, type ModelJson } from './load';

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

export type ModelFormat = 'layers-model' | 'graph-model';

/** 'graph-model' for format "graph-model" (or, from older converters, no format and a GraphDef node list). */
export function modelJsonFormat(json: { format?: unknown; modelTopology?: unknown }): ModelFormat {
  if (json.format === 'graph-model') return 'graph-model';
  const node = (json.modelTopology as { node?: unknown } | null | undefined)?.node;
  return json.format === undefined && Array.isArray(node) ? 'graph-model' : 'layers-model';
}

/** Parses and checks model.json as the kind it says it is. */
export function parseAnyModelJson(bytes: Uint8Array, file = 'model.json'): { json: ModelJson; format: ModelFormat } {
  let format: ModelFormat = 'layers-model';
  try {
    format = modelJsonFormat(JSON.parse(new TextDecoder().decode(bytes)) as ModelJson);
  } catch {
    // parseModelJson names the problem.
  }
  return { json: parseModelJson(bytes, file, format), format };
}

/** Reads one shard path relative to model.json: its bytes, or a reason it could not be read. */
export type ShardReader = (path: string) => Promise<Uint8Array | { missing: string }>;

export interface ModelFiles {
  /** model.json under `jsonName`, each shard under its manifest path. */
  files: Map<string, Uint8Array>;
  json: ModelJson;
  format: ModelFormat;
  /** Shard paths in manifest order. */
  shards: string[];
}

/**
 * model.json's bytes and every shard its weightsManifest lists, read with `read`; a shard that
 * cannot be read is a ModelError naming it (and the reason the reader gives).
 */
export async function collectModelFiles(jsonBytes: Uint8Array, jsonName: string, read: ShardReader): Promise<ModelFiles> {
  const { json, format } = parseAnyModelJson(jsonBytes, jsonName);
  const files = new Map<string, Uint8Array>([[jsonName, jsonBytes]]);
  const shards = (json.weightsManifest ?? []).flatMap((g) => g.paths);
  const got = await Promise.all(shards.map((p) => read(p)));
  got.forEach((r, i) => {
    if (r instanceof Uint8Array) files.set(shards[i], r);
    else throw new CodecError('ModelError', `${shards[i]}: weight shard is missing (named in ${baseName(jsonName)}'s weightsManifest; ${r.missing}).`);
  });
  return { files, json, format, shards };
}
