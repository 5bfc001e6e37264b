/**
 * The typed contract between the explorer's UI thread and its model worker (Comlink). Every
 * value that crosses is a plain object, a TypedArray or a File; errors cross as `{name, message}`
 * only (WorkerError). Nothing here imports tfjs at run time (type imports only), so the app can
 * import these types freely.
 */

import type { FitQuality } from '../core/sae/fitQuality';
import type { SweepResult } from '../core/ablation/sweep';
import type { LogitsInfo } from '../core/model/logits';
import type { PreviewResult } from './preview';
export type { PreviewResult };

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
/** The most threads tfjs's threaded WASM build runs (it pre-creates 8 pthread workers). */
export const MAX_WASM_THREADS = 8;

export interface BackendCandidate {
  name: BackendName;
  /** running: in use; available: works but a better one runs; skipped: not tried on purpose; failed: tried and did not start. */
  status: 'running' | 'available' | 'skipped' | 'failed';
  /** Why, in a few words: "software adapter (swiftshader)", "no navigator.gpu", "SIMD, 2 threads". */
  reason: string;
}

export interface BackendReport {
  active: BackendName;
  candidates: BackendCandidate[];
  /** True when the user forced the backend (no automatic choice). */
  forced: boolean;
  /** What was asked for: 'auto' or a backend name (which may have failed: see candidates). */
  wanted: BackendName | 'auto';
  crossOriginIsolated: boolean;
  /** WASM threads when WASM runs (1 without cross-origin isolation). */
  wasmThreads: number | null;
  /** The WASM thread count the user asked for (null: tfjs's default); fixed once WASM started in this worker. */
  wasmThreadsAsked: number | null;
  /** What tfjs runs by itself: half the logical cores, 1 to 8. */
  wasmThreadsDefault: number;
  /** navigator.hardwareConcurrency as the browser reports it. */
  logicalCores: number;
}

export type Method = 'conductance' | 'hidden-ig' | 'act-grad' | 'act-grad-norm';
export type Target = 'logit' | 'prob' | 'logprob';
export type Baseline = 'zeros' | 'blur' | 'mean';
export type Source = 'contributions' | 'activations';

export interface Preprocessing {
  height: number;
  width: number;
  channels: 1 | 3;
  /** x = (pixel/255 * scale + offset - mean[c]) / std[c] */
  scale: number;
  offset: number;
  mean: number[];
  std: number[];
  /** 'bgr': model channel c reads the pixel's channel 2 - c (caffe-style models); absent = 'rgb'. */
  channelOrder?: 'rgb' | 'bgr';
}

export interface LayerSummary {
  name: string;
  className: string;
  outputShape: number[];
  /** Completeness (sum of contributions = F(x) - F(x0)) is expected only at cuts. */
  isCut: boolean;
  index: number;
  nested: boolean;
  /** Worth analyzing: has spatial or channel structure (conv, dense, pooling, add ...). */
  analyzable: boolean;
}

export interface ModelInfo {
  name: string;
  /** sha256 over model.json and its shards, in manifest order (hex). */
  hash: string;
  /** A tfjs LayersModel, or a GraphModel converted from a SavedModel (its layers are graph nodes). */
  format: 'layers-model' | 'graph-model';
  inputShape: number[];
  numClasses: number;
  classNames: string[] | null;
  preprocessing: Preprocessing;
  layers: LayerSummary[];
  params: number;
  files: string[];
  /** One-line warnings about what cannot be analyzed (an op without a gradient), naming the usable layers. */
  notes: string[];
  /** Which tensor is the logits: the input of a final softmax, which is not run (core/model/logits.ts). */
  logits?: LogitsInfo;
}

/** Thumbnails of an image set in one image: a PNG (from a bundle) or raw RGBA (made by the worker). */
export interface SpriteData {
  png?: Uint8Array;
  rgba?: Uint8Array;
  width: number;
  height: number;
  cols: number;
  cellWidth: number;
  cellHeight: number;
}

export interface ImageSetInfo {
  count: number;
  names: string[];
  labels: number[] | null;
  classNames: string[] | null;
  /** sha256 over the decoded inputs, the preprocessing, names, labels and class names (hex): part of the cache key. */
  hash: string;
  preprocessing: Preprocessing;
  /** Files skipped, each with its reason (the set still loads). */
  skipped: { file: string; reason: string }[];
  /**
   * What the loader decided, for the user: where class names came from, why there are no labels
   * (a warning when labels were given, a CSV or class folders, and could not be used).
   */
  notes: { level: 'info' | 'warning'; title: string; message: string }[];
}

