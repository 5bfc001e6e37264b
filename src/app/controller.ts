/**
 * The app's actions: everything that talks to the worker. Panels call these and read the store;
 * subscriptions fetch the views the current picks need (mode grid, decomposition, class matrix,
 * heatmap, pixels), tagging each request so a late answer to an old pick is dropped.
 */
import * as Comlink from 'comlink';
import { BACKEND_ORDER, MAX_WASM_THREADS, type AnalyzeSettings, type BackendName, type FileEntry, type ModelInfo, type Progress, type Source } from '../worker/api';
import type { DemoEntry } from './store/dataSlice';
import type { PanelKey } from './store/panelSlice';
import type { AppStore } from './store/store';
import { errorText, WorkerClient } from './workerClient';
import { OpQueue } from './opQueue';
import { isRetinaHash } from './retina/route';
import { defaultLayers } from './defaultLayers';
import { clearLastSession, loadLastSession, saveLastSession, saveLastView, type LastSession } from './lastSession';
import { analysisTag, onlyAblationDiffers, parseHash, resolveView, serializeView, type UrlView } from './store/urlState';
import { steerFromLink, steerSpec } from './store/steerSlice';

/** Demo bundles the build may ship (public/demo/bundles/<name>/), probed in order at start. */
/** Image sets the build may ship (codec-imageset files), probed at start. */
export const DEMO_IMAGE_SETS = [{ label: 'Fashion-MNIST test set', url: 'demo/fashion/test2000.json' }];

export const DEMO_CANDIDATES: DemoEntry[] = [
  { name: 'fashion-cnn', label: 'Fashion-MNIST CNN', bundle: 'demo/bundles/fashion-cnn/', model: 'demo/models/fashion-cnn/model.json' },
  { name: 'fashion-resnet', label: 'Fashion-MNIST ResNet', bundle: 'demo/bundles/fashion-resnet/', model: 'demo/models/fashion-resnet/model.json' },
];


export class Controller {
  readonly client = new WorkerClient();
  /** How long a cancel waits for the worker to stop by itself before restarting it. */
  cancelGraceMs = 1000;
  /** Every change to the worker's state runs through this queue, one at a time (see OpQueue). */
  private readonly ops = new OpQueue(this.client);
  /** The analysis asked for (queued or running), until it ends. */
  private running: Promise<unknown> | null = null;
  /** Set by cancel(): an analysis still queued does not start; a running one is stopped. */
  private cancelAsked = false;
  /** Ends the running analysis' wait at once (a cancel the worker did not honour in time). */
  private forceStop: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  /** The bundle URL as opened (relative to the page when it was given so), for the link. */
  bundleRef: string | null = null;
  /** A view from the link waiting for its bundle; applied once the analysis is there. */
  private pendingView: UrlView | null = null;
  /** The mode the link asked for, checked against the grid's alive modes when it arrives. */
  private linkMode: { layer: string; mode: number } | null = null;
  /** While the view is being restored from the hash, the hash is not written. */
  private restoring = false;
  /** Live ablation: one request in flight, the latest pick waits (coalesced). */
  private ablInFlight = false;
  private ablWanted: string | null = null;
  /** Samples the accuracy is computed on. */
  accuracySample = 500;
  /** A crash recovery in progress (one at a time), and when the recent ones happened. */
  private recovering: Promise<void> | null = null;
  private crashTimes: number[] = [];
  /** Whether the analysis on screen is the one saved for a reload (its view is saved as it changes). */
  private savedSession = false;
  /** The last write of the session or its view to this browser's storage (see saved()). */
  private saving: Promise<unknown> = Promise.resolve();

  constructor(readonly store: AppStore) {
    this.client.onCrash = (message) => void this.recoverFromCrash(message);
  }

  private get s() {
    return this.store.getState();
  }

  private error(title: string, e: unknown): void {
    const { name, message } = errorText(e);
    if (name === 'CancelledError') this.s.pushMessage({ level: 'info', title: 'Cancelled', message });
    else this.s.pushMessage({ level: 'error', title, message });
  }

  /** Starts the worker and opens the first bundle: `?bundle=` or `?demo=`, else the first demo found. */
  async start(params: URLSearchParams): Promise<void> {
    this.subscribe();
    const forced = params.get('backend') as BackendName | null;
    this.client.backendChoice = forced && ['webgpu', 'webgl', 'wasm', 'cpu'].includes(forced) ? forced : 'auto';
    this.client.wasmThreads = parseWasmThreads(params.get('threads'));
    // One op from the worker's start to the first analysis on screen: a model or images dropped
    // meanwhile load after it (and replace what a restore brought back), not in between.
    await this.ops.run(() => this.startNow(params), undefined);
    window.addEventListener('popstate', () => void this.restoreFromHash());
    window.addEventListener('hashchange', () => void this.restoreFromHash());
  }

