/**
 * Joining shard bundles (`codec merge`): every part must be a shard of the same analysis (same
 * model hash, settings, preprocessing, class names, layers and image set) and every shard of it
 * must be given exactly once; the parts' per-image arrays are then concatenated in image order.
 * Each refusal is one line naming the part and the field. The result is the whole analysis'
 * collected arrays, from which fitAnalysis.ts computes the metrics and SAEs.
 */
import type { Bundle } from '../bundle/reader';
import type { BundleManifest } from '../bundle/manifest';
import { CodecError } from '../errors';
import type { Collected, CollectedLayer } from '../pipeline/collect';
import { stepChangeOf, type StepChange } from '../pipeline/stepCheck';
import { imageSetHash } from './plan';

export interface ShardPart {
  /** How the user named it (a path), for messages. */
  name: string;
  bundle: Bundle;
}

export interface JoinedAnalysis {
  /** The first part's manifest with the whole set's images and labels, no partial record. */
  manifest: BundleManifest;
  /** The part the manifest came from (shard 0), whose location its relative paths start from. */
  from: string;
  collected: Collected;
  stepChange: Map<string, StepChange> | null;
}

const fail = (msg: string): never => {
  throw new CodecError('InputError', `merge: ${msg}`);
};

const show = (v: unknown) => {
  if (typeof v === 'string' && v.length > 24) return `${v.slice(0, 12)}...`; // a hash: its start names it
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** The fields every part must share, by name. */
function identity(m: BundleManifest): Map<string, unknown> {
  const out = new Map<string, unknown>([
    ['model.sha256', m.model.sha256],
    ['partial.shard.count', m.partial!.shard.count],
    ['partial.shard.totalImages', m.partial!.shard.totalImages],
    ['partial.imagesSha256 (the image set)', m.partial!.imagesSha256],
  ]);
  const settings = m.settings as unknown as Record<string, unknown>;
  for (const k of Object.keys(settings).sort()) if (k !== 'tinyDF') out.set(`settings.${k}`, settings[k]);
  out.set('preprocessing', m.preprocessing).set('classNames', m.classNames).set('model.logits', m.model.logits ?? null);
  out.set('layers', m.layers.map((l) => `${l.name}:${l.className}:${l.outputShape}:${l.isCut}`));
  out.set('partial.stepCheck.steps', m.partial!.stepCheck?.steps ?? null).set('partial.stepCheck.sample', m.partial!.stepCheck?.sample ?? null);
  return out;
}

/** Checks the parts and returns them sorted by shard index (all present once). */
export function checkParts(parts: ShardPart[]): ShardPart[] {
  if (!parts.length) fail('give the shard bundles to join (codec merge <parts...> --out <bundle>).');
  for (const p of parts) if (!p.bundle.manifest.partial) fail(`${p.name}: not a shard (its manifest.json has no partial record; write shards with codec analyze --shard i/n).`);
  const first = parts[0];
  const want = identity(first.bundle.manifest);
  for (const p of parts.slice(1)) {
    const got = identity(p.bundle.manifest);
    for (const field of new Set([...want.keys(), ...got.keys()])) {
      if (JSON.stringify(want.get(field)) !== JSON.stringify(got.get(field))) fail(`${p.name}: ${field} differs from ${first.name} (${show(got.get(field))} vs ${show(want.get(field))}).`);
    }
  }
  const { count, totalImages } = first.bundle.manifest.partial!.shard;
  const byIndex = new Map<number, ShardPart>();
  for (const p of parts) {
    const { index } = p.bundle.manifest.partial!.shard;
    const prev = byIndex.get(index);
    if (prev) fail(`shard ${index}/${count} given twice (${prev.name} and ${p.name}).`);
    byIndex.set(index, p);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) fail(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing (${parts.length} of ${count} given); give every shard 0..${count - 1} once.`);
  const sorted = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
  let next = 0;
  for (const p of sorted) {
    const [s, e] = p.bundle.manifest.partial!.shard.imageRange;
    if (s !== next) fail(`${p.name}: partial.shard.imageRange starts at image ${s}, but the shards before it end at ${next}.`);
    next = e;
  }
  if (next !== totalImages) fail(`the shards hold images 0..${next}, but the set has ${totalImages}.`);
  return sorted;
}

const nums = (v: (number | null)[] | null | undefined) => (v ? Float32Array.from(v, (x) => (x === null ? NaN : x)) : null);

async function floats(b: Bundle, ref: Parameters<Bundle['getArray']>[0]): Promise<Float32Array> {
  const a = await b.getArray(ref);
  return a instanceof Float32Array ? a : Float32Array.from(a);
}

function concat<T extends Float32Array | Int32Array>(parts: T[], make: (n: number) => T): T {
  const out = make(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Checks the parts and joins their arrays in image order. */
export async function joinShards(parts: ShardPart[]): Promise<JoinedAnalysis> {
  const sorted = checkParts(parts);
  const ms = sorted.map((p) => p.bundle.manifest);
  const base = ms[0];
  const f32 = (n: number) => new Float32Array(n);
  const images = ms.flatMap((m) => m.images);
  const labels = ms.every((m) => m.labels) ? ms.flatMap((m) => m.labels!) : undefined;
  if ((await imageSetHash(images, labels)) !== base.partial!.imagesSha256) fail(`the joined image names and labels do not match partial.imagesSha256 (a part holds other images than its range says).`);
  const out = async (key: 'F' | 'F0' | 'probs') => concat(await Promise.all(sorted.map((p) => floats(p.bundle, p.bundle.manifest.outputs[key]!))), f32);
  const numClasses = base.outputs.probs ? base.outputs.probs.shape[1] : base.classNames.length;
  const collected: Collected = {
    F: await out('F'),
    F0: await out('F0'),
    targetClass: concat(await Promise.all(sorted.map(async (p) => Int32Array.from(await p.bundle.getArray(p.bundle.manifest.outputs.targetClass)))), (n) => new Int32Array(n)),
    probs: base.outputs.probs ? await out('probs') : new Float32Array(images.length * numClasses),
    numClasses,
    layers: [],
  };
  for (const [li, l] of base.layers.entries()) {
    const arr = async (kind: string) => concat(await Promise.all(sorted.map((p) => floats(p.bundle, p.bundle.manifest.layers[li].arrays[kind]))), f32);
    const list = (k: 'completeness' | 'completenessGap' | 'completenessSymmetric') => (ms.every((m) => m.layers[li][k]) ? concat(ms.map((m) => nums(m.layers[li][k])!), f32) : null);
    const net = await arr('contrib_net');
    const channels = l.arrays.contrib_net.shape[1];
    const layer: CollectedLayer = {
      name: l.name,
      shape: l.outputShape,
      channels,
      net,
      ei: await arr('contrib_ei'),
      actNet: await arr('act_net'),
      total: Float32Array.from({ length: images.length }, (_, i) => net.subarray(i * channels, (i + 1) * channels).reduce((a, b) => a + b, 0)),
      completeness: list('completeness'),
      completenessGap: list('completenessGap'),
      completenessSymmetric: list('completenessSymmetric'),
      stepsUsed: ms.every((m) => m.layers[li].stepsUsed) ? Int32Array.from(ms.flatMap((m) => m.layers[li].stepsUsed!)) : null,
    };
    collected.layers.push(layer);
  }
  let stepChange: Map<string, StepChange> | null = null;
  const sc = base.partial!.stepCheck;
  if (sc) {
    stepChange = new Map();
    for (const l of base.layers) {
      const rows = ms.flatMap((m) => m.partial!.stepCheck!.layers[l.name]?.change ?? []);
      if (rows.length !== sc.sample) fail(`the shards' step checks of layer ${l.name} hold ${rows.length} images, but the sample is ${sc.sample}.`);
      stepChange.set(l.name, stepChangeOf(rows, sc.steps));
    }
  }
  const manifest: BundleManifest = { ...base, images, labels };
  delete manifest.partial;
  return { manifest, from: sorted[0].name, collected, stepChange };
}
