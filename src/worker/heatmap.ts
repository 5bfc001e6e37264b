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
}

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

export function clearHeatmapCache(): void {
  mapCache.clear();
}

export async function computeHeatmap(ctx: HeatmapContext, req: HeatmapRequest, cacheKey: string): Promise<HeatmapResult> {
  const [H, W] = ctx.inputShape;
  const channels = modeChannels(ctx.atom, ctx.channels);
  const info = ctx.exec.layer(req.layer);
  const spatial = info.outputShape.length === 3;
  let values: Float32Array;
  let mask: Float32Array | null = null;
  let resolution = req.resolution;
  if (resolution === 'layer' && spatial) {
    const { map, shape } = await layerMap(ctx, `${cacheKey}|${req.layer}`, req.layer);
    const [h, w, c] = shape;
    values = upsampleBilinear(channelSumMap(map, h, w, c, channels), h, w, H, W);
  } else {
    resolution = 'input';
    const x = tf.tensor4d(ctx.x, [1, ...ctx.inputShape]);
    try {
      const r = await inputModeMap(ctx.exec, x, req.layer, channels, ctx.target, Math.max(0, ctx.targetClass));
      values = r.signed;
      mask = referenceMask(r.gradXInput, H, W, ctx.inputShape[2]);
    } finally {
      x.dispose();
    }
  }
  let maxAbs = 0;
  for (const v of values) if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  return { ...req, resolution, values, height: H, width: W, maxAbs, channels, mask };
}
