/** What the user sets: analysis settings, preprocessing, image options, and the progress an analysis reports (part of api.ts). */

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
