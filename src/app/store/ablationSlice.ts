/**
 * Ablation state: destroy or preserve, the live p (moves with the slider) and the committed p
 * (set on release: the accuracy over the sample follows it), the latest live result, the
 * accuracy and sweep views, and the measured update latencies.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AblationKind, AblationResult, AccuracyResult, SweepView } from '../../worker/api';
import type { Fetched } from './panelSlice';
import type { AppState } from './store';
import { PCT_MAX, PCT_MIN } from './urlState';

export interface Work<T> {
  status: 'idle' | 'loading' | 'ready' | 'error';
  key: string | null;
  data: T | null;
  message?: string;
  progress?: { done: number; total: number } | null;
}

export interface AblationSlice {
  ablKind: AblationKind;
  ablPct: number;
  ablCommitted: number;
  /** The live result (kept while the next one computes, so the bars never blank). */
  ablation: Work<AblationResult>;
  accuracy: Work<AccuracyResult>;
  sweep: Fetched<SweepView> & { progress?: { done: number; total: number } | null };
  /** Round-trip latency (page to worker and back, ms) of recent live updates. */
  ablationMs: number[];
  /** Transient notices (the link fell back, the link was copied). */
  setAblKind: (k: AblationKind) => void;
  /** Moves p; `commit` also sets the committed p (slider release). */
  setAblPct: (p: number, commit: boolean) => void;
  recordLatency: (ms: number) => void;
}

export const clampPct = (p: number) => Math.min(PCT_MAX, Math.max(PCT_MIN, Math.round(p)));

export const createAblationSlice: StateCreator<AppState, [], [], AblationSlice> = (set, get) => ({
  ablKind: 'destroy',
  ablPct: 10,
  ablCommitted: 10,
  ablation: { status: 'idle', key: null, data: null },
  accuracy: { status: 'idle', key: null, data: null },
  sweep: { status: 'idle' },
  ablationMs: [],
  setAblKind: (ablKind) => set({ ablKind }),
  setAblPct: (p, commit) => {
    const v = clampPct(p);
    set(commit ? { ablPct: v, ablCommitted: v } : { ablPct: v });
  },
  recordLatency: (ms) => set({ ablationMs: [...get().ablationMs, ms].slice(-400) }),
});

/** p-th percentile (0-100) of values (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
