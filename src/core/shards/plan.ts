/**
 * Splitting an analysis into shards: `i/n` parsed, the contiguous image range of shard i, and the
 * identity of the whole image set (names and labels) every shard records.
 */
import { CodecError } from '../errors';
import { sha256Hex } from '../model/hash';

/** Parses "i/n" (0-based i < n). */
export function parseShard(s: string, where = 'analyze'): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new CodecError('InputError', `${where}: --shard must be i/n with 0 <= i < n (e.g. 0/4 ... 3/4), but got ${JSON.stringify(s)}.`);
  return { index, count };
}

/** [start, end) of shard `index` of `count` over `total` images: contiguous, in image order, sizes differing by at most one. */
export function shardRange(index: number, count: number, total: number): [number, number] {
  return [Math.floor((index * total) / count), Math.floor(((index + 1) * total) / count)];
}

/** sha256 of the image set's names and labels (one JSON text), the same in every shard of one set. */
export function imageSetHash(names: string[], labels?: number[]): Promise<string> {
  return sha256Hex([new TextEncoder().encode(JSON.stringify({ names, labels: labels ?? null }))]);
}
