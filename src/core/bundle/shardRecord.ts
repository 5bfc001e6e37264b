/**
 * The `partial` record of a shard bundle (`codec analyze --shard i/n`; docs/shards.md): which
 * contiguous share of the image set this bundle holds, a hash of the whole set's image names and
 * labels (so `codec merge` can check that every part analysed the same set), and the per-image
 * step-check rows of the whole run's sample that fall in this share (so the merged step check
 * equals one run's). Optional: bundles without it are whole analyses, as before (format version 2).
 */
import { CodecError } from '../errors';

export interface ShardInfo {
  /** 0-based shard index, < count. */
  index: number;
  count: number;
  /** [start, end): the images of the whole set this shard holds, in image order. */
  imageRange: [number, number];
  totalImages: number;
}

export interface ShardStepCheck {
  /** S (the 2S run is the extra). */
  steps: number;
  /** Images in the whole run's sample (the merged stepChangeSample). */
  sample: number;
  /** Per layer: global image indices of the sample in this shard and their S vs 2S change (null where undefined). */
  layers: Record<string, { images: number[]; change: (number | null)[] }>;
}

export interface PartialRecord {
  shard: ShardInfo;
  /** sha256 (hex) of the whole image set's names and labels (imageSetHash, shards/plan.ts). */
  imagesSha256: string;
  stepCheck?: ShardStepCheck;
}

function fail(msg: string): never {
  throw new CodecError('BundleError', `bundle: manifest.json: partial.${msg}`);
}

const isInt = (v: unknown): v is number => Number.isInteger(v);

/** Checks a manifest's `partial` record against its image count (one BundleError line). */
export function checkPartialRecord(p: unknown, n: number): void {
  if (p === undefined) return;
  if (p === null || typeof p !== 'object') fail(`must be an object, but got ${JSON.stringify(p)}.`);
  const { shard, imagesSha256 } = p as PartialRecord;
  if (!shard || !isInt(shard.index) || !isInt(shard.count) || shard.count < 1 || shard.index < 0 || shard.index >= shard.count) fail(`shard must have integers 0 <= index < count, but got ${JSON.stringify(shard)}.`);
  const r = shard.imageRange;
  if (!Array.isArray(r) || r.length !== 2 || !isInt(r[0]) || !isInt(r[1]) || r[0] < 0 || r[1] < r[0] || !isInt(shard.totalImages) || r[1] > shard.totalImages) fail(`shard.imageRange must be [start, end] with 0 <= start <= end <= totalImages, but got ${JSON.stringify(r)} of ${JSON.stringify(shard.totalImages)}.`);
  if (r[1] - r[0] !== n) fail(`shard.imageRange [${r[0]}, ${r[1]}) holds ${r[1] - r[0]} images, but the bundle has ${n}.`);
  if (typeof imagesSha256 !== 'string') fail(`imagesSha256 must be a string.`);
}
