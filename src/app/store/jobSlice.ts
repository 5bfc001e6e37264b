/** Work in flight and its outcome: loading, analysis progress, the error banner and notices. */
import type { StateCreator } from 'zustand/vanilla';
import type { AnalyzeSettings, Preprocessing, Progress } from '../../worker/api';
import type { AppState } from './store';

export type Job = { kind: 'idle' } | { kind: 'loading'; what: string } | { kind: 'analyzing'; progress: Progress | null; cancelling: boolean; curves?: LossCurves };

/** Live SAE loss curves of the analysis in flight, keyed `layer · source`: one entry per epoch. */
export type LossCurves = Record<string, { train: number[]; val: number[] }>;

export interface BannerMessage {
  id: number;
  /** 'error' keeps the previous analysis; 'warning' is a partial success; 'info' a notice. */
  level: 'error' | 'warning' | 'info';
  title: string;
  message: string;
  /** The analysis it is about (a link's view, a bundle's notes): dropped when another analysis opens. */
  analysisId?: string;
}

export interface JobSlice {
  job: Job;
  messages: BannerMessage[];
  settings: AnalyzeSettings;
  /** The user's changes to the model card's preprocessing (applied when images are loaded). */
  preprocessing: Partial<Preprocessing>;
  setPreprocessing: (p: Partial<Preprocessing>) => void;
  setJob: (j: Job) => void;
  setProgress: (p: Progress) => void;
  pushMessage: (m: Omit<BannerMessage, 'id'>) => number;
  dismissMessage: (id: number) => void;
  clearMessages: (level?: BannerMessage['level']) => void;
  setSettings: (s: Partial<AnalyzeSettings>) => void;
}

let nextId = 1;

export const DEFAULT_SETTINGS: AnalyzeSettings = { layers: [], method: 'conductance', target: 'logit', baseline: 'zeros', steps: 10, modes: true, useCache: true, memoryBudgetMiB: 256 };

export const createJobSlice: StateCreator<AppState, [], [], JobSlice> = (set, get) => ({
  job: { kind: 'idle' },
  messages: [],
  settings: DEFAULT_SETTINGS,
  preprocessing: {},
  setPreprocessing: (preprocessing) => set({ preprocessing }),
  setJob: (job) => set({ job }),
  setProgress: (progress) => {
    const j = get().job;
    if (j.kind !== 'analyzing') return;
    let curves = j.curves;
    if (progress.sae) {
      const { layer, source, trainLoss, valLoss } = progress.sae;
      const key = `${layer} · ${source}`;
      const c = curves?.[key] ?? { train: [], val: [] };
      curves = { ...curves, [key]: { train: [...c.train, trainLoss], val: [...c.val, valLoss] } };
    }
    set({ job: { ...j, progress, curves } });
  },
  pushMessage: (m) => {
    const id = nextId++;
    set({ messages: [...get().messages.filter((x) => x.message !== m.message), { ...m, id }].slice(-4) });
    return id;
  },
  dismissMessage: (id) => set({ messages: get().messages.filter((m) => m.id !== id) }),
  clearMessages: (level) => set({ messages: level ? get().messages.filter((m) => m.level !== level) : [] }),
  setSettings: (s) => set({ settings: { ...get().settings, ...s } }),
});
