/**
 * The worker's state and the implementation of WorkerApi: one model, one image set and one
 * current analysis at a time. Long work (analysis) runs layer by layer with an AbortSignal, so a
 * cancel stops at the next chunk and keeps the layers that finished (they are cached too).
 */
import * as tf from '@tensorflow/tfjs';
import { Analysis } from './analysis';
import type { AblationRequest, AblationResult, AccuracyRequest, AccuracyResult, SweepView, AnalyzeSettings, BackendName, BackendReport, BundleSummary, FileEntry, HeatmapRequest, HeatmapResult, ImageOptions, ImagePixels, ImageSetInfo, ModelInfo, Preprocessing, Progress, WorkerApi } from './api';
import { chooseBackend, timeProbe, watchDeviceLost } from './backend';
import { reportLost } from './workerLost';
import { bundleFromFiles, fetchBundle } from './bundleFiles';
import { clearHeatmapCache, computeHeatmap } from './heatmap';
import { heatmapContext } from './heatmapContext';
import { imageSetHash, loadImages, toDisplay, type LoadedImages } from './images';
import { fetchImageSet, imageSetFromFiles, imageSetToInputSet, spriteFromPixels } from './imageSet';
import type { ImageSet } from '../core/data/imageset';
import { fetchModelFiles, loadModel, readEntries, type LoadedWorkerModel } from './model';
import { ModelRefs } from './modelRefs';
import { bundleOwnModel } from './bundleModel';
import { exportedView } from './bundleView';
import { speedProbe, type SpeedProbe } from './speedProbe';
import { previewImage, type PreviewResult } from './preview';
import { fail } from './fail';
import { checkAgainstInput, resolvePreprocessing } from './preprocessingCheck';
import { batchOf, bundleInputs, inputOf, type Current } from './analysisInputs';
import { checkAnalyzeSettings, DEFAULT_BUDGET_MIB, runAnalysis } from './runAnalysis';
import { SessionAblation } from './sessionAblation';
import { exportBundle } from './exportBundle';
import { smoke, type SmokeResult } from './smoke';

// Moved out of this file; still importable from here.
export { checkAgainstInput, resolvePreprocessing } from './preprocessingCheck';
export { mergeBundles } from './mergeBundles';
export { DEFAULT_BUDGET_MIB };

export class Session implements WorkerApi {
  private report: BackendReport | null = null;
  /** WASM threads asked at init (null: tfjs's default). */
  private wasmThreads: number | null = null;
  /** Every model's lifetime: the slots below and the work running on a model each hold it. */
  private readonly refs = new ModelRefs<LoadedWorkerModel>();
  private model: LoadedWorkerModel | null = null;
  private images: LoadedImages | null = null;
  /** The analysis on screen, its pixels, and the model that made it (for heatmaps): the user's
   * model for an analysis run here, or the bundle's own model (loaded from model.path). */
  private current: Current | null = null;
  private abort: AbortController | null = null;
  /** Work running on a model (analysis, heatmaps, ablations, sweeps): a backend switch waits for it. */
  private readonly inflight = new Set<Promise<unknown>>();
  /** Live ablation (one cached forward pass), accuracy and sweeps, with their queues (sessionAblation.ts). */
  private readonly ablation = new SessionAblation({
    analysis: () => this.analysis,
    model: () => this.current!.model,
    work: (m, fn) => this.work(m, fn),
    batchOf: (idx) => this.batchOf(idx),
  });

  async memory(): Promise<{ numTensors: number; numBytes: number }> {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  }

  async init(options: { backend?: BackendName | 'auto'; wasmThreads?: number | null }): Promise<BackendReport> {
    this.wasmThreads = options.wasmThreads ?? null;
    this.report = await chooseBackend(options.backend ?? 'auto', this.wasmThreads);
    watchDeviceLost();
    return this.report;
  }

  /**
   * Test hook: makes this worker fail as a crash would. 'device-lost' reports a lost WebGPU device
   * (as watchDeviceLost does); 'throw' throws outside any call (an uncaught error).
   */
  crashForTest(kind: 'device-lost' | 'throw'): void {
    if (kind === 'device-lost') reportLost('device-lost', 'the WebGPU device was lost (simulated)');
    else
      setTimeout(() => {
        throw new Error('simulated crash');
      }, 0);
  }

