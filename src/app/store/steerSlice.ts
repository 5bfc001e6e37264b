/**
 * Steering state (issue #28): whether the Ablation panel steers instead of destroying or
 * preserving (`steerKind`: scale the mode's top channels, or add its atom direction for an
 * activation mode), the live factor (moves with the slider) and the committed one (set on
 * release: the per-class accuracy follows it). factor in [-2, 3]; 1 = unchanged, 0 = destroy.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Source, SteerSpec } from '../../worker/api';
import type { AppState } from './store';

export const STEER_MIN = -2;
export const STEER_MAX = 3;
export const STEER_STEP = 0.05;

export interface SteerSlice {
  steerKind: SteerSpec['kind'] | null;
  steerFactor: number;
  steerCommitted: number;
  setSteerKind: (k: SteerSpec['kind'] | null) => void;
  /** Moves the factor; `commit` also sets the committed factor (slider release). */
  setSteerFactor: (f: number, commit: boolean) => void;
}

/** The factor clamped to [-2, 3] on the slider's 0.05 grid (NaN: 1). */
export const clampSteer = (f: number) => (Number.isFinite(f) ? Math.min(STEER_MAX, Math.max(STEER_MIN, Math.round(f / STEER_STEP) * STEER_STEP)) : 1);

/** Round-off of the grid removed (0.15000000000000002 -> 0.15), for links and labels. */
export const steerText = (f: number) => String(Number(f.toFixed(2)));

export const createSteerSlice: StateCreator<AppState, [], [], SteerSlice> = (set) => ({
  steerKind: null,
  steerFactor: 1,
  steerCommitted: 1,
  setSteerKind: (steerKind) => set({ steerKind }),
  setSteerFactor: (f, commit) => {
    const v = Number(steerText(clampSteer(f)));
    set(commit ? { steerFactor: v, steerCommitted: v } : { steerFactor: v });
  },
});

/**
 * The steering a request carries, or undefined when not steering. Adding an atom direction
 * needs an activation mode: on contribution modes it scales instead.
 */
export function steerSpec(s: Pick<SteerSlice, 'steerKind'> & { source: Source }, factor: number): SteerSpec | undefined {
  if (!s.steerKind) return undefined;
  return { kind: s.steerKind === 'add' && s.source !== 'activations' ? 'scale' : s.steerKind, factor };
}

/** The store fields a link's steering sets (absent: not steering). */
export function steerFromLink(steer: SteerSpec | undefined): Partial<SteerSlice> {
  return steer ? { steerKind: steer.kind, steerFactor: steer.factor, steerCommitted: steer.factor } : { steerKind: null };
}
