import type { LogitsInfo } from '../../core/model/logits';
import type { Preprocessing } from './settings';

/** What the worker says about a loaded model and image set (part of api.ts). */

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

/** An image as the page shows it: RGBA at its model-input size. */
export interface ImagePixels {
  index: number;
  rgba: Uint8Array;
  height: number;
  width: number;
}
