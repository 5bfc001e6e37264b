import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { modelHash, sha256Hex } from './hash';

const enc = (s: string) => new TextEncoder().encode(s);
const nodeSha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('modelHash', () => {
  it('sha256Hex matches the known digest of "abc" and of concatenated parts', async () => {
    expect(await sha256Hex([enc('abc')])).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex([enc('a'), enc('bc')])).toBe(await sha256Hex([enc('abc')]));
  });

  it('modelHash hashes model.json then the shards in manifest order, not file-map order', async () => {
    const json = enc(JSON.stringify({ format: 'graph-model', modelTopology: {}, weightsManifest: [{ paths: ['g1-shard2.bin', 'g1-shard1.bin'], weights: [] }, { paths: ['sub/g2.bin'], weights: [] }] }));
    const s1 = Uint8Array.from([1, 2, 3]);
    const s2 = Uint8Array.from([4, 5]);
    const g2 = Uint8Array.from([6]);
    const files = new Map([['g1-shard1.bin', s1], ['dir/model.json', json], ['g2.bin', g2], ['g1-shard2.bin', s2]]);
    expect(await modelHash(files, 'dir/model.json')).toBe(nodeSha(json, s2, s1, g2));
    expect(await modelHash(files)).toBe(nodeSha(json, s2, s1, g2)); // found by base name
  });

  it('modelHash names a missing model.json or shard', async () => {
    const json = enc(JSON.stringify({ weightsManifest: [{ paths: ['w.bin'], weights: [] }] }));
    await expect(modelHash(new Map([['model.json', json]]))).rejects.toThrow(/^modelHash: w\.bin: weight shard is missing \(model\.json lists it\)\.$/);
    await expect(modelHash(new Map(), 'm.json')).rejects.toThrow(/^modelHash: m\.json: not found among the files\.$/);
    await expect(modelHash(new Map([['model.json', enc('{')]]))).rejects.toThrow(/^modelHash: model\.json: not valid JSON/);
  });
});