  private async startNow(params: URLSearchParams): Promise<void> {
    this.s.setJob({ kind: 'loading', what: 'Starting the model worker' });
    try {
      this.s.setBackendReport(await this.client.api.init({ backend: this.client.backendChoice, wasmThreads: this.client.wasmThreads }));
    } catch (e) {
      this.error('No backend could start', e);
    }
    this.s.setJob({ kind: 'idle' });
    const demos = await this.discoverDemos();
    this.s.setDemos(demos);
    this.s.setDemoImageSets((await Promise.all(DEMO_IMAGE_SETS.map(async (d) => ((await exists(d.url)) ? d : null)))).filter((d) => d !== null));
    const link = parseHash(location.hash);
    for (const n of link.notices) this.s.pushMessage({ level: 'warning', title: 'Link', message: n });
    this.pendingView = link.view;
    const bundle = link.view.bundle ?? params.get('bundle');
    const demo = demos.find((d) => d.name === params.get('demo')) ?? demos[0];
    // A link to a bundle (or ?bundle=) wins; else the last analysis run here, else the demo.
    const last = bundle || params.has('demo') && params.get('demo') !== 'none' ? null : await loadLastSession();
    if (bundle) await this.openBundleUrlNow(bundle);
    else if (last && (await this.restoreLastSessionNow(last))) {
      if (!link.view.layer && last.view) this.pendingView = last.view;
    } else if (demo && params.get('demo') !== 'none') await this.openBundleUrlNow(demo.bundle);
    this.applyPendingView();
  }

  /**
   * Brings back the last analysis run on this page after a reload: the saved model and images go
   * into the worker and the analysis comes from the worker's cache (no recomputation). False when
   * nothing could be restored (the files or the cached layers are gone); the reason is shown.
   */
  restoreLastSession(last: LastSession): Promise<boolean> {
    return this.ops.run(() => this.restoreLastSessionNow(last), false);
  }

  private async restoreLastSessionNow(last: LastSession): Promise<boolean> {
    this.s.setJob({ kind: 'loading', what: 'Restoring the last analysis' });
    try {
      const api = this.client.api;
      const model = await api.loadModel(last.modelFiles);
      this.client.modelFiles = last.modelFiles;
      this.client.modelUrl = null;
      this.s.setModel(model);
      const images = 'files' in last.images ? await api.loadImages(last.images.files, last.imageOptions) : await api.loadImageSetUrl(last.images.url, { ...last.imageOptions, maxImages: last.images.maxImages });
      this.client.imageFiles = 'files' in last.images ? last.images.files : null;
      this.client.imageSetUrl = 'files' in last.images ? null : last.images;
      this.client.imageOptions = last.imageOptions;
      this.s.setImages(images);
      if (last.imageOptions.preprocessing) this.s.setPreprocessing(last.imageOptions.preprocessing);
      this.s.setSettings(last.settings);
      const summary = await api.analyze({ ...last.settings, useCache: true, cacheOnly: true }, Comlink.proxy(() => undefined));
      this.client.bundle = null;
      this.bundleRef = null;
      this.s.setAnalysis(summary);
      this.savedSession = true;
      this.s.pushMessage({ level: 'info', title: 'Restored', message: `the last analysis on this page (${model.name}, ${images.count} images, ${summary.layers.length} layer${summary.layers.length === 1 ? '' : 's'}) from this browser's storage.` });
      return true;
    } catch (e) {
      this.s.pushMessage({ level: 'warning', title: 'Not restored', message: `the last analysis could not be brought back (${errorText(e).message}); the model and images that loaded stay: run Analyze again.` });
      return false;
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  /** Saves the analysis on screen (uploaded model and images, settings, view) for a reload. */
  private async saveSession(): Promise<void> {
    const c = this.client;
    const images = c.imageFiles ? { files: c.imageFiles } : c.imageSetUrl;
    if (!c.modelFiles || !images) {
      this.savedSession = false;
      return;
    }
    this.savedSession = await saveLastSession({ modelFiles: c.modelFiles, images, imageOptions: c.imageOptions, settings: this.s.settings, view: parseHash(this.currentHash()).view, savedAt: Date.now() });
  }

  /** Resolves once what was last saved for a reload is in storage (a reload before may restore the older state). */
  async saved(): Promise<void> {
    await this.saving.catch(() => undefined);
  }

  /** Another analysis (a bundle) is on screen: a reload shows that one, not the saved upload. */
  private forgetSession(): void {
    this.savedSession = false;
    void clearLastSession();
  }

  /**
   * The worker crashed (an uncaught error, a lost WebGPU device, killed): says so, starts a new
   * worker on the next backend of the fallback order, reloads the model and images, brings the
   * analysis back (a bundle is re-opened; an analysis run here comes from the cache, with every
   * finished layer of a run the crash interrupted) and restores the view. Three crashes within a
   * minute stop the restarts (a worker that cannot load would crash forever).
   */
  async recoverFromCrash(message: string): Promise<void> {
    if (this.recovering) return;
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < 60000), now];
    if (this.crashTimes.length > 3) {
      this.s.pushMessage({ level: 'error', title: 'The model worker keeps crashing', message: `${message}. It crashed ${this.crashTimes.length} times within a minute, so it is not restarted again: reload the page.` });
      this.s.setJob({ kind: 'idle' });
      return;
    }
    this.recovering = this.ops.runRestarting(() => this.recoverNow(message)).finally(() => (this.recovering = null));
    return this.recovering;
  }

