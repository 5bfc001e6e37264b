import type { FitQuality } from '../../core/sae/fitQuality';
import type { SpriteData } from './model';
import type { Source } from './settings';

/** What the panels show of an analysis: layers, modes, decompositions, class matrices, heatmaps (part of api.ts). */

export interface LayerMetricsView {
  hoyerContrib: number | null;
  hoyerAct: number | null;
  dimContrib: number | null;
  dimAct: number | null;
  pnCorr: number | null;
  /** Median plain error |sum C - dF| / |dF| over images whose |dF| is not tiny (core/attribution/completeness.ts). */
  completenessMedian: number | null;
  /** More of the same summary (absent in old bundles): 90th percentile, fraction <= 5%, tiny-|dF| images and their largest gap, and the symmetric measure's median (an extra). */
  completenessP90?: number | null;
  completenessUnder5?: number | null;
  completenessTiny?: number;
  completenessTinyGapMax?: number | null;
  completenessSymmetricMedian?: number | null;
  /** Any layer: median over a sample of the change of the contributions from S to 2S steps, ||net_S - net_2S||_1 / ||net_2S||_1 (core/pipeline/stepCheck.ts). */
  stepChangeMedian?: number | null;
  stepChangeSample?: number;
}

export interface DictionaryInfo {
  kind: string;
  K: number;
  alive: number;
  /** Fraction of variance explained (global); can be negative for a poor fit. */
  r2: number | null;
  trainLoss: number[];
  valLoss: number[];
  epochs: number;
  /** Fit quality (validation R^2, residual share, duplicates, mark, warning); absent in older bundles. */
  quality?: FitQuality;
}

export interface LayerView {
  name: string;
  className: string;
  outputShape: number[];
  isCut: boolean;
  /** Position in execution order among the bundle's layers. */
  index: number;
  channels: number;
  metrics: LayerMetricsView;
  /** Number of alive modes per source. */
  modes: Partial<Record<Source, number>>;
  /** 'dictionary': trained modes; 'channels': no dictionary, each channel shown as a mode. */
  modeKind: Partial<Record<Source, 'dictionary' | 'channels'>>;
  /** The trained dictionaries: kind, size, fit and training curves. */
  dictionaries: Partial<Record<Source, DictionaryInfo>>;
  reduction: string | null;
  /** Per image: the plain completeness error, the absolute gap, and the steps used (until converged); null where not known. */
  completeness?: (number | null)[] | null;
  completenessGap?: (number | null)[] | null;
  stepsUsed?: number[] | null;
}

export interface BundleSummary {
  /** A key for this analysis (bundle URL, or cache key). */
  id: string;
  origin: 'demo' | 'url' | 'files' | 'analysis' | 'cache';
  modelName: string;
  modelHash: string;
  /** True when the model is loaded in the worker (heatmaps need it). */
  hasModel: boolean;
  settings: { method: string; target: string; steps: number; baseline: string; reduction: string; backend: string; stepsAuto?: { target: number; cap: number; start: number } | null; tinyDF?: number | null };
  classNames: string[];
  images: {
    count: number;
    names: string[];
    labels: Int32Array | null;
    predicted: Int32Array;
    /** Target F(x), F(x0) and the class the target used, per image. */
    F: Float32Array;
    F0: Float32Array;
    targetClass: Int32Array;
  };
  layers: LayerView[];
  sprite: SpriteData | null;
  /** Set when an analysis was cancelled: these layers finished, the others were dropped. */
  partial: boolean;
  /** A layer whose SAE training the cancel cut short (its best model so far is kept, not cached). */
  cutShort: string | null;
  createdAt: string;
  /** An imported bundle: why its model could not be loaded (a missing shard, ...), when it could not. */
  modelNote?: string | null;
  /** An imported bundle: the view it was exported at (a hash, `#layer=...&mode=...`), if it carries one. */
  view?: string | null;
}

export interface ModeCard {
  /** Dictionary index (never renumbered). */
  id: number;
  /** Fraction of images where the mode is active. */
  frequency: number;
  /** Best class correlation of the mode's loadings, and the class. */
  selectivity: number;
  bestClass: number;
  /** Mean |share of the output change| over the images where it is active. */
  share: number;
  /** Hoyer sparsity of the atom. */
  hoyer: number;
  /** The atom over channels (C, or 2C negative half first for ei). */
  atom: Float32Array;
  eiHalves: boolean;
  /** Top images by code, best first. */
  /** Its top images: `value` is what ranks them (ModeGrid.topRankedBy), `code` the SAE code. */
  topImages: { index: number; value: number; code: number }[];
  /** The classes (label, else predicted) of the first six top images, most frequent first: [class, count]. */
  topMix: [number, number][];
  /** Correlation of loadings with each class (nClasses), NaN where undefined. */
  classProfile: Float32Array;
}

export type ModeSort = 'frequency' | 'selectivity' | 'share';

export interface ModeGrid {
  layer: string;
  source: Source;
  channels: number;
  kind: 'dictionary' | 'channels';
  cards: ModeCard[];
  /** What orders each card's top images: a contribution mode's share of the image's dF, else the code. */
  topRankedBy: 'share of dF' | 'code';
}

export interface DecompositionBar {
  mode: number;
  /** The mode's part of sum C for this image: z * sum(atom) * std. */
  share: number;
}

export interface Decomposition {
  image: number;
  layer: string;
  source: Source;
  F: number;
  F0: number;
  /** F(x) - F(x0). */
  dF: number;
  bars: DecompositionBar[];
  /** dF minus the sum of the bars. */
  residual: number;
  targetClass: number;
  label: number | null;
  predicted: number;
  probs: Float32Array | null;
}

export interface ClassMatrix {
  layer: string;
  source: Source;
  modes: number[];
  classNames: string[];
  /** (modes x classes) correlation of loadings with class indicators; NaN where undefined. */
  values: Float32Array;
  /** (modes x classes) the class's image with the mode's largest code; -1 where none. */
  topImage: Int32Array;
}

export type HeatmapResolution = 'layer' | 'input';

export interface HeatmapRequest {
  image: number;
  layer: string;
  mode: number;
  source: Source;
  resolution: HeatmapResolution;
}

export interface HeatmapResult extends HeatmapRequest {
  /** Signed values (height x width), row-major, at the displayed image's size. */
  values: Float32Array;
  height: number;
  width: number;
  /** Max |value| of this map. */
  maxAbs: number;
  /**
   * The colour scale (symmetric around 0): one per image, the largest |value| over the maps of
   * `scaleOver` (layer resolution: every alive mode at the layer; input resolution: this mode and
   * the image's largest-share mode), so a mode that barely acts on the image draws faint.
   */
  scale: number;
  scaleOver: 'this mode' | 'every alive mode' | "this mode and the image's largest-share mode";
  /** The mode's channels summed. */
  channels: number[];
  /** The reference's masked recipe (0..1 per pixel), input resolution only. */
  mask: Float32Array | null;
}
