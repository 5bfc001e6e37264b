/** Reads a model.json and the shards its weightsManifest names from disk into a file map. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CodecError } from '../core/errors';
import { loadHookableModel, type LoadedHookable } from '../core/model/graphModel';
import { loadModelFromFiles, parseModelJson, type LoadedModel } from '../core/model/load';

export async function readModelFiles(modelJsonPath: string): Promise<Map<string, Uint8Array>> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(modelJsonPath);
  } catch {
    throw new CodecError('ModelError', `${modelJsonPath}: cannot read the file (does it exist?).`);
  }
  const name = path.basename(modelJsonPath);
  const json = parseModelJson(bytes, name);
  const files = new Map<string, Uint8Array>([[name, bytes]]);
  const dir = path.dirname(modelJsonPath);
  for (const group of json.weightsManifest ?? []) {
    for (const p of group.paths) {
      const full = path.resolve(dir, p);
      if (!full.startsWith(path.resolve(dir) + path.sep)) throw new CodecError('ModelError', `${name}: shard path ${p} leaves the model's folder.`);
      try {
        files.set(p, await fs.readFile(full));
      } catch {
        // Leave it out: the loader names the missing shard.
      }
    }
  }
  return files;
}

export async function loadModelFromDisk(modelJsonPath: string): Promise<LoadedModel> {
  const files = await readModelFiles(modelJsonPath);
  return loadModelFromFiles(files, path.basename(modelJsonPath));
}

/** A LayersModel or a GraphModel from disk, as the engine's HookableModel (the CLI's loader). */
export async function loadHookableFromDisk(modelJsonPath: string): Promise<LoadedHookable> {
  const files = await readModelFiles(modelJsonPath);
  return loadHookableModel(files, path.basename(modelJsonPath));
}
