/**
 * `--steps <n>|auto` of `codec analyze`: a fixed step count, or "until converged" (auto): the steps
 * per image are doubled from 8 until the completeness error |sum C - dF| / |dF| at the analysed cut
 * layers is under `--steps-target` (default 0.05), up to `--steps-cap` (default 256); conductance only
 * (core/attribution/autoSteps.ts).
 */
import { AUTO_STEPS_DEFAULTS, type AutoStepsOptions } from '../../core/attribution/autoSteps';
import { CodecError } from '../../core/errors';
import { intOpt, numOpt } from '../args';

export function stepsOptions(cmd: string, v: Record<string, unknown>, method: string): { steps: number; autoSteps?: AutoStepsOptions } {
  if (String(v.steps ?? '').trim() !== 'auto') {
    if (v['steps-target'] !== undefined || v['steps-cap'] !== undefined) throw new CodecError('InputError', `${cmd}: --steps-target and --steps-cap go with --steps auto.`);
    const n = v.steps === undefined ? 10 : Number(v.steps);
    if (!Number.isInteger(n) || n < 1) throw new CodecError('InputError', `${cmd}: --steps must be an integer >= 1 or auto, but got ${String(v.steps)}.`);
    return { steps: n };
  }
  if (method !== 'conductance') throw new CodecError('InputError', `${cmd}: --steps auto is for conductance only, not ${method}; give a number of steps.`);
  const target = numOpt(cmd, v, 'steps-target', AUTO_STEPS_DEFAULTS.target);
  if (!(target > 0 && target < 1)) throw new CodecError('InputError', `${cmd}: --steps-target must be a number in (0, 1), such as 0.05, but got ${v['steps-target']}.`);
  const cap = intOpt(cmd, v, 'steps-cap', AUTO_STEPS_DEFAULTS.cap, 1);
  const start = Math.min(AUTO_STEPS_DEFAULTS.start, cap);
  return { steps: cap, autoSteps: { target, cap, start } };
}