export interface AnalyzeSettings {
  layers: string[];
  method: Method;
  target: Target;
  baseline: Baseline;
  steps: number;
  /** Raise the steps per image until the completeness error is under 5% (`steps` is then the cap; core/attribution/autoSteps.ts). */
  stepsAuto?: boolean;
  /** Train sparse dictionaries (modes) on the contributions and activations. */
  modes: boolean;
  /** Use the IndexedDB cache (read and write). */
  useCache: boolean;
  /** Memory budget of one pass's tensors in MiB (default 256): sizes the images and alpha points per pass. */
  memoryBudgetMiB?: number;
  /** Only gather cached layers, compute nothing (restoring finished layers after a worker restart). */
  cacheOnly?: boolean;
  /** At most this many SAE epochs (default: the engine's, with early stopping); for quick checks. */
  saeEpochs?: number;
  /** SAE optimizer steps, dictionary size, threshold and learning rate (default: the engine's, core/sae/schedule.ts). */
  saeSteps?: number;
  saeK?: number;
  saeTau?: number;
  saeLr?: number;
}

/** One SAE epoch of a layer's dictionary on one source (the loss curve's point). */
export interface SaeEpoch {
  layer: string;
  source: string;
  epoch: number;
  trainLoss: number;
  valLoss: number;
}

export interface Progress {
  stage: string;
  /** Work units done / total in this stage (images, epochs ...). */
  done: number;
  total: number;
  unit: string;
  /** Layer being worked on, when one. */
  layer?: string;
  /** Layers finished so far (kept on cancel). */
  layersDone: string[];
  elapsedMs: number;
  /** Fraction of the whole run done, 0-1: each layer's contributions, then its SAE epochs. */
  fraction: number;
  /** Estimated time left; null until there is enough to estimate. */
  etaMs: number | null;
  /** During SAE training: the epoch just finished (one point of the live loss curve). */
  sae?: SaeEpoch;
  /** SAE training curve so far (train loss per epoch), when training. */
  loss?: number[];
}

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

/** An image as the page shows it: RGBA at its model-input size. */
export interface ImagePixels {
  index: number;
  rgba: Uint8Array;
  height: number;
  width: number;
}

/** A file given to the worker, with the path it had in a dropped folder (for labels). */
export interface FileEntry {
  file: File;
  /** "shirts/img1.png" for a folder drop; the plain name otherwise. */
  path: string;
}

export interface ImageOptions {
  /** Override the model card's preprocessing. */
  preprocessing?: Partial<Preprocessing>;
  /** Refuse images above this many pixels (decoding a 10,000 x 10,000 image takes 400 MB). */
  maxPixels?: number;
  maxImages?: number;
}

export type AblationKind = 'destroy' | 'preserve';

/**
 * Steering (issue #28), in place of destroy/preserve: `scale` multiplies the mode's top p%
 * channels by `factor` (1 = unchanged, 0 = destroy); `add` (activation modes) adds the mode's
 * atom direction with strength factor - 1 (core/ablation/steer.ts). factor in [-2, 3].
 */
export interface SteerSpec {
  kind: 'scale' | 'add';
  factor: number;
}

export interface AblationRequest {
  layer: string;
  source: Source;
  mode: number;
  image: number;
  /** Percent of the layer's channels, ranked by the mode's atom (1-99). */
  pct: number;
  kind: AblationKind;
  /** When given, steer instead of destroy/preserve (kind is then ignored). */
  steer?: SteerSpec;
}

export interface AblationResult extends AblationRequest {
  /** Channels acted on (k of C) and k/C. */
  k: number;
  C: number;
  fraction: number;
  channels: number[];
  /** Softmax outputs of the image before and after (numClasses each). */
  before: Float32Array;
  after: Float32Array;
  logitsAfter: Float32Array;
  /** Worker time of this update (the network after the layer, plus reads), ms. */
  ms: number;
  /** True when the cached forward pass up to the layer was reused. */
  cached: boolean;
}

export interface AccuracyRequest {
  layer: string;
  source: Source;
  mode: number;
  pct: number;
  kind: AblationKind;
  /** At most this many images (evenly spaced over the set). */
  sample: number;
  /** When given, steer instead of destroy/preserve (kind is then ignored). */
  steer?: SteerSpec;
}

export interface AccuracyResult extends AccuracyRequest {
  /** Images used and, per class, how many of them there are. */
  n: number;
  counts: Int32Array;
  /** Per-class accuracy before and after (NaN for a class without images). */
  before: Float32Array;
  after: Float32Array;
  overallBefore: number;
  overallAfter: number;
  k: number;
  C: number;
  fraction: number;
  /** True when the set has no labels and the unablated prediction stands in for them. */
  labelsFromPredictions: boolean;
  ms: number;
}

/** One ablation sweep as drawn: accuracy ratio vs k/C for the target class and off-target classes. */
/** One sweep: the engine's result (ratios, AUCs, selectivity) for a mode, with k/C per p. */
export interface SweepCurve extends SweepResult {
  source: Source;
  mode: number;
  targetClass: number;
  kind: AblationKind;
  fractions: number[];
}

