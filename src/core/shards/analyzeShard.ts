/**
 * One shard of an analysis (`codec analyze --shard i/n`): the contributions, activations and
 * outputs of a contiguous share of the image set, written as a partial bundle. No metrics, no SAEs
 * and no sweeps: those need the whole set and are computed by `codec merge` (or `codec fit`).
 * The step check runs on the images of the whole run's sample that fall in this share, so the
 * merged step check equals one run's.
 */
import { decodeArray } from '../bundle/arrays';
import { MANIFEST_FILE, type BundleManifest } from '../bundle/manifest';
import type { PartialRecord } from '../bundle/shardRecord';
import { validateManifest } from '../bundle/validate';
import type { HookableModel } from '../model/runner';
import { CodecError } from '../errors';
import { analyze, type AnalyzeOptions, type AnalyzeResult } from '../pipeline/analyze';
import type { InputSet } from '../pipeline/imageBatch';
import { sampleIndices, stepChangeRows } from '../pipeline/stepCheck';
import { imageSetHash, shardRange } from './plan';

/** The images [start, end) of a set, as a set. */
export function sliceInputSet(set: InputSet, start: number, end: number): InputSet {
  const per = set.height * set.width * set.channels;
  return { ...set, data: set.data.subarray(start * per, end * per), n: end - start, names: set.names.slice(start, end), labels: set.labels?.slice(start, end) };
}

/** Where a shard sits in the whole set: its index, and the whole set's names and labels (for the set's hash). */
export interface ShardPlace {
  index: number;
  count: number;
  /** [start, end) of the whole set (shardRange). */
  imageRange: [number, number];
  whole: { n: number; names: string[]; labels?: number[] };
}

/** Shard `index` of `count` of a whole set held in memory: its images and its place. */
export function shardOf(set: InputSet, index: number, count: number): { part: InputSet; place: ShardPlace } {
  const imageRange = shardRange(index, count, set.n);
  return { part: sliceInputSet(set, ...imageRange), place: { index, count, imageRange, whole: { n: set.n, names: set.names, labels: set.labels } } };
}

/** Analyses the images `part` of a shard at `place` (a target that depends on the whole set is resolved by the caller). */
export async function analyzeShard(exec: HookableModel, part: InputSet, place: ShardPlace, options: AnalyzeOptions): Promise<AnalyzeResult> {
  const [start, end] = place.imageRange;
  const total = place.whole.n;
  if (part.n !== end - start || place.whole.names.length !== total) throw new CodecError('InputError', `analyze: shard ${place.index}/${place.count}: ${part.n} images for the range [${start}, ${end}) of ${total}.`);
  const res = await analyze(exec, part, { ...options, sae: 'none', sweep: false, saeExtra: undefined, stepCheck: 0 });
  const m = res.manifest;
  const method = m.settings.method;
  const sample = options.stepCheck ?? 8;
  const partial: PartialRecord = { shard: { index: place.index, count: place.count, imageRange: [start, end], totalImages: total }, imagesSha256: await imageSetHash(place.whole.names, place.whole.labels) };
  if (!options.autoSteps && sample > 0 && (method === 'conductance' || method === 'hidden-ig')) {
    const global = sampleIndices(total, sample).filter((i) => i >= start && i < end);
    const layers = m.layers.map((l) => {
      const ref = l.arrays.contrib_net;
      return { name: l.name, channels: ref.shape[1], net: decodeArray(res.files.get(ref.file)!, ref.dtype, ref.shape, ref.file) as Float32Array };
    });
    const rows = global.length
      ? await stepChangeRows(exec, part, { layers: layers as never }, { method, layers: options.layers, steps: m.settings.steps, target: options.target ?? { kind: 'logit' }, baseline: options.baseline ?? 'zeros', alphaChunk: options.alphaChunk, memoryBudgetBytes: options.memoryBudgetBytes, signal: options.signal }, global.map((i) => i - start))
      : new Map<string, (number | null)[]>();
    partial.stepCheck = { steps: m.settings.steps, sample: sampleIndices(total, sample).length, layers: Object.fromEntries(m.layers.map((l) => [l.name, { images: global, change: rows.get(l.name) ?? [] }])) };
  }
  // Metrics and the tiny-|dF| threshold are the whole set's: a share's would mislead, so they are left out.
  for (const l of m.layers) delete l.metrics;
  delete m.settings.tinyDF;
  m.partial = partial;
  const json = JSON.stringify(m, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
  validateManifest(JSON.parse(json), (f) => res.files.get(f)?.length);
  res.files.set(MANIFEST_FILE, new TextEncoder().encode(json));
  return { files: res.files, manifest: m as BundleManifest };
}
