/**
 * The steering field of the link: `steer=1.5` (scale the mode's top channels by 1.5) or
 * `steer=add:1.5` (add the activation mode's atom direction, strength 1.5 - 1). A factor outside
 * [-2, 3] is clamped with a notice; text that is not a factor is dropped with a notice.
 */
import type { SteerSpec } from '../../worker/api';
import { clampSteer, STEER_MAX, STEER_MIN, steerText } from './steerSlice';

export function serializeSteer(s: SteerSpec): string {
  return `${s.kind === 'add' ? 'add:' : ''}${steerText(s.factor)}`;
}

export function parseSteer(value: string): { steer: SteerSpec | null; notice: string | null } {
  const m = /^(?:(scale|add):)?(-?\d+(?:\.\d+)?)$/.exec(value);
  if (!m) return { steer: null, notice: `link: steer "${value}" is not a factor (e.g. steer=1.5 or steer=add:1.5); not steering.` };
  const f = Number(m[2]);
  const kind = (m[1] ?? 'scale') as SteerSpec['kind'];
  const clamped = Number(steerText(clampSteer(f)));
  const notice = f < STEER_MIN || f > STEER_MAX ? `link: steering factor ${m[2]} is outside ${STEER_MIN} to ${STEER_MAX}; using ${clamped}.` : null;
  return { steer: { kind, factor: clamped }, notice };
}