  async setBackend(name: BackendName | 'auto'): Promise<BackendReport> {
    // A running analysis is cancelled (it keeps its finished layers); it, heatmaps, ablations and
    // sweeps in flight finish on the old backend first (accuracy is cancelled).
    this.abort?.abort();
    this.ablation.cancelAccuracy();
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
    await this.ablation.idle();
    this.ablation.dropLive();
    clearHeatmapCache();
    const from = tf.getBackend();
    this.report = await chooseBackend(name, this.wasmThreads);
    watchDeviceLost();
    if (tf.getBackend() !== from) await this.rebuildModels();
    return this.report;
  }

  /** The loaded model's preprocessing with the user's changes, checked and matched to its input. */
  private preprocessingFor(options: ImageOptions): Preprocessing {
    const m = this.model!;
    return checkAgainstInput(resolvePreprocessing(m.info.preprocessing, options.preprocessing), m.info.inputShape);
  }

  /**
   * Rebuilds the models in use from their files on the backend now running. Left alone, tfjs would
   * move each weight across backends on first use with a synchronous read, and on WebGPU such a
   * read can lose the device (Chromium on SwiftShader here; the e2e spec fails without this).
   */
  private async rebuildModels(): Promise<void> {
    const olds = [...new Set([this.model, this.current?.model ?? null])].filter((m): m is LoadedWorkerModel => m !== null);
    for (const old of olds) {
      const c = await old.copy();
      const moved: LoadedWorkerModel = { ...old, exec: c.exec, dispose: () => c.dispose() };
      if (this.model === old) {
        this.model = this.refs.hold(moved);
        this.refs.drop(old);
      }
      if (this.current?.model === old) {
        this.current.model = this.refs.hold(moved);
        this.refs.drop(old);
      }
    }
  }

  /**
   * Runs `fn` on model `m` as work in flight: `m` is held (nothing frees it meanwhile) and a
   * backend switch waits for `fn` to end.
   */
  private work<T>(m: LoadedWorkerModel, fn: (m: LoadedWorkerModel) => Promise<T>): Promise<T> {
    const run = this.refs.during(m, fn);
    const tracked = run.catch(() => undefined);
    this.inflight.add(tracked);
    void tracked.then(() => this.inflight.delete(tracked));
    return run;
  }

  /** Puts `m` in the analysis slot (with its pixels and files), letting go of the one there. */
  private setCurrent(next: Current): void {
    const old = this.current?.model ?? null;
    this.refs.hold(next.model);
    this.ablation.dropLive();
    this.current = next;
    this.refs.drop(old);
    clearHeatmapCache();
  }

  /** Models alive in this worker (held by a slot or by work in flight): for the lifetime tests. */
  async modelsAlive(): Promise<number> {
    return this.refs.alive;
  }

  async backend(): Promise<BackendReport> {
    return this.report ?? this.init({});
  }

  private setModel(m: LoadedWorkerModel): ModelInfo {
    const old = this.model;
    this.model = this.refs.hold(m);
    this.images = null;
    this.refs.drop(old);
    return m.info;
  }

  async loadModel(files: FileEntry[]): Promise<ModelInfo> {
    if (!files.length) fail('loadModel: no files given; drop model.json with its .bin shards.');
    const m = await loadModel(await readEntries(files), files[0].file.name);
    return this.setModel(m);
  }

  async loadModelUrl(url: string): Promise<ModelInfo> {
    return this.setModel(await loadModel(await fetchModelFiles(url), url));
  }

  async loadImages(files: FileEntry[], options: ImageOptions = {}): Promise<ImageSetInfo> {
    if (!this.model) fail('loadImages: load a model first (the images are resized to its input).');
    if (!files.length) fail('loadImages: no files given (0 images).');
    const json = files.find((f) => /\.json$/i.test(f.path));
    if (json && /"codec-imageset"/.test(await json.file.slice(0, 4096).text())) {
      return this.useImageSet(await imageSetFromFiles(json.file, files.map((f) => f.file)), options);
    }
    const p = this.preprocessingFor(options);
    this.images = await loadImages(files, p, this.model.info.classNames, options, this.model.info.numClasses);
    return this.images.info;
  }

