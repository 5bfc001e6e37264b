/**
 * The worker's state and the implementation of WorkerApi: one model, one image set and one
 * current analysis at a time. Long work (analysis) runs layer by layer with an AbortSignal, so a
 * cancel stops at the next chunk and keeps the layers that finished (they are cached too).
 */
import { saeKeySettings, saeOptions } from './saeSettings';
import * as tf from '@tensorflow/tfjs';
import type { TargetSpec } from '../core/attribution/targets';
import type { BundleManifest } from '../core/bundle/manifest';
import { Analysis } from './analysis';
import { analyze } from '../core/pipeline/analyze';
import { validateManifest } from '../core/bundle/validate';
import { atomChannelScores } from '../core/ablation/channels';
import { zipFiles } from '../core/bundle/zip';
import { ablationCorrectness } from '../core/ablation/sweep';
import { balancedSample, channelMask, closestProfile, computeSweep, evenSample, perClassAccuracy, topChannels } from './ablation';
import { AblationSession } from '../core/ablation/ablate';
import { layerPositions, steerInputs } from './steer';
import type {
  AblationRequest,
  AblationResult,
  AccuracyRequest,
  AccuracyResult,
  SweepCurve,
  SweepView,
  AnalyzeSettings,
  BackendName,
  BackendReport,
  BundleSummary,
  FileEntry,
  HeatmapRequest,
  HeatmapResult,
  ImageOptions,
  ImagePixels,
  ImageSetInfo,
  ModelInfo,
  Preprocessing,
  Progress,
  SaeEpoch,
  WorkerApi,
} from './api';
import { chooseBackend, setupWasm, timeProbe, watchDeviceLost } from './backend';
import { imagesForBudget } from '../core/attribution/memoryBudget';
import { reportLost } from './workerLost';
import { gradPass } from '../core/attribution/conductance';
import { targetFn } from '../core/attribution/targets';
import { batchTensor } from '../core/pipeline/imageBatch';
import { BundleFiles, bundleFromFiles, fetchBundle, type Manifest } from './bundleFiles';
import { upgradeFromFiles } from './bundleFiles';
import { cacheKey, getCached, putCached } from './cache';
import { clearHeatmapCache, computeHeatmap } from './heatmap';
import { imageSetHash, loadImages, toDisplay, type LoadedImages } from './images';
import { fetchImageSet, imageSetFromFiles, imageSetToInputSet, indicesOf, pickPixels, pixelsToInputs, spriteFromPixels } from './imageSet';
import type { ImageSet } from '../core/data/imageset';
import { fetchModelFiles, loadModel, readEntries, type LoadedWorkerModel } from './model';
import { ModelRefs } from './modelRefs';
import { modelFromBundleFiles } from './bundleModel';
import { exportedView, VIEW_FILE, viewFile } from './bundleView';
import { speedProbe, type SpeedProbe } from './speedProbe';
import { previewImage, type PreviewResult } from './preview';
import { modelChannel, pixelOf } from '../core/image/denormalise';

/** The default memory budget of one attribution pass (MiB). */
export const DEFAULT_BUDGET_MIB = 256;

function fail(msg: string, name = 'InputError'): never {
  throw Object.assign(new Error(msg), { name });
}

