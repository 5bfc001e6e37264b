/**
 * The view: picked layer, mode source, mode, image; sorting, filters and display flags. Picks
 * are plain serializable values; `revalidateView` keeps them valid for the current analysis.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { HeatmapResolution, ModeSort, Source } from '../../worker/api';
import type { AppState } from './store';

export type ImageFilter = { kind: 'all' } | { kind: 'class'; cls: number } | { kind: 'predicted'; cls: number } | { kind: 'misclassified' };

export interface ViewSlice {
  layer: string | null;
  source: Source;
  mode: number | null;
  image: number | null;
  sort: ModeSort;
  /** Show the activation modes of the layer beside the contribution modes. */
  showActivations: boolean;
  filter: ImageFilter;
  opacity: number;
  resolution: HeatmapResolution;
  showMask: boolean;
  /**
   * An image picked on its own (the image strip, the keys, a new analysis' first image) whose
   * largest-share mode the view moves to once its decomposition is there (controller.ts); null
   * when the mode was picked with the image (a matrix cell, a mode card, a link).
   */
  followImage: number | null;
  pickLayer: (layer: string) => void;
  pickMode: (mode: number | null, source?: Source) => void;
  /** `follow`: show the image's largest-share mode (an image picked on its own). */
  pickImage: (image: number | null, follow?: boolean) => void;
  setSort: (s: ModeSort) => void;
  setShowActivations: (v: boolean) => void;
  setFilter: (f: ImageFilter) => void;
  setOpacity: (v: number) => void;
  setResolution: (r: HeatmapResolution) => void;
  setShowMask: (v: boolean) => void;
  revalidateView: () => void;
}

export const createViewSlice: StateCreator<AppState, [], [], ViewSlice> = (set, get) => ({
  layer: null,
  source: 'contributions',
  mode: null,
  image: null,
  sort: 'frequency',
  showActivations: false,
  filter: { kind: 'all' },
  opacity: 0.65,
  resolution: 'layer',
  showMask: false,
  followImage: null,
  pickLayer: (layer) => {
    if (layer === get().layer) return;
    set({ layer, mode: null });
  },
  pickMode: (mode, source) => set({ mode, source: source ?? get().source, followImage: null }),
  pickImage: (image, follow = false) => set({ image, followImage: follow ? image : null }),
  setSort: (sort) => set({ sort }),
  setShowActivations: (showActivations) => set(showActivations ? { showActivations } : { showActivations, source: 'contributions' }),
  setFilter: (filter) => set({ filter }),
  setOpacity: (opacity) => set({ opacity: Math.min(1, Math.max(0, opacity)) }),
  setResolution: (resolution) => set({ resolution }),
  setShowMask: (showMask) => set({ showMask }),
  revalidateView: () => {
    const { analysis, layer, image } = get();
    if (!analysis) return;
    const layers = analysis.layers;
    const keepLayer = layers.some((l) => l.name === layer);
    // Default: the deepest analyzed layer with modes (where they are most class-like), else the deepest.
    const withModes = layers.filter((l) => (l.modes.contributions ?? 0) > 0);
    const nextLayer = keepLayer ? layer : ((withModes[withModes.length - 1] ?? layers[layers.length - 1])?.name ?? null);
    const nextImage = image !== null && image < analysis.images.count ? image : analysis.images.count > 0 ? 0 : null;
    const mode = keepLayer ? get().mode : null;
    set({ layer: nextLayer, image: nextImage, mode, filter: { kind: 'all' }, followImage: mode === null ? nextImage : null });
  },
});
