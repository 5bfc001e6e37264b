/**
 * The model's identity in a bundle: sha256 (hex) over the bytes of model.json followed by its
 * weight shards, in the order weightsManifest lists them (groups, then paths), i.e.
 * `sha256sum` of `cat model.json group1-shard1of2.bin group1-shard2of2.bin ...`. WebCrypto
 * (`crypto.subtle`), so the browser and Node give the same hash. Works for LayersModel and
 * GraphModel files alike (only `weightsManifest[].paths` is read).
 */
import { CodecError } from '../errors';

const base = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** sha256 (lower-case hex) of the concatenation of `parts`. */
export async function sha256Hex(parts: Uint8Array[]): Promise<string> {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const all = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  const digest = await crypto.subtle.digest('SHA-256', all);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A file by its key, else by base name (dropped files are keyed by base names or paths). */
function lookup(files: Map<string, Uint8Array>, name: string): Uint8Array | undefined {
  return files.get(name) ?? [...files].find(([k]) => base(k) === base(name))?.[1];
}

/** The shard paths of a model.json, in manifest order (one-line ModelErrors naming the file). */
export function shardPaths(json: Uint8Array, file = 'model.json'): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(json));
  } catch (e) {
    throw new CodecError('ModelError', `modelHash: ${file}: not valid JSON (${(e as Error).message}).`);
  }
  const groups = (parsed as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (groups === undefined) return [];
  if (!Array.isArray(groups) || !groups.every((g) => Array.isArray(g?.paths) && g.paths.every((p: unknown) => typeof p === 'string'))) {
    throw new CodecError('ModelError', `modelHash: ${file}: weightsManifest must be a list of groups with string paths.`);
  }
  return groups.flatMap((g: { paths: string[] }) => g.paths);
}

/**
 * sha256 of model.json (`modelJsonName`, looked up by key or base name) and its shards in
 * manifest order. A missing model.json or shard is an error naming it (a hash without a shard
 * would not identify the model).
 */
export async function modelHash(files: Map<string, Uint8Array>, modelJsonName = 'model.json'): Promise<string> {
  const json = lookup(files, modelJsonName);
  if (!json) throw new CodecError('ModelError', `modelHash: ${modelJsonName}: not found among the files.`);
  const parts = [json];
  for (const p of shardPaths(json, base(modelJsonName))) {
    const shard = lookup(files, p);
    if (!shard) throw new CodecError('ModelError', `modelHash: ${base(p)}: weight shard is missing (${base(modelJsonName)} lists it).`);
    parts.push(shard);
  }
  return sha256Hex(parts);
}