/** Where the current analysis' images come from, in model input space. */
type Inputs = { kind: 'set'; data: Float32Array; p: Preprocessing } | { kind: 'pixels'; u8: Uint8Array; h: number; w: number; c: number; p: Preprocessing } | null;

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
  private current: { analysis: Analysis; inputs: Inputs; model: LoadedWorkerModel | null; modelFiles: Map<string, Uint8Array> | null } | null = null;
  private abort: AbortController | null = null;
  /** Work running on a model (analysis, heatmaps, ablations, sweeps): a backend switch waits for it. */
  private readonly inflight = new Set<Promise<unknown>>();
  /** The one cached forward pass for live ablation, keyed by analysis, model, backend, layer and image. */
  /** Live ablation: the forward pass of one image up to a layer (a new (layer, image) replaces it). */
  private live: { key: string; abl: AblationSession } | null = null;
  /** Ablation calls run one at a time (they share the cache). */
  private ablQueue: Promise<unknown> = Promise.resolve();
  /** Accuracy and sweeps: one at a time; a new accuracy request cancels the running one. */
  private setQueue: Promise<unknown> = Promise.resolve();
  private accuracyAbort: AbortController | null = null;

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
    this.accuracyAbort?.abort();
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
    await Promise.allSettled([this.ablQueue, this.setQueue]);
    this.dropLive();
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
  private setCurrent(next: NonNullable<Session['current']>): void {
    const old = this.current?.model ?? null;
    this.refs.hold(next.model);
    this.dropLive();
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
    let inputs: Inputs = null;
    if (man.inputs) {
      const [, h, w, c] = man.inputs.shape;
      inputs = { kind: 'pixels', u8: bundle.array(man.inputs) as Uint8Array, h, w, c, p: man.preprocessing };
    } else if (man.imagesSource && baseUrl) {
      try {
        const set = await fetchImageSet(new URL(man.imagesSource, baseUrl).href);
        const { height: h, width: w, channels: c } = set.header;
        inputs = { kind: 'pixels', u8: pickPixels(set, indicesOf(set, man.images)), h, w, c, p: man.preprocessing };
      } catch {
        /* browsing works without pixels; heatmaps will say so */
      }
    }
    const sprite = !man.sprite && inputs?.kind === 'pixels' ? spriteFromPixels(inputs.u8, man.images.length, inputs.h, inputs.w, inputs.c) : null;
    const origin = isUrl ? (/\/demo\/|\/fixture\//.test(source.url) ? 'demo' : 'url') : 'files';
    const analysis = new Analysis(bundle, isUrl ? baseUrl! : `files:${man.createdAt}`, origin, baseUrl, false, sprite);
    // The bundle's own model (same origin), for heatmaps: the user's if it is the same one, else
    // loaded from model.path; a bundle without a reachable model still browses.
    const modelUrl = baseUrl && man.model.path ? new URL(man.model.path, baseUrl).href : null;
    let model: LoadedWorkerModel | null = null;
    if (this.model?.info.hash === man.model.sha256) model = this.model;
    else if (this.current?.model?.info.hash === man.model.sha256) model = this.current.model;
    else if (modelUrl) model = await loadModel(await fetchModelFiles(modelUrl), modelUrl).catch(() => null);
    let modelNote: string | null = null;
    if (!model && !modelUrl && !isUrl && man.model.path) {
      // An exported bundle carries its model: model.json and the shards its manifest names (bundleModel.ts).
      ({ model, note: modelNote } = await modelFromBundleFiles(bundle.files, man.model.path));
    }
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
    if (!settings.layers.length) fail('analyze: pick at least one layer.');
    if (!(Number.isInteger(settings.steps) && settings.steps >= 1 && settings.steps <= 512)) fail(`analyze: steps must be an integer in [1, 512], but got ${settings.steps}.`);
    const budgetMiB = settings.memoryBudgetMiB ?? DEFAULT_BUDGET_MIB;
    if (!(Number.isFinite(budgetMiB) && budgetMiB >= 16 && budgetMiB <= 65536)) fail(`analyze: the memory budget must be between 16 and 65536 MiB, but got ${budgetMiB}.`);
    const order = new Map(model.info.layers.map((l, i) => [l.name, i]));
    const layers = [...settings.layers].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    for (const l of layers) if (!order.has(l)) fail(`analyze: unknown layer ${l}.`);
    const ctrl = new AbortController();
    this.abort = ctrl;
    // The analysis holds its model until it ends: a model replaced meanwhile is freed only then.
    return this.work(model, async () => {
      const t0 = performance.now();
      const done: string[] = [];
      const parts: Map<string, Uint8Array>[] = [];
      const keySettings = { method: settings.method, target: settings.target, baseline: settings.baseline, steps: settings.steps, modes: settings.modes, ...(settings.saeEpochs ? { saeEpochs: settings.saeEpochs } : {}) };
      const autoSteps = settings.stepsAuto && settings.method === 'conductance' ? { cap: settings.steps } : undefined; // "until converged" (core/attribution/autoSteps.ts); steps is the cap
      if (autoSteps) Object.assign(keySettings, { stepsAuto: true });
      Object.assign(keySettings, saeKeySettings(settings));
      const n = images.set.n;
      // The engine checks for a cancel between passes and sizes a pass's path points to the memory
      // budget; about 4M activation values per pass (images x path points x the model's units)
      // keep a pass, and so a cancel, to a fraction of a second on small models, and no more images
      // go in a pass than leave one path point within the budget.
      const memoryBudgetBytes = budgetMiB * 2 ** 20;
      const perSample = model.info.layers.reduce((t, l) => t + l.outputShape.reduce((p, d) => p * Math.max(1, d), 1), 0);
      const floatsOf = (name: string) => model.exec.layer(name).outputShape.reduce((p, d) => p * Math.max(1, d), 1);
      const batchFor = (layer: string) => Math.min(Math.max(1, Math.min(64, Math.floor(4e6 / (perSample * (settings.steps + 1))))), imagesForBudget(memoryBudgetBytes, perSample, floatsOf(layer), 64));
      let cached = 0;
      let cutShort: string | null = null;
      // A layer's work: its contributions, then (with modes) its SAEs, counted as half each until
      // measured otherwise; SAE progress is epochs over the epoch limit (early stopping only helps).
      const saeLimit = settings.saeEpochs ?? 300;
      const saeShare = settings.modes ? 0.5 : 0;
      const report = (li: number, imgDone: number, stage: string, layer?: string, sae?: SaeEpoch) => {
        // Of the layer: its contributions so far, then the SAE epochs (contributions, then activations).
        const saeFrac = sae ? Math.min(1, ((sae.source === 'activations' ? 1 : 0) + sae.epoch / saeLimit) / 2) : 0;
        const frac = (li + (1 - saeShare) * (imgDone / n) + saeShare * saeFrac) / layers.length;
        const elapsed = performance.now() - t0;
        const computedFrac = frac - cached / layers.length;
        onProgress({
          stage,
          done: Math.round(imgDone),
          total: n,
          unit: 'images',
          layer,
          layersDone: [...done],
          elapsedMs: elapsed,
          fraction: frac,
          etaMs: computedFrac > 0.02 && elapsed > 300 ? (elapsed / computedFrac) * (1 - frac) : null,
          sae,
        });
      };
      try {
        for (let li = 0; li < layers.length; li++) {
          const layer = layers[li];
          const key = cacheKey(model.info.hash, images.info.hash, keySettings, layer);
          let files: Map<string, Uint8Array> | null = null;
          if (settings.useCache) {
            const hit = await getCached(key);
            if (hit) {
              files = new Map(hit.files);
              cached++;
            }
          }
          if (!files && settings.cacheOnly) continue;
          if (!files) {
            report(li, 0, 'contributions', layer);
            const result = await analyze(model.exec, images.set, {
              layers: [layer],
              method: settings.method,
              target: { kind: settings.target } as TargetSpec,
              targetName: settings.target,
              steps: settings.steps,
              autoSteps,
              baseline: settings.baseline === 'blur' ? 'blur' : 'zeros',
              sae: settings.modes ? 'stsae' : 'none',
              saeEpochs: settings.saeEpochs,
              ...saeOptions(settings),
              saeOn: 'both',
              batchSize: batchFor(layer),
              memoryBudgetBytes,
              classNames: images.info.classNames ?? model.info.classNames ?? undefined,
              preprocessing: images.info.preprocessing,
              model: { path: 'model.json', sha256: model.info.hash, name: model.info.name },
              backend: tf.getBackend(),
              signal: ctrl.signal,
              onProgress: (p) => report(li, p.stage === 'contributions' ? p.done : n, p.stage, layer),
              onSaeEpoch: (e) => report(li, n, `sparse autoencoders (${e.source}, epoch ${e.epoch})`, layer, e),
            });
            files = result.files;
            if (ctrl.signal.aborted) {
              // Cancelled during this layer's SAE training: its contributions are complete and its
              // SAE is the best so far. Kept for this session, but not cached as a finished layer.
              parts.push(files);
              done.push(layer);
              cutShort = layer;
              break;
            }
            // Always stored (the checkbox only says whether to reuse): a reload restores from it.
            await putCached(key, files);
          }
          parts.push(files);
          done.push(layer);
          report(li + 1, 0, 'layer done', layer);
        }
      } catch (e) {
        const cancelled = ctrl.signal.aborted || (e as Error).name === 'CancelledError';
        if (!cancelled || parts.length === 0) {
          this.abort = null;
          if (cancelled) fail(`analyze: cancelled before any layer finished (${performance.now() - t0 < 1000 ? 'at once' : `after ${((performance.now() - t0) / 1000).toFixed(1)} s`}).`, 'CancelledError');
          throw e;
        }
      } finally {
        this.abort = null;
      }
      if (parts.length === 0) fail('analyze: nothing cached for these settings.', 'CancelledError');
      const merged = mergeBundles(parts);
      const analysis = new Analysis(merged, `analysis:${model.info.hash.slice(0, 12)}:${images.info.hash.slice(0, 12)}:${JSON.stringify(keySettings)}`, cached === layers.length ? 'cache' : 'analysis', null, done.length < layers.length || cutShort !== null, images.sprite, cutShort);
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
    const c = this.current;
    if (!c || !c.inputs) fail('this analysis has no image pixels (the bundle holds no inputs and no image set is loaded).');
    const n = c.analysis.count;
    if (!(Number.isInteger(index) && index >= 0 && index < n)) fail(`image index ${index} is out of range [0, ${n}).`);
    const p = c.inputs.p;
    const per = p.height * p.width * p.channels;
    if (c.inputs.kind === 'set') return { x: c.inputs.data.subarray(index * per, (index + 1) * per), p };
    const { u8, h, w, c: ch } = c.inputs;
    return { x: pixelsToInputs(u8.subarray(index * h * w * ch, (index + 1) * h * w * ch), 1, h, w, ch, p), p };
  }

  private dropLive(): void {
    this.live?.abl.dispose();
    this.live = null;
  }

  private ablationModel(what: string): LoadedWorkerModel {
    const a = this.analysis;
    const m = this.current!.model;
    if (!m) fail(`${what}: the model of this analysis (${a.manifest.model.name ?? a.manifest.model.path}) could not be loaded, so there is no ablation; the other panels work.`);
    return m;
  }

  /** The mode's atom as per-channel scores (positive half for an ei atom). */
  private modeScores(what: string, layer: string, source: 'contributions' | 'activations', mode: number): Float32Array {
    const lm = this.analysis.layerModes(layer, source);
    if (!lm.alive.includes(mode)) fail(`${what}: mode ${mode} is not an alive ${source === 'contributions' ? 'contribution' : 'activation'} mode of ${layer}.`);
    return atomChannelScores(lm.atoms.subarray(mode * lm.d, (mode + 1) * lm.d), lm.channels);
  }

  private checkPct(what: string, pct: number): void {
    if (!(Number.isFinite(pct) && pct > 0 && pct <= 100)) fail(`${what}: p must be in (0, 100], but got ${pct}.`);
  }

  /** Input tensor of the images `idx` (model input space). */
  private batchOf(idx: number[]): tf.Tensor4D {
    const first = this.inputOf(idx[0] ?? 0);
    const { height: h, width: w, channels: c } = first.p;
    const per = h * w * c;
    const data = new Float32Array(idx.length * per);
    idx.forEach((i, j) => data.set(this.inputOf(i).x, j * per));
    return tf.tensor4d(data, [idx.length, h, w, c]);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.ablQueue.then(fn, fn);
    this.ablQueue = run.catch(() => undefined);
    return run;
  }

  private serialSet<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.setQueue.then(fn, fn);
    this.setQueue = run.catch(() => undefined);
    return run;
  }

  async ablate(req: AblationRequest): Promise<AblationResult> {
    return this.serial(async () => {
      const a = this.analysis;
      return this.work(this.ablationModel('ablate'), async (model) => {
        this.checkPct('ablate', req.pct);
        const scores = this.modeScores('ablate', req.layer, req.source, req.mode);
        const C = scores.length;
        const key = `${a.id}|${model.info.hash}|${tf.getBackend()}|${req.layer}|${req.image}`;
        const cached = this.live?.key === key;
        if (!cached) {
          this.dropLive();
          const x = this.batchOf([req.image]);
          try {
            const abl = new AblationSession(model.exec, x, req.layer);
            this.live = { key, abl };
            await abl.beforeAsync();
          } finally {
            x.dispose();
          }
        }
        const live = this.live!.abl;
        const t0 = performance.now();
        const top = topChannels(scores, req.pct);
        const st = steerInputs('ablate', a.layerModes(req.layer, req.source), req.mode, top.channels, live.positions, req.steer);
        const r = await live.withMaskAsync(st?.mask ?? channelMask(C, top.channels, req.kind), st?.add);
        return { ...req, k: top.k, C, fraction: top.fraction, channels: top.channels, before: await live.beforeAsync(), after: r.probs, logitsAfter: r.logits, ms: performance.now() - t0, cached };
      });
    });
  }

  async ablationAccuracy(req: AccuracyRequest, onProgress?: (done: number, total: number) => void): Promise<AccuracyResult> {
    this.accuracyAbort?.abort();
    const ctrl = new AbortController();
    this.accuracyAbort = ctrl;
    return this.serialSet(async () => {
      if (ctrl.signal.aborted) fail('ablation accuracy: replaced by a newer request.', 'CancelledError');
      const t0 = performance.now();
      const a = this.analysis;
      return this.work(this.ablationModel('ablation accuracy'), async (model) => {
        this.checkPct('ablation accuracy', req.pct);
        const scores = this.modeScores('ablation accuracy', req.layer, req.source, req.mode);
        const idx = evenSample(a.count, Math.max(1, Math.floor(req.sample)));
        const truth = a.outputs.labels ?? a.outputs.predicted;
        const labels = Int32Array.from(idx, (i) => truth[i]);
        const st = steerInputs('ablation accuracy', a.layerModes(req.layer, req.source), req.mode, topChannels(scores, req.pct).channels, layerPositions(a.layer(req.layer).outputShape), req.steer);
        const correct = await ablationCorrectness(model.exec, (s, e) => this.batchOf(idx.slice(s, e)), idx.length, labels, req.layer, scores, { pcts: [req.pct], kind: req.kind, batchSize: 50, onProgress, signal: ctrl.signal, ...(st ? { masks: [st.mask], add: st.add } : {}) });
        const nc = Math.max(a.outputs.nClasses, a.manifest.classNames.length);
        const b = perClassAccuracy(correct.base, labels, nc);
        const af = perClassAccuracy(correct.after[0], labels, nc);
        const mean = (c: Uint8Array) => c.reduce((s, v) => s + v, 0) / Math.max(1, c.length);
        const top = topChannels(scores, req.pct);
        return { ...req, n: idx.length, counts: b.counts, before: b.acc, after: af.acc, overallBefore: mean(correct.base), overallAfter: mean(correct.after[0]), k: top.k, C: scores.length, fraction: top.fraction, labelsFromPredictions: !a.outputs.labels, ms: performance.now() - t0 };
      });
    });
  }

  async sweep(layer: string, mode: number, compute: boolean, onProgress?: (done: number, total: number) => void): Promise<SweepView> {
    const a = this.analysis;
    const rec = a.layer(layer);
    const stored = (a.manifest.sweeps ?? []).filter((s) => s.layer === layer);
    const own = stored.find((s) => s.source === 'contributions' && s.mode === mode);
    const swept = stored.filter((s) => s.source === 'contributions').map((s) => ({ mode: s.mode, targetClass: s.targetClass }));
    const curve = (s: (typeof stored)[number]): SweepCurve => ({ source: s.source as SweepCurve['source'], mode: s.mode, targetClass: s.targetClass, kind: s.kind, pcts: s.pcts, fractions: s.fractions, targetRatio: s.targetRatio, offRatio: s.offRatio, aucTarget: s.aucTarget, aucOff: s.aucOff, selectivity: s.selectivity, trials: s.trials, skippedTrials: s.skippedTrials });
    if (own) {
      const act = stored.find((s) => s.source === 'activations' && s.targetClass === own.targetClass);
      return { layer, contribution: curve(own), activation: act ? curve(act) : null, origin: 'bundle', swept };
    }
    if (!compute) return { layer, contribution: null, activation: null, origin: 'none', swept };
    return this.serialSet(() => this.work(this.ablationModel('sweep'), async (model) => {
      if (!a.outputs.labels) fail('sweep: the images have no labels, so there is no accuracy to sweep.');
      const grid = a.modeGrid(layer, 'contributions');
      const card = grid.cards.find((c) => c.id === mode) ?? fail(`sweep: mode ${mode} is not an alive contribution mode of ${layer}.`);
      const nc = Math.max(a.outputs.nClasses, a.manifest.classNames.length);
      const target = card.bestClass;
      if (target < 0) fail(`sweep: mode ${mode} has no best class (its loadings do not vary).`);
      const actMode = rec.sae?.activations ? closestProfile(card.classProfile, a.modeGrid(layer, 'activations').cards) : null;
      const idx = balancedSample(a.outputs.labels, nc, 50, 0);
      const labels = Int32Array.from(idx, (i) => a.outputs.labels![i]);
      const images = (s: number, e: number) => this.batchOf(idx.slice(s, e));
      const total = idx.length * (actMode === null ? 1 : 2);
      const contribution = await computeSweep(model.exec, images, labels, layer, this.modeScores('sweep', layer, 'contributions', mode), target, nc, { source: 'contributions', mode }, (d) => onProgress?.(d, total));
      const activation = actMode === null ? null : await computeSweep(model.exec, images, labels, layer, this.modeScores('sweep', layer, 'activations', actMode), target, nc, { source: 'activations', mode: actMode }, (d) => onProgress?.(idx.length + d, total));
      return { layer, contribution, activation, origin: 'computed' as const, swept };
    }));
  }

  async exportBundle(view?: string): Promise<Uint8Array> {
    const a = this.analysis;
    const c = this.current!;
    const files = new Map(a.bundle.files);
    const man: Manifest = JSON.parse(JSON.stringify(a.manifest));
    if (c.modelFiles) {
      for (const [k, v] of c.modelFiles) files.set(`model/${k.split('/').pop()}`, v);
      const json = [...c.modelFiles.keys()].find((k) => k.split('/').pop() === 'model.json') ?? 'model.json';
      man.model = { ...man.model, path: `model/${json.split('/').pop()}` };
    }
    if (!man.inputs && c.inputs?.kind === 'pixels') {
      const { u8, h, w, c: ch } = c.inputs;
      files.set('inputs/pixels.u8', u8.slice(0, a.count * h * w * ch));
      man.inputs = { file: 'inputs/pixels.u8', dtype: 'uint8', shape: [a.count, h, w, ch] };
    } else if (!man.inputs && c.inputs?.kind === 'set') {
      // Model-input floats back to the 0-255 pixels they were made from (x = (px/255·scale + offset − mean)/std).
      const { data, p } = c.inputs;
      const ch = p.channels;
      const n = a.count * p.height * p.width * ch;
      const u8 = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const k = i % ch;
        u8[i - k + modelChannel(p, k)] = pixelOf(data[i], p, k); // BGR inputs back to RGB pixels
      }
      files.set('inputs/pixels.u8', u8);
      man.inputs = { file: 'inputs/pixels.u8', dtype: 'uint8', shape: [a.count, p.height, p.width, ch] };
      man.preprocessing = p;
    }
    files.set('manifest.json', new TextEncoder().encode(JSON.stringify(man, null, 1)));
    if (view) files.set(VIEW_FILE, viewFile(view));
    return zipFiles(files);
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
    const lm = a.layerModes(req.layer, req.source);
    const k = lm.alive.includes(req.mode) ? req.mode : fail(`heatmap: mode ${req.mode} is not an alive mode of ${req.layer}.`);
    const s = a.manifest.settings;
    const targetClass = a.outputs.targetClass[req.image];
    const target: TargetSpec = ['logit', 'prob', 'logprob'].includes(s.target) ? ({ kind: s.target, classIndex: targetClass } as TargetSpec) : { kind: 'logit', classIndex: Math.max(0, targetClass) };
    const exec = model.exec;
    const baseline: 'blur' | 'zeros' = s.baseline === 'blur' ? 'blur' : 'zeros';
    const atomOf = (m: number) => lm.atoms.subarray(m * lm.d, (m + 1) * lm.d);
    const top = a.decomposition(req.image, req.layer, req.source).bars[0]?.mode ?? k;
    const ctx = { exec, baseline, x, inputShape: [p.height, p.width, p.channels] as [number, number, number], atom: atomOf(k), channels: lm.channels, target, targetClass, steps: s.steps, scaleAtoms: lm.alive.map(atomOf), anchorAtom: top !== k ? atomOf(top) : null };
    return this.work(model, () => computeHeatmap(ctx, req, `${a.id}|${req.image}`));
  }

  /**
   * A backend smoke check through the engine's executor and gradients with asynchronous reads
   * only (tfjs-webgpu's synchronous read can lose the device): on `backend`, a fresh copy of the
   * model computes, at alpha = 1 (x0 = 0), each of the first three analyzable layers' activation
   * and dF/da for the first `n` images, F = the class-0 logit. The running backend is restored.
   */
  async smoke(backend: BackendName, n = 4): Promise<{ backend: BackendName; F: number[]; layers: Record<string, { a: number[]; g: number[] }> }> {
    const model = this.model;
    const images = this.images;
    if (!model || !images) fail('smoke: load a model and images first.');
    if (this.abort) fail('smoke: an analysis is running.');
    const prev = tf.getBackend();
    if (backend === 'wasm') setupWasm(this.wasmThreads);
    const ok = await tf.setBackend(backend).catch(() => false);
    if (!ok || tf.getBackend() !== backend) {
      await tf.setBackend(prev);
      fail(`smoke: backend ${backend} did not start.`, 'BackendError');
    }
    const copy = await model.copy();
    try {
      const exec = copy.exec;
      const layers = model.info.layers.filter((l) => l.analyzable).map((l) => l.name).slice(0, 3);
      const m = Math.min(n, images.set.n);
      const x = batchTensor(images.set, 0, m);
      const x0 = tf.zerosLike(x);
      const k = tf.zeros([m], 'int32') as tf.Tensor1D;
      const shapes = layers.map((l) => exec.layer(l).outputShape);
      const { a, g, f } = gradPass(exec, x0, x, [1], layers, shapes, targetFn({ kind: 'logit' }), k);
      try {
        const out: Record<string, { a: number[]; g: number[] }> = {};
        for (let i = 0; i < layers.length; i++) out[layers[i]] = { a: Array.from((await a[i].data()).slice(0, 64)), g: Array.from((await g[i].data()).slice(0, 64)) };
        return { backend, F: Array.from(await f.data()), layers: out };
      } finally {
        tf.dispose([...a, ...g, f, x, x0, k]);
      }
    } finally {
      copy.dispose();
      await tf.setBackend(prev);
    }
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

/** The model card's preprocessing with the user's changes, checked (one-line errors). */
/**
 * The preprocessing against the model's input shape (height, width, channels; unknown sizes are
 * <= 0 or null): images of another size or channel count cannot go into the model.
 */
export function checkAgainstInput(p: Preprocessing, inputShape: (number | null)[]): Preprocessing {
  const [h, w, c] = inputShape.slice(-3);
  const fixed = (v: number | null | undefined): v is number => typeof v === 'number' && v > 0;
  if ((fixed(h) && p.height !== h) || (fixed(w) && p.width !== w)) fail(`preprocessing: the model takes ${fixed(h) ? h : 'any'}x${fixed(w) ? w : 'any'} images, but height x width is set to ${p.height}x${p.width}; set them to the model's (or reset them).`);
  if (fixed(c) && p.channels !== c) fail(`preprocessing: the model takes ${c} channel${c === 1 ? '' : 's'}, but channels is set to ${p.channels}.`);
  return p;
}

export function resolvePreprocessing(base: Preprocessing, over: Partial<Preprocessing> = {}): Preprocessing {
  const defined = Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined && v !== null)) as Partial<Preprocessing>;
  const p = { ...base, ...defined };
  const fit = (v: number[] | undefined, fill: number) => (v && v.length === p.channels ? v : v && v.length === 1 ? Array(p.channels).fill(v[0]) : Array(p.channels).fill(fill));
  p.mean = fit(defined.mean ?? (base.mean.length === p.channels ? base.mean : undefined), 0);
  p.std = fit(defined.std ?? (base.std.length === p.channels ? base.std : undefined), 1);
  for (const k of ['height', 'width'] as const) if (!(Number.isInteger(p[k]) && p[k] >= 1 && p[k] <= 4096)) fail(`preprocessing: ${k} must be an integer in [1, 4096], but got ${p[k]}.`);
  if (p.channels !== 1 && p.channels !== 3) fail(`preprocessing: channels must be 1 or 3, but got ${p.channels}.`);
  if (![p.scale, p.offset, ...p.mean].every(Number.isFinite)) fail(`preprocessing: scale, offset and mean must be numbers.`);
  if (!p.std.every((v) => Number.isFinite(v) && v !== 0)) fail(`preprocessing: std must be non-zero numbers, but got ${p.std.join(', ')}.`);
  return p;
}

/** One bundle from per-layer bundles of the same model, images and settings. */
export function mergeBundles(parts: Map<string, Uint8Array>[]): BundleFiles {
  const files = new Map<string, Uint8Array>();
  let manifest: Manifest | null = null;
  for (const p of parts) {
    const raw = p.get('manifest.json');
    if (!raw) fail('analyze: a layer result has no manifest.json.', 'BundleError');
    const m = validateManifest(JSON.parse(new TextDecoder().decode(raw)), (f) => p.get(f)?.length);
    upgradeFromFiles(m, p); // a layer cached in format 1 (the symmetric completeness measure) is read as format 2
    if (!manifest) manifest = { ...m, layers: [...m.layers] };
    else for (const l of m.layers) if (!manifest.layers.some((x) => x.name === l.name)) manifest.layers.push(l);
    for (const [k, v] of p) if (k !== 'manifest.json') files.set(k, v);
  }
  if (!manifest) fail('analyze: no layer finished.', 'CancelledError');
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  return new BundleFiles(manifest, files);
}
