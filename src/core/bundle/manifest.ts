/**
 * The analysis bundle: one folder (or a zip of it) holding `manifest.json` and little-endian,
 * row-major `.bin` arrays, so that `numpy.fromfile(file, dtype).reshape(shape)` reads each one.
 * Sparse codes are three plain CSR arrays (row pointers, column indices, values).
 */
import type { LogitsInfo } from '../model/logits';

import type { CompletenessArrays, CompletenessMetrics, StepsAuto } from './completenessRecord';
import type { FitQuality } from '../sae/fitQuality';
import type { PartialRecord } from './shardRecord';

export type DType = 'float32' | 'float16' | 'int32' | 'uint8' | 'uint16';

/** Where one array lives in the bundle. */
export interface ArrayRef {
  file: string; // relative to the bundle root, e.g. "conv1/contrib_net.bin"
  dtype: DType;
  shape: number[];
}

/** A sparse (rows x cols) matrix as CSR: rowPtr (rows+1, int32), colIdx (nnz, int32), values (nnz). */
export interface CsrRef {
  rowPtr: ArrayRef;
  colIdx: ArrayRef;
  values: ArrayRef;
  shape: [number, number];
}

export type Method = 'conductance' | 'hidden-ig' | 'act-grad' | 'act-grad-norm';
export type TargetKind = 'logit' | 'prob' | 'logprob' | 'top1' | 'top1-prob' | 'surprisal';
export type Reduction = 'net' | 'ei' | 'pos' | 'neg';
export type SaeKind = 'stsae' | 'topk';
export type SaeSource = 'contributions' | 'activations';

export interface AnalysisSettings {
  method: Method;
  target: TargetKind;
  /** Fixed class for logit/prob/logprob targets; null = the class predicted at alpha = 1. */
  targetClass: number | null;
  /** Steps S; with stepsAuto, the cap (the steps used per image are each layer's stepsUsed). */
  steps: number;
  /** Version 2: steps raised per image until converged (completenessRecord.ts). */
  stepsAuto?: StepsAuto;
  /** Version 2: |dF| below this is tiny (1% of the median |F(x) - F(x0)| over the images); such images are left out of completeness medians. */
  tinyDF?: number;
  baseline: string; // 'zeros' | 'blur' | an image file name
  reduction: Reduction; // the reduction the SAEs were trained on
  seed: number;
  backend: string;
}

/** How raw pixels become the model's input. */
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

export interface SaeConfigRecord {
  kind: SaeKind;
  source: SaeSource;
  reduction: Reduction;
  inputDim: number;
  K: number;
  hidden?: number;
  tau?: number;
  topk?: number;
  lambda?: number;
  epochs: number;
  /** Global standard deviation the data was divided by before training. */
  std: number;
  trainLoss: number[];
  valLoss: number[];
  r2Global: number;
  r2PerFeature: number;
  stoppedEarly: boolean;
  /** Vectors the SAE was trained on (the bundle's images plus any extra training set). */
  trainSamples?: number;
  /** Optimizer steps the fit ran (epochs above count evaluations of the loss). */
  steps?: number;
  /** How good the fit is: validation R^2, residual share, alive/dead, near-duplicates, mark and warning (core/sae/fitQuality.ts). */
  quality?: FitQuality;
}

export interface SaeRecord {
  config: SaeConfigRecord;
  /** Dictionary indices of alive modes (fire on >= 1 image); ids never renumbered. */
  aliveModes: number[];
  arrays: {
    atoms: ArrayRef; // (K, d) float32, all K rows (dead ones included, so ids are indices)
    codes: CsrRef; // (B, K) codes z of the bundle's images
  };
  /** (K, nClasses) correlation of loadings with class indicators; NaN as null in JSON. */
  classCorr?: ArrayRef;
  /** Optional: weights file of the trained SAE (tfjs artifacts), for re-encoding new images. */
  weights?: ArrayRef[];
}

export interface LayerMetrics extends CompletenessMetrics {
  hoyerContrib: number;
  hoyerAct: number;
  dimContrib: number; // PCA components for 95% of the variance
  dimAct: number;
  prContrib: number; // participation ratio
  prAct: number;
  pnCorr: number; // median over images of pearson(|neg|, pos) across channels
  /** Median plain error |sum C - dF| / |dF| over images whose |dF| is not tiny; null where the layer is not a cut. */
  completenessMedian: number | null;
  modesAlive?: number;
  modesAliveAct?: number;
  bestClassCorrMedian?: number;
  bestClassCorrMedianAct?: number;
}

export interface SweepRecord {
  layer: string;
  source: SaeSource;
  mode: number;
  targetClass: number;
  kind: 'destroy' | 'preserve';
  pcts: number[];
  fractions: number[]; // k/C actually removed
  targetRatio: number[]; // mean accuracy ratio over trials
  offRatio: number[];
  aucTarget: number;
  aucOff: number;
  selectivity: number;
  trials: number;
  skippedTrials: number;
}

export interface LayerRecord extends CompletenessArrays {
  name: string;
  className: string;
  outputShape: number[]; // without batch, e.g. [14, 14, 32]
  isCut: boolean;
  /** Kinds: act_net, contrib_net, contrib_ei, contrib_map (when asked), act_map ... */
  arrays: Record<string, ArrayRef>;
  /** Per image the plain error |sum C - dF| / |dF| (version 2; null in the list where dF = 0); null where the layer is not a cut. */
  completeness: (number | null)[] | null;
  metrics?: LayerMetrics;
  sae?: { contributions?: SaeRecord; activations?: SaeRecord };
}

export interface BundleManifest {
  format: 'codec-bundle';
  /** 2 since the plain completeness error (completenessRecord.ts); 1 is read and upgraded (upgrade.ts). */
  version: 1 | 2;
  createdAt: string;
  /** `logits`: which tensor the targets and `outputs.probs` read (the input of a final softmax, which is not run). */
  model: { path: string; sha256: string; name?: string; logits?: LogitsInfo };
  settings: AnalysisSettings;
  preprocessing: Preprocessing;
  images: string[];
  /** Where the images came from (a folder or image set file, relative to the bundle). */
  imagesSource?: string;
  /** Optional: the images' resized pixels, (N, H, W, C) uint8 at the preprocessing's size. */
  inputs?: ArrayRef;
  labels?: number[];
  classNames: string[];
  /** Per image: F(x), F(x0) and the target class used. */
  outputs: { F: ArrayRef; F0: ArrayRef; targetClass: ArrayRef; probs?: ArrayRef };
  layers: LayerRecord[];
  sweeps?: SweepRecord[];
  /** Optional thumbnails sprite (PNG, images in order, row-major grid). */
  sprite?: { file: string; cols: number; cellHeight: number; cellWidth: number };
  /** Optional: a shard of a larger analysis (`analyze --shard i/n`): contributions and outputs of its images only, no metrics or SAEs (shardRecord.ts). */
  partial?: PartialRecord;
}

export const BUNDLE_FORMAT = 'codec-bundle';
export const BUNDLE_VERSION = 2;
/** Versions the reader accepts (1 is upgraded on read, upgrade.ts). */
export const READABLE_VERSIONS: readonly number[] = [1, 2];
/** The manifest's file name at the bundle root. */
export const MANIFEST_FILE = 'manifest.json';
