/** sha256 over model.json and its weight shards in manifest order (WebCrypto: browsers and Node). */
import { CodecError } from '../errors';
import { parseModelJson } from './load';

const base = (p: string) => p.split(/[\\/]/).pop() ?? p;

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

export async function modelHash(files: Map<string, Uint8Array>, modelJsonName = 'model.json'): Promise<string> {
  const byBase = new Map([...files].map(([k, v]) => [base(k), v]));
  const json = files.get(modelJsonName) ?? byBase.get(base(modelJsonName));
  if (!json) throw new CodecError('ModelError', `${modelJsonName}: not found.`);
  const parts = [json];
  for (const g of parseModelJson(json, modelJsonName).weightsManifest ?? []) {
    for (const p of g.paths) {
      const shard = files.get(p) ?? byBase.get(base(p));
      if (shard) parts.push(shard);
    }
  }
  return sha256Hex(parts);
}
