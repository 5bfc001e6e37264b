/**
 * The typed contract between the explorer's UI thread and its model worker (Comlink). Every
 * value that crosses is a plain object, a TypedArray or a File; errors cross as `{name, message}`
 * only (WorkerError). Nothing here imports tfjs at run time (type imports only), so the app can
 * import these types freely.
 */

import type { PreviewResult } from './preview';
import type { BackendName, BackendReport } from './api/backend';
import type { AnalyzeSettings, FileEntry, ImageOptions, Preprocessing, Progress, Source } from './api/settings';
import type { ImagePixels, ImageSetInfo, ModelInfo } from './api/model';
import type { BundleSummary, ClassMatrix, Decomposition, HeatmapRequest, HeatmapResult, ModeGrid } from './api/views';
import type { AblationRequest, AblationResult, AccuracyRequest, AccuracyResult, SweepView } from './api/ablation';
export type { PreviewResult };
// The types, grouped by concern in api/ (every import of './api' keeps working).
export * from './api/backend';
export * from './api/settings';
export * from './api/model';
export * from './api/views';
export * from './api/ablation';

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