export interface SweepView {
  layer: string;
  /** The contribution mode's sweep and the closest activation mode's (best-matching class profile). */
  contribution: SweepCurve | null;
  activation: SweepCurve | null;
  /** 'bundle': from the bundle's manifest; 'computed': run now in the worker; 'none': not in the bundle and not asked to compute. */
  origin: 'bundle' | 'computed' | 'none';
  /** The layer's contribution modes the bundle holds sweeps of (each class's top mode). */
  swept: { mode: number; targetClass: number }[];
}

export interface WorkerApi {
  /** Picks a backend (auto order or forced) and reports the choice. */
  init(options: { backend?: BackendName | 'auto'; wasmThreads?: number | null }): Promise<BackendReport>;
  setBackend(name: BackendName | 'auto'): Promise<BackendReport>;
  backend(): Promise<BackendReport>;
  /** tfjs's tensor count and bytes in the worker (for the benchmark's memory-over-time check). */
  memory(): Promise<{ numTensors: number; numBytes: number }>;
  /** model.json + shards (+ card.json); names are matched by base name. */
  loadModel(files: FileEntry[]): Promise<ModelInfo>;
  loadModelUrl(url: string): Promise<ModelInfo>;
  /** Image files (labels from sub-folders or a CSV, class names from a text file). */
  loadImages(files: FileEntry[], options?: ImageOptions): Promise<ImageSetInfo>;
  /** An image set file (codec-imageset JSON + uint8 binary) by URL, e.g. the demo's test set. */
  loadImageSetUrl(url: string, options?: ImageOptions): Promise<ImageSetInfo>;
  /** A bundle by URL of its folder (manifest.json inside) or as files. */
  loadBundle(source: { url: string } | { files: FileEntry[] }): Promise<BundleSummary>;
  /** Runs the pipeline; progress through the callback (a Comlink proxy). Resolves with the new analysis. */
  analyze(settings: AnalyzeSettings, onProgress: (p: Progress) => void): Promise<BundleSummary>;
  /** Asks a running analysis to stop at its next chunk (it keeps finished layers). */
  cancel(): void;
  /** Test hook: fails as a crash would (see Session.crashForTest). */
  crashForTest(kind: 'device-lost' | 'throw'): void;
  modeGrid(layer: string, source: Source): Promise<ModeGrid>;
  decomposition(image: number, layer: string, source: Source): Promise<Decomposition>;
  classMatrix(layer: string, source: Source): Promise<ClassMatrix>;
  heatmap(request: HeatmapRequest): Promise<HeatmapResult>;
  imagePixels(index: number): Promise<ImagePixels>;
  /** One loaded image as the model sees it under a preprocessing (default: the loaded one), with the model's top 3 classes. */
  preview(index: number, preprocessing?: Partial<Preprocessing>): Promise<PreviewResult>;
  /** The picked image's outputs with mode `mode`'s top p% channels destroyed or preserved at `layer`. */
  ablate(req: AblationRequest): Promise<AblationResult>;
  /** Per-class accuracy before and after the same ablation over a sample of the images. */
  ablationAccuracy(req: AccuracyRequest, onProgress?: (done: number, total: number) => void): Promise<AccuracyResult>;
  /** The ablation sweeps of a contribution mode and its closest activation mode (bundle's, or computed). */
  sweep(layer: string, mode: number, compute: boolean, onProgress?: (done: number, total: number) => void): Promise<SweepView>;
  /** The current analysis as a zip (with the model and the image pixels when at hand). */
  /** Times one image through one gradient pass at `layer` (speedProbe.ts), for the estimate before Analyze. */
  speedProbe(layer: string): Promise<{ msPerPoint: number; points: number; layer: string }>;
  /** `view`: the view on screen (a hash without bundle/analysis), written as view.json so an import reopens it. */
  exportBundle(view?: string): Promise<Uint8Array>;
  /** Times one conv + gradient step (8x32x32x16 input, 32 filters) on the running backend. */
  probe(sync?: boolean): Promise<{ backend: BackendName; msPerStep: number }>;
  /** Test hook: models alive in the worker (held by a slot or by work in flight). */
  modelsAlive(): Promise<number>;
  /** Activations and gradients through the engine on `backend` with asynchronous reads only (see Session.smoke). */
  smoke(backend: BackendName, n?: number): Promise<{ backend: BackendName; F: number[]; layers: Record<string, { a: number[]; g: number[] }> }>;
  /** Test hook: the numbers the WebGPU smoke spec compares across backends. */
  checksum(): Promise<{ backend: BackendName; F: number[]; layers: Record<string, number[]> }>;
}

/** The only error shape that crosses the boundary. */
export interface WorkerError {
  name: string;
  message: string;
}
