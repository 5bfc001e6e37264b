/**
 * The worker's side of steering (issue #28): from a request's SteerSpec and the layer's modes,
 * the channel mask and the added direction the engine applies (core/ablation/steer.ts). The
 * added direction of an activation mode is one typical occurrence of it (the mean of its
 * non-zero codes over the analysed images) times its atom times the fit's std, spread over the
 * layer's positions, with strength factor - 1.
 */
import { addStrength, atomDirection, meanActiveCode, scaleMask, STEER_MAX, STEER_MIN } from '../core/ablation/steer';
import type { SteerSpec } from './api';
import { codeColumn } from './views/codes';
import type { LayerModes } from './views/modes';

function fail(message: string): never {
  throw Object.assign(new Error(message), { name: 'InputError' });
}

export interface SteerInputs {
  mask: Float32Array;
  add?: Float32Array;
  /** For `add`: the code of one occurrence used. */
  code?: number;
}

/** Positions per channel of a layer with this output shape (no batch axis). */
export function layerPositions(outputShape: number[]): number {
  return outputShape.slice(0, -1).reduce((a, b) => a * b, 1);
}

/** The mask and added direction for `steer` on mode `mode`, or null when the request does not steer. */
export function steerInputs(what: string, lm: LayerModes, mode: number, topChannels: number[], positions: number, steer: SteerSpec | undefined): SteerInputs | null {
  if (!steer) return null;
  const { kind, factor } = steer;
  if (!(Number.isFinite(factor) && factor >= STEER_MIN && factor <= STEER_MAX)) fail(`${what}: the steering factor must be in [${STEER_MIN}, ${STEER_MAX}], but got ${factor}.`);
  if (kind === 'scale') return { mask: scaleMask(lm.channels, topChannels, factor) };
  if (kind !== 'add') fail(`${what}: unknown steering kind ${String(kind)} (scale or add).`);
  if (lm.source !== 'activations' || lm.kind !== 'dictionary') fail(`${what}: adding an atom direction needs an activation mode of a trained dictionary (${lm.layer} ${lm.source}${lm.kind === 'channels' ? ', channels' : ''}); scale its channels instead.`);
  if (lm.d !== lm.channels) fail(`${what}: the activation atoms of ${lm.layer} have ${lm.d} entries, expected ${lm.channels}.`);
  const code = meanActiveCode(codeColumn(lm.codes, mode));
  const atom = lm.atoms.subarray(mode * lm.d, (mode + 1) * lm.d);
  return { mask: new Float32Array(lm.channels).fill(1), add: atomDirection(atom, lm.std, code, positions, addStrength(factor)), code };
}
