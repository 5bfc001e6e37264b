/** The user's preprocessing against the model card's and the model's input (one-line errors). */
import type { Preprocessing } from './api';
import { fail } from './fail';

/**
 * The preprocessing against the model's input shape (height, width, channels; unknown sizes are
 * <= 0 or null): images of another size or channel count cannot go into the model.
 */
export function checkAgainstInput(p: Preprocessing, inputShape: (number | null)[]): Preprocessing {
  const [h, w, c] = inputShape.slice(-3);
  const fixed = (v: number | null | undefined): v is number => typeof v === 'number' && v > 0;
  if ((fixed(h) && p.height !== h) || (fixed(w) && p.width !== w)) fail(`preprocessing: the model takes ${fixed(h) ? h : 'any'}x${fixed(w) ? w : 'any'} images, but height x width is set to ${p.height}x${p.width}; set them to the model's (or reset them).`);
  if (fixed(c) && p.channels !== c) fail(`preprocessing: the model takes ${c} channel${c === 1 ? '' : 's'}, but channels is set to ${p.channels}.`);
  return p;
}

/** The model card's preprocessing with the user's changes, checked (one-line errors). */
export function resolvePreprocessing(base: Preprocessing, over: Partial<Preprocessing> = {}): Preprocessing {
  const defined = Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined && v !== null)) as Partial<Preprocessing>;
  const p = { ...base, ...defined };
  const fit = (v: number[] | undefined, fill: number) => (v && v.length === p.channels ? v : v && v.length === 1 ? Array(p.channels).fill(v[0]) : Array(p.channels).fill(fill));
  p.mean = fit(defined.mean ?? (base.mean.length === p.channels ? base.mean : undefined), 0);
  p.std = fit(defined.std ?? (base.std.length === p.channels ? base.std : undefined), 1);
  for (const k of ['height', 'width'] as const) if (!(Number.isInteger(p[k]) && p[k] >= 1 && p[k] <= 4096)) fail(`preprocessing: ${k} must be an integer in [1, 4096], but got ${p[k]}.`);
  if (p.channels !== 1 && p.channels !== 3) fail(`preprocessing: channels must be 1 or 3, but got ${p.channels}.`);
  if (![p.scale, p.offset, ...p.mean].every(Number.isFinite)) fail(`preprocessing: scale, offset and mean must be numbers.`);
  if (!p.std.every((v) => Number.isFinite(v) && v !== 0)) fail(`preprocessing: std must be non-zero numbers, but got ${p.std.join(', ')}.`);
  return p;
}
