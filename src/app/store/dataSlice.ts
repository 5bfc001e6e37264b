/** What is loaded: backend, model, image set, the current analysis, and the demo list. */
import type { StateCreator } from 'zustand/vanilla';
import type { BackendReport, BundleSummary, ImageSetInfo, ModelInfo } from '../../worker/api';
import type { AppState } from './store';

export interface DemoEntry {
  name: string;
  label: string;
  /** Bundle folder URL, relative to the page. */
  bundle: string;
  /** The demo's model.json URL, relative to the page (to analyze it afresh). */
  model?: string;
}

export interface DemoImageSet {
  label: string;
  /** URL of the codec-imageset JSON, relative to the page. */
  url: string;
}

export interface DataSlice {
  backend: BackendReport | null;
  model: ModelInfo | null;
  images: ImageSetInfo | null;
  /** Image sets shipped with the build (the demo's test set). */
  demoImageSets: DemoImageSet[];
  setDemoImageSets: (d: DemoImageSet[]) => void;
  analysis: BundleSummary | null;
  demos: DemoEntry[];
  setBackendReport: (b: BackendReport) => void;
  setModel: (m: ModelInfo | null) => void;
  setImages: (i: ImageSetInfo | null) => void;
  /** A new analysis replaces the old one; the view is re-validated against it. */
  setAnalysis: (a: BundleSummary) => void;
  setDemos: (d: DemoEntry[]) => void;
}

export const createDataSlice: StateCreator<AppState, [], [], DataSlice> = (set, get) => ({
  backend: null,
  model: null,
  images: null,
  demoImageSets: [],
  setDemoImageSets: (demoImageSets) => set({ demoImageSets }),
  analysis: null,
  demos: [],
  setBackendReport: (backend) => set({ backend }),
  setModel: (model) => set({ model }),
  setImages: (images) => set({ images }),
  setAnalysis: (analysis) => {
    // Notes about the analysis on screen go with it (they stayed, about the wrong model, before).
    const prev = get().analysis;
    const messages = prev && prev.id !== analysis.id ? get().messages.filter((m) => !m.analysisId || m.analysisId === analysis.id) : get().messages;
    set({ analysis, messages });
    get().revalidateView();
  },
  setDemos: (demos) => set({ demos }),
});
