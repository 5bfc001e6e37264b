/**
 * The views the worker computed for the current picks, each with its request key and status, so
 * a late answer to an old pick is dropped and every panel can show loading and error states.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { ClassMatrix, Decomposition, HeatmapResult, ImagePixels, ModeGrid } from '../../worker/api';
import type { AppState } from './store';

export type Fetched<T> = { status: 'idle' } | { status: 'loading'; key: string } | { status: 'ready'; key: string; data: T } | { status: 'error'; key: string; message: string };

export interface PanelSlice {
  grid: Fetched<ModeGrid>;
  actGrid: Fetched<ModeGrid>;
  decomposition: Fetched<Decomposition>;
  matrix: Fetched<ClassMatrix>;
  heatmap: Fetched<HeatmapResult>;
  pixels: Fetched<ImagePixels>;
  setFetched: <K extends PanelKey>(k: K, v: PanelSlice[K]) => void;
}

export type PanelKey = 'grid' | 'actGrid' | 'decomposition' | 'matrix' | 'heatmap' | 'pixels';

export const createPanelSlice: StateCreator<AppState, [], [], PanelSlice> = (set) => ({
  grid: { status: 'idle' },
  actGrid: { status: 'idle' },
  decomposition: { status: 'idle' },
  matrix: { status: 'idle' },
  heatmap: { status: 'idle' },
  pixels: { status: 'idle' },
  setFetched: (k, v) => set({ [k]: v } as Partial<AppState>),
});