  private async recoverNow(message: string): Promise<void> {
    const s = this.s;
    const was = s.backend?.active ?? null;
    const next = was ? BACKEND_ORDER[Math.min(BACKEND_ORDER.indexOf(was) + 1, BACKEND_ORDER.length - 1)] : 'auto';
    s.pushMessage({ level: 'error', title: 'The model worker crashed', message: `${message}. Restarted it on ${next === 'auto' ? 'the best backend' : next}${was ? ` (was ${was})` : ''}; the model, images, analysis and view are kept.` });
    await this.restartKeepingView(next, `Restarting the model worker on ${next}`);
  }

  /**
   * WASM's thread count is fixed once WASM starts in a worker: a new count (null: tfjs's default)
   * starts a new worker, keeping the model, images, analysis and view as a crash restart does.
   */
  async setWasmThreads(threads: number | null): Promise<void> {
    if (this.running || this.recovering) return;
    this.client.wasmThreads = threads;
    await this.ops.runRestarting(() => this.restartKeepingView(this.client.backendChoice, `Restarting the model worker with ${threads === null ? 'the default WASM threads' : `${threads} WASM thread${threads === 1 ? '' : 's'}`}`));
  }

  /** Restarts the worker on `backend`; the analysis on screen and its view come back. */
  private async restartKeepingView(backend: BackendName | 'auto', what: string): Promise<void> {
    const s = this.s;
    const view = s.analysis ? parseHash(this.currentHash()).view : null;
    const prev = s.analysis;
    const wasAnalyzing = s.job.kind === 'analyzing';
    // Whatever waited on the dead worker is dropped (its promises never settle; queued ops ended
    // with it, see OpQueue).
    this.ablInFlight = false;
    this.ablWanted = null;
    this.store.setState({ ablation: { status: 'idle', key: null, data: null }, accuracy: { status: 'idle', key: null, data: null }, sweep: { status: 'idle' } });
    s.setJob({ kind: 'loading', what });
    try {
      this.client.backendChoice = backend;
      s.setBackendReport(await this.client.restart());
      // A bundle on screen was re-opened by the restart; an analysis run here (or the run the crash
      // interrupted) comes back from the cache.
      const ranHere = prev?.origin === 'analysis' || prev?.origin === 'cache';
      if ((this.client.modelFiles !== null || this.client.modelUrl !== null) && s.images && (ranHere || wasAnalyzing)) {
        const summary = await this.client.api.analyze({ ...s.settings, useCache: true, cacheOnly: true }, Comlink.proxy(() => undefined)).catch(() => null);
        if (summary) {
          this.client.bundle = null;
          this.bundleRef = null;
          s.setAnalysis(summary);
          if (wasAnalyzing) s.pushMessage({ level: 'warning', title: 'Analysis interrupted', message: `Kept the ${summary.layers.length} finished layer${summary.layers.length === 1 ? '' : 's'} (${summary.layers.map((l) => l.name).join(', ')}); run again to finish the rest.` });
        } else if (ranHere) s.pushMessage({ level: 'warning', title: 'Analysis not restored', message: 'the analysis could not be found in the cache of the new worker: run Analyze again.' });
      }
      if (view && this.s.analysis) {
        this.pendingView = view;
        this.applyPendingView();
      }
      this.syncViewsForce();
      this.requestAblation();
      this.requestAccuracy();
      this.requestSweep(false);
    } catch (e) {
      this.error('The model worker could not restart', e);
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  /** Back / forward (or an edited hash): open the linked bundle if it differs, then the view. */
  async restoreFromHash(): Promise<void> {
    // popstate and hashchange both fire on a back over a hash change: one restore at a time.
    if (this.hashRestore) return this.hashRestore;
    this.hashRestore = this.restoreFromHashNow().finally(() => (this.hashRestore = null));
    return this.hashRestore;
  }

  private hashRestore: Promise<void> | null = null;

  private async restoreFromHashNow(): Promise<void> {
    // The retina view's link: the page reloads into that view (main.tsx); the explorer must not
    // read it as a view and write its own hash over it (the link then reopened the explorer).
    if (isRetinaHash(location.hash)) return;
    if (location.hash === this.currentHash()) return;
    const link = parseHash(location.hash);
    for (const n of link.notices) this.s.pushMessage({ level: 'warning', title: 'Link', message: n });
    this.pendingView = link.view;
    if (link.view.bundle && link.view.bundle !== this.bundleRef) await this.openBundleUrl(link.view.bundle);
    this.applyPendingView();
  }

  /** Applies the link's view to the analysis on screen (falling back field by field, with notices). */
  private applyPendingView(): void {
    const view = this.pendingView;
    this.pendingView = null;
    const s = this.s;
    if (!view || !s.analysis) return;
    // A link to an analysis made elsewhere (not a hosted bundle) is not applied to another one.
    if (view.analysis && !view.bundle && view.analysis !== analysisTag(s.analysis.id)) {
      s.pushMessage({ level: 'warning', title: 'Link', message: `link: this link shows analysis ${view.analysis}, made in another page or browser and not hosted as a bundle, so it cannot be opened here (export that analysis as a bundle to share it); showing ${s.analysis.modelName} instead.`, analysisId: s.analysis.id });
      history.replaceState(history.state, '', this.currentHash() || location.pathname + location.search);
      return;
    }
    const r = resolveView(view, s.analysis, { layer: s.layer, ablKind: s.ablKind, ablPct: s.ablPct });
    for (const n of r.notices) s.pushMessage({ level: 'warning', title: 'Link', message: n, analysisId: s.analysis.id });
    this.restoring = true;
    try {
      this.linkMode = r.mode !== null && r.layer ? { layer: r.layer, mode: r.mode } : null;
      const showAct = r.source === 'activations' || view.act ? { showActivations: true } : view.act === false ? { showActivations: false } : {};
      const display = { ...(view.res ? { resolution: view.res } : {}), ...(view.mask !== undefined ? { showMask: view.mask } : {}), ...(view.sort ? { sort: view.sort } : {}) };
      // A link's mode stands; a link without one shows its image's largest-share mode.
      this.store.setState({ layer: r.layer, source: r.source, mode: r.mode, image: r.image, ablKind: r.ablKind, ablPct: r.ablPct, ablCommitted: r.ablPct, ...steerFromLink(r.steer), ...showAct, ...display, followImage: r.mode === null ? r.image : null });
    } finally {
      this.restoring = false;
    }
    history.replaceState(history.state, '', this.currentHash() || location.pathname + location.search);
  }

  /** The hash for the view on screen. */
  currentHash(): string {
    const s = this.s;
    if (!s.analysis) return '';
    const analysis = this.bundleRef ? undefined : analysisTag(s.analysis.id);
    return serializeView({ bundle: this.bundleRef ?? undefined, analysis, layer: s.layer ?? undefined, source: s.source, mode: s.mode ?? undefined, image: s.image ?? undefined, ablate: { kind: s.ablKind, pct: s.ablPct }, steer: s.steerKind ? { kind: s.steerKind, factor: s.steerFactor } : undefined, res: s.resolution, mask: s.showMask, sort: s.sort, act: s.showActivations });
  }

  /** The full link to the view on screen. */
  shareLink(): string {
    return location.href.replace(/#.*$/, '') + this.currentHash();
  }

  private writeHash(): void {
    if (this.restoring || this.pendingView) return;
    const h = this.currentHash();
    if (!h || h === location.hash) return;
    if (this.savedSession) this.saving = saveLastView(parseHash(h).view);
    const url = location.pathname + location.search + h;
    // A slider move replaces the entry; a pick adds one (back returns to it).
    // A view being completed (the grid's first mode after a layer pick) replaces it too.
    const incomplete = !/[#&]mode=/.test(location.hash) || !/[#&]image=/.test(location.hash);
    if (!location.hash || incomplete || onlyAblationDiffers(location.hash, h)) history.replaceState(history.state, '', url);
    else history.pushState(history.state, '', url);
  }

  async discoverDemos(): Promise<DemoEntry[]> {
    const found = await Promise.all(DEMO_CANDIDATES.map(async (d) => ((await exists(d.bundle + 'manifest.json')) ? d : null)));
    // Only what the build ships is probed (the e2e specs open the test fixture by ?bundle=).
    return found.filter((d): d is DemoEntry => d !== null);
  }

  openBundleUrl(url: string): Promise<void> {
    return this.ops.run(() => this.openBundleUrlNow(url), undefined);
  }

  private async openBundleUrlNow(url: string): Promise<void> {
    this.s.setJob({ kind: 'loading', what: `Opening ${url}` });
    try {
      // The worker lives under assets/: resolve against the page, not the worker.
      const abs = new URL(url, document.baseURI).href;
      const summary = await this.client.api.loadBundle({ url: abs });
      this.client.bundle = { url: abs };
      this.bundleRef = url;
      this.s.setAnalysis(summary);
      this.forgetSession();
    } catch (e) {
      this.error(`Could not open ${url}`, e);
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  openBundleFiles(files: FileEntry[]): Promise<void> {
    return this.ops.run(() => this.openBundleFilesNow(files), undefined);
  }

  private async openBundleFilesNow(files: FileEntry[]): Promise<void> {
    this.s.setJob({ kind: 'loading', what: 'Opening the bundle' });
    try {
      const summary = await this.client.api.loadBundle({ files });
      this.bundleRef = null;
      this.s.setAnalysis(summary);
      this.client.bundle = { files };
      this.forgetSession();
      if (summary.modelNote) this.s.pushMessage({ level: 'warning', title: 'Bundle', message: summary.modelNote, analysisId: summary.id });
      // An exported bundle reopens at the view it was exported at (view.json, worker/bundleView.ts).
      if (summary.view) {
        this.pendingView = { ...parseHash(summary.view).view, bundle: undefined, analysis: undefined };
        this.applyPendingView();
      }
    } catch (e) {
      this.error('Could not open the bundle', e);
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  /** Loads a shipped demo model (model.json URL, with its shards and card) to analyze it afresh. */
  async loadModelUrl(url: string, label: string): Promise<boolean> {
    const abs = new URL(url, document.baseURI).href;
    return this.useModel(`Loading the ${label} model`, () => this.client.api.loadModelUrl(abs), { files: null, url: abs });
  }

  /** Loads model.json + shards (+ card.json). On failure the previous model and analysis stay. */
  async loadModel(files: FileEntry[]): Promise<boolean> {
    if (!files.length) {
      this.s.pushMessage({ level: 'error', title: 'The model could not be loaded', message: 'loadModel: no files were given (an empty folder or selection); pick model.json with its .bin shards.' });
      return false;
    }
    return this.useModel(`Loading model (${files.length} file${files.length > 1 ? 's' : ''})`, () => this.client.api.loadModel(files), { files, url: null });
  }

  /**
   * Loads a model in the worker, remembers where it came from (for a restarted worker), and resets
   * the store for it: no images yet, the card's preprocessing, a few sensible layers picked (defaultLayers.ts). On
   * failure the previous model and analysis stay.
   */
  private useModel(what: string, load: () => Promise<ModelInfo>, from: { files: FileEntry[] | null; url: string | null }): Promise<boolean> {
    return this.ops.run(() => this.useModelNow(what, load, from), false);
  }

  private async useModelNow(what: string, load: () => Promise<ModelInfo>, from: { files: FileEntry[] | null; url: string | null }): Promise<boolean> {
    this.s.setJob({ kind: 'loading', what });
    try {
      const info = await load();
      this.client.modelFiles = from.files;
      this.client.modelUrl = from.url;
      this.client.imageFiles = null;
      this.client.imageSetUrl = null;
      this.s.setModel(info);
      this.s.setImages(null);
      this.s.setPreprocessing({});
      this.s.setSettings({ layers: defaultLayers(info.layers) }); // a few sensible layers (defaultLayers.ts), not all
      this.s.clearMessages('error');
      return true;
    } catch (e) {
      this.error('The model could not be loaded', e);
      return false;
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  loadImages(files: FileEntry[]): Promise<boolean> {
    return this.ops.run(() => this.loadImagesNow(files), false);
  }

  private async loadImagesNow(files: FileEntry[]): Promise<boolean> {
    if (!this.s.model) {
      this.s.pushMessage({ level: 'error', title: 'Load a model first', message: 'images: the images are resized to the model input, so load a model before the images.' });
      return false;
    }
    this.s.setJob({ kind: 'loading', what: `Reading ${files.length} image file${files.length === 1 ? '' : 's'}` });
    try {
      const options = { preprocessing: this.s.preprocessing };
      const info = await this.client.api.loadImages(files, options);
      this.client.imageFiles = files;
      this.client.imageOptions = options;
      this.client.imageSetUrl = null;
      this.s.setImages(info);
      for (const note of info.notes) this.s.pushMessage(note);
      if (info.skipped.length) {
        const list = info.skipped.slice(0, 4).map((s) => `${s.file}: ${s.reason}`).join('; ');
        this.s.pushMessage({ level: 'warning', title: `${info.skipped.length} file${info.skipped.length > 1 ? 's' : ''} skipped`, message: list + (info.skipped.length > 4 ? `; and ${info.skipped.length - 4} more` : '') });
      }
      return true;
    } catch (e) {
      this.error('No images could be used', e);
      return false;
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  /** Uses an image set shipped with the build (its first `maxImages` images). */
  loadImageSet(url: string, maxImages: number): Promise<boolean> {
    return this.ops.run(() => this.loadImageSetNow(url, maxImages), false);
  }

  private async loadImageSetNow(url: string, maxImages: number): Promise<boolean> {
    if (!this.s.model) return false;
    this.s.setJob({ kind: 'loading', what: `Reading the image set (${maxImages} images)` });
    try {
      const abs = new URL(url, document.baseURI).href;
      const info = await this.client.api.loadImageSetUrl(abs, { maxImages, preprocessing: this.s.preprocessing });
      this.client.imageSetUrl = { url: abs, maxImages };
      this.client.imageOptions = { preprocessing: this.s.preprocessing };
      this.client.imageFiles = null;
      this.s.setImages(info);
      return true;
    } catch (e) {
      this.error('The image set could not be used', e);
      return false;
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  /**
   * Runs the analysis in the worker (after any load asked before it); progress goes to the
   * store. The settings are the ones on screen when Analyze was pressed.
   */
  async analyze(): Promise<void> {
    if (this.running) return;
    const { settings } = this.s;
    this.cancelAsked = false;
    const run = this.ops.runRestarting(() => this.analyzeNow(settings));
    this.running = run;
    try {
      await run;
    } finally {
      if (this.running === run) this.running = null;
    }
  }

  private async analyzeNow(settings: AnalyzeSettings): Promise<void> {
    if (this.cancelAsked) {
      this.s.pushMessage({ level: 'info', title: 'Analysis cancelled', message: 'analyze: cancelled before it started; the previous analysis is kept.' });
      return;
    }
    this.s.setJob({ kind: 'analyzing', progress: null, cancelling: false });
    const gen = this.client.generation;
    const onProgress = Comlink.proxy((p: Progress) => {
      if (this.client.generation === gen) this.s.setProgress(p);
    });
    const call = this.client.api.analyze(settings, onProgress).then(
      (summary) => ({ summary }),
      (error: unknown) => ({ error }),
    );
    const forced = new Promise<'forced'>((r) => (this.forceStop = () => r('forced')));
    const lost = this.client.lost.then(
      () => 'lost' as const,
      () => 'lost' as const,
    );
    const outcome = await Promise.race([call, forced, lost]);
    this.forceStop = null;
    // A crashed worker: the recovery queued behind this op restores the finished layers (and sees
    // the job still 'analyzing', so it says the run was interrupted).
    if (outcome === 'lost') return;
    if (outcome === 'forced') return this.restartAfterCancel();
    try {
      if ('error' in outcome) throw outcome.error;
      const summary = outcome.summary;
      this.client.bundle = null;
      this.bundleRef = null;
      this.s.setAnalysis(summary);
      this.saving = this.saveSession();
      if (summary.partial) this.s.pushMessage({ level: 'warning', title: 'Analysis cancelled', message: `Kept the ${summary.layers.length} finished layer${summary.layers.length === 1 ? '' : 's'} (${summary.layers.map((l) => l.name).join(', ')})${summary.cutShort ? `; the cancel cut ${summary.cutShort}'s sparse autoencoder training short: it keeps the best model so far, is not cached, and any later source of it was not trained` : ''}; run again to finish the rest (finished layers come from the cache).` });
    } catch (e) {
      this.error('Analysis stopped', e);
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  /**
   * Cancels the analysis: one still queued does not start; a running one is asked to stop at its
   * next chunk, and if it has not stopped within `cancelGraceMs` the worker is ended, a new one
   * started and the finished layers restored from the cache. Resolves when the analysis has ended.
   */
  async cancel(): Promise<void> {
    const run = this.running;
    if (!run) return;
    this.cancelAsked = true;
    const j = this.s.job;
    if (j.kind === 'analyzing') this.s.setJob({ ...j, cancelling: true });
    void this.client.api.cancel();
    const timer = setTimeout(() => this.forceStop?.(), this.cancelGraceMs);
    await run.catch(() => undefined);
    clearTimeout(timer);
  }

  /** The worker did not honour a cancel in time: a new worker, with the finished layers from the cache. */
  private async restartAfterCancel(): Promise<void> {
    this.s.setJob({ kind: 'loading', what: 'Stopping: restarting the model worker' });
    try {
      this.s.setBackendReport(await this.client.restart());
      const summary = await this.client.api.analyze({ ...this.s.settings, useCache: true, cacheOnly: true }, Comlink.proxy(() => undefined)).catch(() => null);
      if (summary) {
        this.client.bundle = null;
        this.s.setAnalysis(summary);
        this.s.pushMessage({ level: 'warning', title: 'Analysis cancelled', message: `Kept ${summary.layers.length} finished layer${summary.layers.length === 1 ? '' : 's'} (${summary.layers.map((l) => l.name).join(', ')}).` });
      } else {
        // Nothing of the cancelled run was kept: the previous analysis stays on screen (a bundle
        // was re-opened by the restart; an analysis run here comes back from the cache if cached).
        const prev = this.s.analysis;
        if (prev && !this.client.bundle && (prev.origin === 'analysis' || prev.origin === 'cache')) {
          this.s.pushMessage({ level: 'warning', title: 'Analysis cancelled', message: 'analyze: cancelled before any layer finished; the previous analysis could not be restored in the new worker (it was not cached): run it again.' });
        } else this.s.pushMessage({ level: 'info', title: 'Analysis cancelled', message: 'analyze: cancelled before any layer finished; the previous analysis is kept.' });
        this.syncViewsForce();
      }
    } catch (e) {
      this.error('The worker could not restart', e);
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  /** Switches the worker's backend, after the ops asked before it (a running analysis ends first). */
  setBackend(name: BackendName | 'auto'): Promise<void> {
    return this.ops.run(() => this.setBackendNow(name), undefined);
  }

  private async setBackendNow(name: BackendName | 'auto'): Promise<void> {
    this.s.setJob({ kind: 'loading', what: `Switching backend to ${name}` });
    try {
      this.s.setBackendReport(await this.client.api.setBackend(name));
      this.client.backendChoice = name;
      this.refetchHeatmap();
    } catch (e) {
      this.error(`Backend ${name} could not start`, e);
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  /* ---- views for the current picks ---- */

  private fetch<K extends PanelKey>(k: K, key: string, get: () => Promise<unknown>): void {
    const cur = this.s[k];
    if (cur.status !== 'idle' && 'key' in cur && cur.key === key && cur.status !== 'error') return;
    this.s.setFetched(k, { status: 'loading', key } as never);
    get().then(
      (data) => {
        const now = this.s[k];
        if (now.status === 'loading' && now.key === key) this.s.setFetched(k, { status: 'ready', key, data } as never);
      },
      (e) => {
        const now = this.s[k];
        if (now.status === 'loading' && now.key === key) this.s.setFetched(k, { status: 'error', key, message: errorText(e).message } as never);
      },
    );
  }

  /** Drops every fetched view and fetches again (after a worker restart). */
  private syncViewsForce(): void {
    for (const k of ['grid', 'actGrid', 'decomposition', 'matrix', 'heatmap', 'pixels'] as const) this.s.setFetched(k, { status: 'idle' });
    this.syncViews();
  }

  private refetchHeatmap(): void {
    this.s.setFetched('heatmap', { status: 'idle' });
    this.syncViews();
  }

  /** Fetches whatever the current picks need and is not already there. */
  syncViews(): void {
    const s = this.s;
    const a = s.analysis;
    if (!a || !s.layer) return;
    const api = this.client.api;
    const base = `${a.id}|${s.layer}`;
    const layer = s.layer;
    this.fetch('grid', `${base}|contributions`, () => api.modeGrid(layer, 'contributions'));
    if (s.showActivations) this.fetch('actGrid', `${base}|activations`, () => api.modeGrid(layer, 'activations'));
    const source: Source = s.source;
    this.fetch('matrix', `${base}|${source}`, () => api.classMatrix(layer, source));
    if (s.image !== null) {
      const image = s.image;
      this.fetch('pixels', `${a.id}|${image}`, () => api.imagePixels(image));
      this.fetch('decomposition', `${base}|${source}|${image}`, () => api.decomposition(image, layer, source));
      if (s.mode !== null) {
        const req = { image, layer, mode: s.mode, source, resolution: s.resolution };
        this.fetch('heatmap', `${base}|${source}|${image}|${s.mode}|${s.resolution}`, () => api.heatmap(req));
      }
    }
  }

  /* ---- ablation ---- */

  private ablationKey(): string | null {
    const s = this.s;
    if (!s.analysis?.hasModel || !s.layer || s.mode === null || s.image === null) return null;
    return JSON.stringify({ id: s.analysis.id, layer: s.layer, source: s.source, mode: s.mode, image: s.image, pct: s.ablPct, kind: s.ablKind, steer: steerSpec(s, s.steerFactor) });
  }

  /** Runs the live ablation for the current picks; while one is in flight, only the latest waits. */
  requestAblation(): void {
    const key = this.ablationKey();
    if (!key) return;
    const cur = this.s.ablation;
    if (cur.key === key && cur.status !== 'error') return;
    this.ablWanted = key;
    if (this.ablInFlight) return;
    void this.runAblation();
  }

  private async runAblation(): Promise<void> {
    this.ablInFlight = true;
    try {
      while (this.ablWanted) {
        const key = this.ablWanted;
        this.ablWanted = null;
        const req = JSON.parse(key);
        const prev = this.s.ablation;
        this.store.setState({ ablation: { ...prev, status: 'loading', key } });
        const t0 = performance.now();
        try {
          const data = await this.client.api.ablate({ layer: req.layer, source: req.source, mode: req.mode, image: req.image, pct: req.pct, kind: req.kind, steer: req.steer });
          const ms = performance.now() - t0;
          if (data.cached) this.s.recordLatency(ms);
          // Drawn even when a newer request waits: the bars follow the slider as fast as it computes.
          this.store.setState({ ablation: { status: this.ablWanted ? 'loading' : 'ready', key, data } });
        } catch (e) {
          this.store.setState({ ablation: { status: 'error', key, data: null, message: errorText(e).message } });
        }
      }
    } finally {
      this.ablInFlight = false;
    }
  }

  private accuracyKey(): string | null {
    const s = this.s;
    if (!s.analysis?.hasModel || !s.layer || s.mode === null) return null;
    return JSON.stringify({ id: s.analysis.id, layer: s.layer, source: s.source, mode: s.mode, pct: s.ablCommitted, kind: s.ablKind, sample: this.accuracySample, steer: steerSpec(s, s.steerCommitted) });
  }

  /** Per-class accuracy before / after over the sample, for the committed p (on slider release). */
  requestAccuracy(): void {
    const key = this.accuracyKey();
    if (!key || this.s.accuracy.key === key) return;
    const req = JSON.parse(key);
    const gen = this.client.generation;
    this.store.setState({ accuracy: { ...this.s.accuracy, status: 'loading', key, progress: { done: 0, total: Math.min(req.sample, this.s.analysis!.images.count) } } });
    const onProgress = Comlink.proxy((done: number, total: number) => {
      const a = this.s.accuracy;
      if (a.key === key && a.status === 'loading' && this.client.generation === gen) this.store.setState({ accuracy: { ...a, progress: { done, total } } });
    });
    this.client.api.ablationAccuracy({ layer: req.layer, source: req.source, mode: req.mode, pct: req.pct, kind: req.kind, sample: req.sample, steer: req.steer }, onProgress).then(
      (data) => {
        if (this.s.accuracy.key === key) this.store.setState({ accuracy: { status: 'ready', key, data, progress: null } });
      },
      (e) => {
        const { name, message } = errorText(e);
        if (this.s.accuracy.key === key && name !== 'CancelledError') this.store.setState({ accuracy: { status: 'error', key, data: null, message, progress: null } });
      },
    );
  }

  private sweepKey(): string | null {
    const s = this.s;
    if (!s.analysis || !s.layer || s.mode === null || s.source !== 'contributions') return null;
    return `${s.analysis.id}|${s.layer}|${s.mode}`;
  }

  /** The sweep of the picked contribution mode: the bundle's, or computed when `compute`. */
  requestSweep(compute = false): void {
    const key = this.sweepKey();
    if (!key) return;
    const cur = this.s.sweep;
    if (!compute && cur.status !== 'idle' && 'key' in cur && cur.key === key) return;
    const s = this.s;
    const [layer, mode] = [s.layer!, s.mode!];
    this.store.setState({ sweep: { status: 'loading', key, progress: compute ? { done: 0, total: 1 } : null } });
    const onProgress = Comlink.proxy((done: number, total: number) => {
      const c = this.s.sweep;
      if (c.status === 'loading' && c.key === key) this.store.setState({ sweep: { ...c, progress: { done, total } } });
    });
    this.client.api.sweep(layer, mode, compute, onProgress).then(
      (data) => {
        const c = this.s.sweep;
        if (c.status === 'loading' && c.key === key) this.store.setState({ sweep: { status: 'ready', key, data } });
      },
      (e) => {
        const c = this.s.sweep;
        if (c.status === 'loading' && c.key === key) this.store.setState({ sweep: { status: 'error', key, message: errorText(e).message } });
      },
    );
  }

  /**
   * ms per image and path point of the loaded model at `layer` (a one-image probe in the worker,
   * speedProbe.ts), for the estimate next to Analyze; null when it cannot run. Queued like the
   * loads, so it never runs while the model or images change.
   */
  speedProbe(layer: string): Promise<number | null> {
    return this.ops.run(async () => {
      if (this.s.job.kind !== 'idle') return null;
      return (await this.client.api.speedProbe(layer).catch(() => null))?.msPerPoint ?? null;
    }, null);
  }

  /** The current analysis as a zip download. */
  async exportBundle(): Promise<{ bytes: Uint8Array; name: string } | null> {
    try {
      const { bundle: _b, analysis: _a, ...view } = parseHash(this.currentHash()).view;
      const bytes = await this.client.api.exportBundle(serializeView(view));
      const name = `${(this.s.analysis?.modelName ?? 'codec').replace(/[^\w.-]+/g, '_')}-bundle.zip`;
      return { bytes, name };
    } catch (e) {
      this.error('The bundle could not be exported', e);
      return null;
    }
  }

  private subscribe(): void {
    this.unsubscribe?.();
    let prev = this.s;
    this.unsubscribe = this.store.subscribe((s) => {
      const changed = s.analysis !== prev.analysis || s.layer !== prev.layer || s.source !== prev.source || s.mode !== prev.mode || s.image !== prev.image || s.resolution !== prev.resolution || s.showActivations !== prev.showActivations;
      const ablChanged = changed || s.ablPct !== prev.ablPct || s.ablKind !== prev.ablKind || s.ablCommitted !== prev.ablCommitted || s.steerKind !== prev.steerKind || s.steerFactor !== prev.steerFactor || s.steerCommitted !== prev.steerCommitted;
      // The grid's sort and the mask are in the link too, and need no new view.
      const displayChanged = s.sort !== prev.sort || s.showMask !== prev.showMask;
      prev = s;
      if (displayChanged && !ablChanged && s.analysis) this.writeHash();
      if (changed) this.syncViews();
      if (ablChanged && s.analysis) {
        this.requestAblation();
        this.requestAccuracy();
        this.requestSweep(false);
        this.writeHash();
      }
      const g = s.source === 'activations' ? s.actGrid : s.grid;
      const d = s.decomposition;
      // An image picked on its own: once its decomposition and the grid are there, show its
      // largest-share mode (a mode that does not act on the image shows nothing of it).
      if (s.followImage !== null && s.followImage === s.image && d.status === 'ready' && d.data.image === s.image && d.data.layer === s.layer && d.data.source === s.source && g.status === 'ready' && g.data.layer === s.layer && g.data.source === s.source) {
        const top = d.data.bars[0]?.mode;
        if (top !== undefined && g.data.cards.some((c) => c.id === top)) s.pickMode(top, s.source);
        else this.store.setState({ followImage: null });
      }
      // A fresh grid without the picked mode: pick its first mode (by the current sort).
      if (g.status === 'ready' && g.data.layer === s.layer && g.data.cards.length && (s.mode === null || !g.data.cards.some((c) => c.id === s.mode))) {
        const first = sortCards(g.data.cards, s.sort)[0];
        const lm = this.linkMode;
        if (lm && lm.layer === s.layer && lm.mode === s.mode) s.pushMessage({ level: 'warning', title: 'Link', message: `link: mode ${lm.mode} of ${lm.layer} is not an alive mode; showing mode ${first.id}.`, analysisId: s.analysis?.id });
        this.linkMode = null;
        // A stand-in pick: an image's largest-share mode still replaces it when it is known.
        this.store.setState({ mode: first.id, source: g.data.source });
      }
    });
  }

  dispose(): void {
    this.unsubscribe?.();
  }
}

/** Cards ordered for display (by a field the worker computed; ties by id). */
export function sortCards<T extends { id: number; frequency: number; selectivity: number; share: number }>(cards: T[], sort: 'frequency' | 'selectivity' | 'share'): T[] {
  const v = (c: T) => (Number.isFinite(c[sort]) ? c[sort] : -Infinity);
  return [...cards].sort((a, b) => v(b) - v(a) || a.id - b.id);
}

/** Whether a same-origin file exists (HEAD; an HTML answer is a single-page fallback, not the file). */
async function exists(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { method: 'HEAD' });
    return r.ok && !(r.headers.get('content-type') ?? '').includes('text/html');
  } catch {
    return false;
  }
}

/** `?threads=N` (1 to MAX_WASM_THREADS): WASM threads to ask for; anything else is tfjs's default (null). */
export function parseWasmThreads(v: string | null): number | null {
  const n = v === null ? NaN : Number(v);
  return Number.isInteger(n) && n >= 1 && n <= MAX_WASM_THREADS ? n : null;
}
