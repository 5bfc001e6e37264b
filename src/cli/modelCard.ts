/** The model card beside a model.json (card.json): preprocessing, class names, layers to analyze. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Preprocessing } from '../core/bundle/manifest';
import { CodecError } from '../core/errors';
import { applyPreset, expandCardPreset } from '../core/image/presets';

export interface ModelCard {
  name?: string;
  preprocessing?: Preprocessing;
  classNames?: string[];
  layers?: { name: string; isCut?: boolean }[];
  [k: string]: unknown;
}

export function readJsonFile<T>(file: string, what: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CodecError('InputError', `${file}: cannot read the ${what}.`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new CodecError('InputError', `${file}: the ${what} is not valid JSON (${(e as Error).message}).`);
  }
}

/** card.json beside the model, or an empty card. */
export function readModelCard(modelJsonPath: string): ModelCard {
  const p = path.join(path.dirname(modelJsonPath), 'card.json');
  return existsSync(p) ? readJsonFile<ModelCard>(p, 'model card') : {};
}

/**
 * Preprocessing from --preprocess, else the card, else pixel/255 at the model's input size; then
 * --preprocess-preset's value mapping (core/image/presets.ts) when given.
 */
export function resolvePreprocessing(inputShape: number[], card: ModelCard, preprocessFile?: string, preset?: string): Preprocessing {
  const base = resolveBase(inputShape, card, preprocessFile);
  return preset === undefined ? base : applyPreset(base, preset, '--preprocess-preset');
}

function resolveBase(inputShape: number[], card: ModelCard, preprocessFile?: string): Preprocessing {
  const [h, w, c] = inputShape;
  // A card may name a preset ({"preset": "caffe"}) instead of (or under) the fields; the size is the model's unless given.
  const expand = (pre: Partial<Preprocessing> & { preset?: unknown }, file: string): Preprocessing => {
    if (pre?.preset === undefined) return pre as Preprocessing;
    const channels = (pre.channels ?? (c === 1 ? 1 : 3)) as 1 | 3;
    return { height: h > 0 ? h : NaN, width: w > 0 ? w : NaN, channels, ...expandCardPreset(pre, channels, file) } as Preprocessing;
  };
  if (preprocessFile) {
    const f = readJsonFile<ModelCard & Partial<Preprocessing>>(preprocessFile, 'preprocessing card');
    return checkPre(expand((f.preprocessing ?? f) as Preprocessing, preprocessFile), preprocessFile);
  }
  if (card.preprocessing) return checkPre(expand(card.preprocessing, 'card.json'), 'card.json');
  if (h <= 0 || w <= 0 || (c !== 1 && c !== 3)) {
    throw new CodecError('InputError', `preprocessing: the model's input shape [${inputShape}] is not an image (H, W, 1 or 3); pass --preprocess <card.json>.`);
  }
  return { height: h, width: w, channels: c as 1 | 3, scale: 1, offset: 0, mean: Array(c).fill(0), std: Array(c).fill(1) };
}

function checkPre(p: Preprocessing, file: string): Preprocessing {
  const ok = Number.isInteger(p?.height) && Number.isInteger(p?.width) && (p.channels === 1 || p.channels === 3) && Array.isArray(p.mean) && Array.isArray(p.std) && p.mean.length === p.channels && p.std.length === p.channels && p.std.every((s) => s > 0);
  if (!ok) throw new CodecError('InputError', `${file}: preprocessing needs height, width, channels (1 or 3), mean and std (one per channel, std > 0).`);
  return { ...p, scale: p.scale ?? 1, offset: p.offset ?? 0 };
}
