/**
 * Named input preprocessings that published models expect, as Preprocessing fields
 * (x = (p/255 * scale + offset - mean[c]) / std[c], channel c read from the pixel's channel in
 * `channelOrder`):
 *   '[0,1]'     x = p/255                               (tfjs and many Keras models)
 *   '[-1,1]'    x = p/127.5 - 1                         (Keras MobileNet, MobileNetV2, Inception: mode 'tf')
 *   'caffe'     BGR order, x = p - [103.939, 116.779, 123.68]   (Keras VGG, ResNet50: mode 'caffe')
 *   'imagenet'  x = (p/255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]  (PyTorch, Keras mode 'torch')
 *   'raw'       x = p, 0..255                           (models that normalise inside, e.g. EfficientNet)
 * Aliases: Keras' mode names 'tf' and 'torch', and '0-1', '-1-1', '0-255'.
 */
import type { Preprocessing } from '../bundle/manifest';
import { CodecError } from '../errors';

export const PRESET_NAMES = ['[0,1]', '[-1,1]', 'caffe', 'imagenet', 'raw'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** The fields a preset sets (height, width and channels stay the model's). */
export type PresetFields = Pick<Preprocessing, 'scale' | 'offset' | 'mean' | 'std'> & { channelOrder: 'rgb' | 'bgr' };

/** Per preset: one line for people, and its fields for 3 channels (null mean/std: 0/1 for any channel count). */
export const PRESETS: Record<PresetName, { label: string; scale: number; offset: number; mean: number[] | null; std: number[] | null; bgr: boolean }> = {
  '[0,1]': { label: '[0,1]: pixel / 255', scale: 1, offset: 0, mean: null, std: null, bgr: false },
  '[-1,1]': { label: '[-1,1]: pixel / 127.5 - 1 (Keras MobileNet, Inception)', scale: 2, offset: -1, mean: null, std: null, bgr: false },
  caffe: { label: 'caffe: BGR, pixel - [103.939, 116.779, 123.68] (Keras VGG, ResNet50)', scale: 255, offset: 0, mean: [103.939, 116.779, 123.68], std: null, bgr: true },
  imagenet: { label: 'imagenet: (pixel/255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]', scale: 1, offset: 0, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], bgr: false },
  raw: { label: 'raw 0-255: pixel as is', scale: 255, offset: 0, mean: null, std: null, bgr: false },
};

const ALIASES: Record<string, PresetName> = { '0-1': '[0,1]', '-1-1': '[-1,1]', tf: '[-1,1]', torch: 'imagenet', '0-255': 'raw', 'raw 0-255': 'raw' };

/** A preset name (or alias) checked; an InputError `<where>: unknown preprocessing preset ...` listing the valid names otherwise. */
export function presetName(name: string, where = 'preprocessing'): PresetName {
  const key = name.trim().toLowerCase().replace(/\s+/g, ' ');
  const hit = (PRESET_NAMES as readonly string[]).includes(key) ? (key as PresetName) : ALIASES[key];
  if (!hit) throw new CodecError('InputError', `${where}: unknown preprocessing preset ${JSON.stringify(name)}; valid presets: ${PRESET_NAMES.join(', ')} (aliases: tf, torch, 0-1, -1-1, 0-255).`);
  return hit;
}

/** The preset's fields for `channels` channels; a 1-channel image has no BGR order or per-colour statistics. */
export function presetFields(name: PresetName, channels: 1 | 3, where = 'preprocessing'): PresetFields {
  const p = PRESETS[name];
  if (channels !== 3 && (p.mean || p.std)) throw new CodecError('InputError', `${where}: preset ${name} has per-colour statistics for 3 channels, but the images have ${channels}; use [0,1], [-1,1] or raw.`);
  return {
    scale: p.scale,
    offset: p.offset,
    mean: p.mean ? [...p.mean] : Array(channels).fill(0),
    std: p.std ? [...p.std] : Array(channels).fill(1),
    channelOrder: p.bgr ? 'bgr' : 'rgb',
  };
}

/** `base` (size and channels) with preset `name`'s value mapping. */
export function applyPreset(base: Preprocessing, name: string, where = 'preprocessing'): Preprocessing {
  return { ...base, ...presetFields(presetName(name, where), base.channels, where) };
}

/**
 * A model card's preprocessing with its optional `preset` expanded: the preset's fields, then any
 * field the card gives itself (e.g. `{"preset": "caffe", "height": 224}`); without a preset, as given.
 */
export function expandCardPreset<T extends Partial<Preprocessing> & { preset?: unknown }>(card: T, channels: 1 | 3, where = 'card.json'): Partial<Preprocessing> {
  const { preset, ...rest } = card;
  if (preset === undefined) return rest;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== null));
  return { ...presetFields(presetName(String(preset), `${where}: preprocessing.preset`), channels, `${where}: preprocessing.preset`), ...defined };
}

/** The preset `p` is (within 1e-9), or null for a custom preprocessing. */
export function matchPreset(p: Preprocessing): PresetName | null {
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-9);
  for (const name of PRESET_NAMES) {
    if (p.channels !== 3 && (PRESETS[name].mean || PRESETS[name].std)) continue;
    const f = presetFields(name, p.channels);
    if (Math.abs(f.scale - p.scale) < 1e-9 && Math.abs(f.offset - p.offset) < 1e-9 && same(f.mean, p.mean) && same(f.std, p.std) && f.channelOrder === (p.channelOrder ?? 'rgb')) return name;
  }
  return null;
}
