import { describe, expect, it } from 'vitest';
import { checkPartialRecord } from '../bundle/shardRecord';
import { imageSetHash, parseShard, shardRange } from './plan';

describe('shard plan', () => {
  it('ranges tile the set in order, sizes differing by at most one', () => {
    for (const [n, total] of [[4, 15], [4, 200], [3, 2], [16, 50000], [1, 7]]) {
      const r = Array.from({ length: n }, (_, i) => shardRange(i, n, total));
      expect(r[0][0]).toBe(0);
      expect(r.at(-1)![1]).toBe(total);
      for (let i = 1; i < n; i++) expect(r[i][0]).toBe(r[i - 1][1]);
      const sizes = r.map(([a, b]) => b - a);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('parses i/n (0-based) and refuses anything else in one line', () => {
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '1/0', '-1/4', '1', 'a/b', '1/4/2']) expect(() => parseShard(bad)).toThrow(/^analyze: --shard must be i\/n/);
  });

  it('the image set hash depends on names, order and labels', async () => {
    const h = await imageSetHash(['a', 'b'], [0, 1]);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(await imageSetHash(['b', 'a'], [0, 1])).not.toBe(h);
    expect(await imageSetHash(['a', 'b'], [1, 1])).not.toBe(h);
    expect(await imageSetHash(['a', 'b'])).not.toBe(h);
  });

  it('validates the partial record against the image count', () => {
    const ok = { shard: { index: 1, count: 4, imageRange: [3, 7], totalImages: 15 }, imagesSha256: 'x' };
    expect(() => checkPartialRecord(ok, 4)).not.toThrow();
    expect(() => checkPartialRecord(undefined, 4)).not.toThrow();
    expect(() => checkPartialRecord(ok, 5)).toThrow(/partial\.shard\.imageRange \[3, 7\) holds 4 images, but the bundle has 5/);
    expect(() => checkPartialRecord({ ...ok, shard: { ...ok.shard, index: 4 } }, 4)).toThrow(/0 <= index < count/);
    expect(() => checkPartialRecord({ ...ok, shard: { ...ok.shard, imageRange: [3, 16] } }, 13)).toThrow(/inside|<= totalImages/);
  });
});
