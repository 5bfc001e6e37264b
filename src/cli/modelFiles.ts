/**
 * Reads a model.json of either kind (LayersModel or GraphModel) and the shards its
 * weightsManifest names from disk into a file map, through core/model/modelSource.ts.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CodecError } from '../core/errors';
import { loadHookableModel, type LoadedHookable } from '../core/model/graphModel';
import { loadModelFromFiles, type LoadedModel } from '../core/model/load';
import { collectModelFiles, type ModelFiles, type ShardReader } from '../core/model/modelSource';

/** A ShardReader for the folder `dir` (a path that leaves it is refused). */
export function diskShardReader(dir: string, jsonName: string): ShardReader {
  return async (p) => {
    const full = path.resolve(dir, p);
    if (!full.startsWith(path.resolve(dir) + path.sep)) throw new CodecError('ModelError', `${jsonName}: shard path ${p} leaves the model's folder.`);
    try {
      return await fs.readFile(full);
    } catch {
      return { missing: `no file ${full}` };
    }
  };
}

/** model.json at `modelJsonPath` and its shards, with the format model.json declares. */
export async function readModelSource(modelJsonPath: string): Promise<ModelFiles> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(modelJsonPath);
  } catch {
    throw new CodecError('ModelError', `${modelJsonPath}: cannot read the file (does it exist?).`);
  }
  const name = path.basename(modelJsonPath);
  return collectModelFiles(bytes, name, diskShardReader(path.dirname(modelJsonPath), name));
}

export async function readModelFiles(modelJsonPath: string): Promise<Map<string, Uint8Array>> {
  return (await readModelSource(modelJsonPath)).files;
}

/** A LayersModel from disk (a GraphModel's model.json is refused with a message saying so). */
export async function loadModelFromDisk(modelJsonPath: string): Promise<LoadedModel> {
  const files = await readModelFiles(modelJsonPath);
  return loadModelFromFiles(files, path.basename(modelJsonPath));
}

/** A LayersModel or a GraphModel from disk, as the engine's HookableModel (the CLI's loader). */
export async function loadHookableFromDisk(modelJsonPath: string): Promise<LoadedHookable> {
  const files = await readModelFiles(modelJsonPath);
  return loadHookableModel(files, path.basename(modelJsonPath));
}