  async loadBundle(source: { url: string } | { files: FileEntry[] }): Promise<BundleSummary> {
    const isUrl = 'url' in source;
    const bundle = isUrl ? await fetchBundle(source.url) : await bundleFromFiles(source.files);
    const baseUrl = isUrl ? new URL(source.url.endsWith('/') ? source.url : source.url.replace(/manifest\.json$/, ''), self.location.href).href : null;
    const man = bundle.manifest;
    // Pixels for heatmaps and thumbnails: inside the bundle, or in the image set it names.
    const inputs = await bundleInputs(bundle, baseUrl);
    const sprite = !man.sprite && inputs?.kind === 'pixels' ? spriteFromPixels(inputs.u8, man.images.length, inputs.h, inputs.w, inputs.c) : null;
    const origin = isUrl ? (/\/demo\/|\/fixture\//.test(source.url) ? 'demo' : 'url') : 'files';
    const analysis = new Analysis(bundle, isUrl ? baseUrl! : `files:${man.createdAt}`, origin, baseUrl, false, sprite);
    // The bundle's own model (same origin), for heatmaps: the user's if it is the same one, else
    // loaded from model.path; a bundle without a reachable model still browses (bundleModel.ts).
    const { model, modelNote } = await bundleOwnModel(man, bundle.files, baseUrl, isUrl, this.model, this.current?.model ?? null);
    this.setCurrent({ analysis, inputs, model, modelFiles: model?.files ?? null });
    return { ...this.summary(), modelNote, view: isUrl ? null : exportedView(bundle.files) };
  }

  /** An image set file (codec-imageset JSON + uint8 binary) by URL, e.g. the demo's test set. */
  async loadImageSetUrl(url: string, options: ImageOptions = {}): Promise<ImageSetInfo> {
    return this.useImageSet(await fetchImageSet(url), options);
  }

  private async useImageSet(set: ImageSet, options: ImageOptions): Promise<ImageSetInfo> {
    if (!this.model) fail('loadImages: load a model first (the images are resized to its input).');
    const p = this.preprocessingFor(options);
    const { input, classNames } = imageSetToInputSet(set, p, options.maxImages);
    const n = input.n;
    const names = this.model.info.classNames ?? classNames;
    const hash = await imageSetHash(input.data, p, input.names, input.labels ?? null, names);
    const { height: h, width: w, channels: c } = set.header;
    const info: ImageSetInfo = { count: n, names: input.names, labels: input.labels ?? null, classNames: names, hash, preprocessing: p, skipped: [], notes: [] };
    this.images = { set: input, info, sprite: spriteFromPixels(set.pixels.subarray(0, n * h * w * c), n, h, w, c) };
    return info;
  }

  private summary(): BundleSummary {
    const c = this.current!;
    return c.analysis.summary(c.model !== null);
  }

  cancel(): void {
    this.abort?.abort();
  }

  async analyze(settings: AnalyzeSettings, onProgress: (p: Progress) => void): Promise<BundleSummary> {
    const model = this.model;
    const images = this.images;
    if (!model) fail('analyze: no model loaded.');
    if (!images || images.set.n === 0) fail('analyze: no images loaded (0 images).');
    if (this.abort) fail('analyze: an analysis is already running.');
    const { layers, budgetMiB } = checkAnalyzeSettings(model, settings);
    const ctrl = new AbortController();
    this.abort = ctrl;
    // The analysis holds its model until it ends: a model replaced meanwhile is freed only then.
    return this.work(model, async () => {
      let analysis: Analysis;
      try {
        analysis = await runAnalysis(model, images, settings, layers, budgetMiB, ctrl.signal, onProgress);
      } finally {
        this.abort = null;
      }
      this.setCurrent({ analysis, inputs: { kind: 'set', data: images.set.data, p: images.info.preprocessing }, model, modelFiles: model.files ?? null });
      return this.summary();
    });
  }

  private get analysis(): Analysis {
    if (!this.current) fail('no analysis loaded: open the demo, a bundle, or analyze a model first.');
    return this.current.analysis;
  }

  async modeGrid(layer: string, source: 'contributions' | 'activations') {
    return this.analysis.modeGrid(layer, source);
  }

  async decomposition(image: number, layer: string, source: 'contributions' | 'activations') {
    return this.analysis.decomposition(image, layer, source);
  }

  async classMatrix(layer: string, source: 'contributions' | 'activations') {
    return this.analysis.classMatrix(layer, source);
  }

  /** The image in model input space (H, W, C). */
  private inputOf(index: number): { x: Float32Array; p: Preprocessing } {
    return inputOf(this.current, index);
  }

  /** Input tensor of the images `idx` (model input space). */
  private batchOf(idx: number[]): tf.Tensor4D {
    return batchOf(this.current, idx);
  }

  async ablate(req: AblationRequest): Promise<AblationResult> {
    return this.ablation.ablate(req);
  }

  async ablationAccuracy(req: AccuracyRequest, onProgress?: (done: number, total: number) => void): Promise<AccuracyResult> {
    return this.ablation.ablationAccuracy(req, onProgress);
  }

  async sweep(layer: string, mode: number, compute: boolean, onProgress?: (done: number, total: number) => void): Promise<SweepView> {
    return this.ablation.sweep(layer, mode, compute, onProgress);
  }

  async exportBundle(view?: string): Promise<Uint8Array> {
    const a = this.analysis;
    return exportBundle(a, this.current!, view);
  }

  /** One loaded image as the model sees it under a preprocessing, and the model's top 3 classes (preview.ts). */
  async preview(index: number, preprocessing: Partial<Preprocessing> = {}): Promise<PreviewResult> {
    if (!this.model || !this.images) fail('preview: load a model and images first.');
    const images = this.images;
    // As work in flight on the model: a model replaced or a backend switched meanwhile waits for it.
    return this.work(this.model, (m) => previewImage({ exec: m.exec, classNames: images.info.classNames ?? m.info.classNames, set: images.set, loaded: images.info.preprocessing }, index, resolvePreprocessing(images.info.preprocessing, preprocessing)));
  }

  async imagePixels(index: number): Promise<ImagePixels> {
    const { x, p } = this.inputOf(index);
    return { index, rgba: toDisplay(x, p, 0), height: p.height, width: p.width };
  }

  async heatmap(req: HeatmapRequest): Promise<HeatmapResult> {
    const a = this.analysis;
    const model = this.current!.model;
    if (!model) fail(`heatmap: the model of this analysis (${a.manifest.model.name ?? a.manifest.model.path}) could not be loaded, so there are no heatmaps; the other panels work.`);
    const { x, p } = this.inputOf(req.image);
    const ctx = heatmapContext(a, model.exec, x, p, req);
    return this.work(model, () => computeHeatmap(ctx, req, `${a.id}|${req.image}`));
  }

  /** A backend smoke check on a fresh copy of the model, asynchronous reads only (smoke.ts). */
  async smoke(backend: BackendName, n = 4): Promise<SmokeResult> {
    const model = this.model;
    const images = this.images;
    if (!model || !images) fail('smoke: load a model and images first.');
    if (this.abort) fail('smoke: an analysis is running.');
    return smoke(model, images, backend, n, this.wasmThreads);
  }

  async speedProbe(layer: string): Promise<SpeedProbe> {
    const images = this.images;
    if (!this.model || !images) fail('speedProbe: load a model and images first.');
    if (this.abort) fail('speedProbe: an analysis is running.');
    return this.work(this.model, (m) => speedProbe(m.exec, images.set, layer));
  }

  async probe(sync = false): Promise<{ backend: BackendName; msPerStep: number }> {
    return { backend: tf.getBackend() as BackendName, msPerStep: await timeProbe(3, sync) };
  }

  async checksum() {
    const a = this.analysis;
    const layers: Record<string, number[]> = {};
    for (const l of a.manifest.layers) {
      const ref = l.arrays.contrib_net;
      if (ref) layers[l.name] = Array.from(a.bundle.float(ref).subarray(0, 64));
    }
    return { backend: tf.getBackend() as BackendName, F: Array.from(a.outputs.F), layers };
  }
}
