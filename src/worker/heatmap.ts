/**
 * A mode's heatmap over one image, with the engine's functions: at layer resolution the
 * per-position contributions (conductance with maps kept) of the mode's top channels, summed and
 * upsampled; at input resolution gradient x input through those channels, signed, and the
 * reference's masked recipe beside it.
 */
import * as tf from '@tensorflow/tfjs';
import { atomChannelScores } from '../core/ablation/channels';
import { conductance } from '../core/attribution/conductance';
import type { TargetSpec } from '../core/attribution/targets';
import { inputModeMap, referenceMask } from '../core/heatmap/inputMap';
import { channelSumMap, upsampleBilinear } from '../core/heatmap/layerMap';
import type { HookableModel } from '../core/model/runner';
import type { HeatmapRequest, HeatmapResult } from './api';

/** Channels per mode shown in a heatmap (the reference script uses 3). */
export const HEATMAP_CHANNELS = 3;

export interface HeatmapContext {
  exec: HookableModel;
  /** The image in model input space (H, W, C). */
  x: Float32Array;
  inputShape: [number, number, number];
  atom: Float32Array;
  channels: number;
  target: TargetSpec;
  targetClass: number;
  steps: number;
  /** The analysis' baseline (layer-resolution maps use it, as the analysis did). */
  baseline: 'zeros' | 'blur';
  /** Every alive mode's atom at the layer: at layer resolution the colour scale is the largest |value| over their maps. */
  scaleAtoms?: Float32Array[];
  /** The image's largest-share mode's atom (null: it is this mode): at input resolution the scale covers its map too. */
  anchorAtom?: Float32Array | null;
}

const maxAbsOf = (v: Float32Array): number => {
  let m = 0;
  for (const x of v) if (Math.abs(x) > m) m = Math.abs(x);
  return m;
};

/** The mode's top channels by the atom's signed entries (ei atoms: both halves summed). */
export function modeChannels(atom: Float32Array, channels: number, count = HEATMAP_CHANNELS): number[] {
  const scores = atomChannelScores(atom, channels, 'sum');
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, Math.min(count, channels));
}

const mapCache = new Map<string, { map: Float32Array; shape: number[] }>();

/** Per-position contributions of one layer for one image (cached: a mode change re-uses them). */
async function layerMap(ctx: HeatmapContext, key: string, layer: string): Promise<{ map: Float32Array; shape: number[] }> {
  const hit = mapCache.get(key);
  if (hit) return hit;
  const x = tf.tensor4d(ctx.x, [1, ...ctx.inputShape]);
  try {
    const r = await conductance(ctx.exec, x, { layers: [layer], steps: ctx.steps, target: ctx.target, baseline: ctx.baseline, keepMaps: true });
    const l = r.layers.get(layer)!;
    const v = { map: l.map!, shape: l.shape };
    if (mapCache.size > 64) mapCache.delete(mapCache.keys().next().value!);
    mapCache.set(key, v);
    return v;
  } finally {
    x.dispose();
  }
}

const anchorCache = new Map<string, number>();

/** Max |value| of the input-resolution map through `channels` (the image's largest-share mode; cached per image and layer). */
async function anchorMax(ctx: HeatmapContext, x: tf.Tensor4D, layer: string, key: string, channels: number[]): Promise<number> {
  const k = `${key}|${channels.join(',')}`;
  const hit = anchorCache.get(k);
  if (hit !== undefined) return hit;
  const r = await inputModeMap(ctx.exec, x, layer, channels, ctx.target, Math.max(0, ctx.targetClass));
  const m = maxAbsOf(r.signed);
  if (anchorCache.size > 256) anchorCache.delete(anchorCache.keys().next().value!);
  anchorCache.set(k, m);
  return m;
}

export function clearHeatmapCache(): void {
  mapCache.clear();
  anchorCache.clear();
}

export async function computeHeatmap(ctx: HeatmapContext, req: HeatmapRequest, cacheKey: string): Promise<HeatmapResult> {
  const [H, W] = ctx.inputShape;
  const channels = modeChannels(ctx.atom, ctx.channels);
  const info = ctx.exec.layer(req.layer);
  const spatial = info.outputShape.length === 3;
  let values: Float32Array;
  let mask: Float32Array | null = null;
  let resolution = req.resolution;
  // One colour scale per image (in the map's units), so that a mode's strength on the image shows:
  // a mode that barely acts draws faint, not as saturated as the image's strongest mode.
  let scale = 0;
  let scaleOver: HeatmapResult['scaleOver'] = 'this mode';
  if (resolution === 'layer' && spatial) {
    const { map, shape } = await layerMap(ctx, `${cacheKey}|${req.layer}`, req.layer);
    const [h, w, c] = shape;
    const own = channelSumMap(map, h, w, c, channels);
    values = upsampleBilinear(own, h, w, H, W);
    scale = maxAbsOf(own);
    if (ctx.scaleAtoms?.length) {
      for (const atom of ctx.scaleAtoms) scale = Math.max(scale, maxAbsOf(channelSumMap(map, h, w, c, modeChannels(atom, ctx.channels))));
      scaleOver = 'every alive mode';
    }
  } else {
    resolution = 'input';
    const x = tf.tensor4d(ctx.x, [1, ...ctx.inputShape]);
    try {
      const r = await inputModeMap(ctx.exec, x, req.layer, channels, ctx.target, Math.max(0, ctx.targetClass));
      values = r.signed;
      mask = referenceMask(r.gradXInput, H, W, ctx.inputShape[2]);
      scale = maxAbsOf(values);
      if (ctx.anchorAtom) {
        scale = Math.max(scale, await anchorMax(ctx, x, req.layer, `${cacheKey}|${req.layer}|input`, modeChannels(ctx.anchorAtom, ctx.channels)));
        scaleOver = "this mode and the image's largest-share mode";
      }
    } finally {
      x.dispose();
    }
  }
  const maxAbs = maxAbsOf(values);
  return { ...req, resolution, values, height: H, width: W, maxAbs, scale: Math.max(scale, maxAbs), scaleOver, channels, mask };
}
