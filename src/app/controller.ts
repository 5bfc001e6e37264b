/**
 * The app's actions: everything that talks to the worker. Panels call these and read the store;
 * subscriptions fetch the views the current picks need (mode grid, decomposition, class matrix,
 * heatmap, pixels), tagging each request so a late answer to an old pick is dropped.
 *
 * The work is done by the parts in controller/, which share one context (controller/context.ts):
 * startup.ts (start-up, demos, the session saved for a reload), loaders.ts (bundle, model, images),
 * urlView.ts (the view in the link), views.ts (fetched views, the store subscription),
 * liveRequests.ts (ablation, accuracy, sweep), analysis.ts (analyze, cancel) and recovery.ts
 * (crash recovery, WASM threads). Every change to the worker's state runs through the context's
 * op queue (opQueue.ts), one at a time, in the order asked.
 */
import { MAX_WASM_THREADS, type BackendName, type FileEntry } from '../worker/api';
import type { DemoEntry } from './store/dataSlice';
import type { AppStore } from './store/store';
import type { WorkerClient } from './workerClient';
import type { LastSession } from './lastSession';
import { parseHash, serializeView } from './store/urlState';
import { ControllerContext } from './controller/context';

export { DEMO_CANDIDATES, DEMO_IMAGE_SETS } from './controller/startup';
export { sortCards } from './controller/views';

export class Controller {
  private readonly c: ControllerContext;
  readonly client: WorkerClient;

  constructor(readonly store: AppStore) {
    this.c = new ControllerContext(store);
    this.client = this.c.client;
    this.client.onCrash = (message) => void this.recoverFromCrash(message);
  }

  /** How long a cancel waits for the worker to stop by itself before restarting it. */
  get cancelGraceMs(): number {
    return this.c.analysis.cancelGraceMs;
  }
  set cancelGraceMs(ms: number) {
    this.c.analysis.cancelGraceMs = ms;
  }

  /** The bundle URL as opened (relative to the page when it was given so), for the link. */
  get bundleRef(): string | null {
    return this.c.bundleRef;
  }
  set bundleRef(ref: string | null) {
    this.c.bundleRef = ref;
  }

  /** Samples the accuracy is computed on. */
  get accuracySample(): number {
    return this.c.live.accuracySample;
  }
  set accuracySample(n: number) {
    this.c.live.accuracySample = n;
  }

  /** Starts the worker and opens the first bundle: `?bundle=` or `?demo=`, else the first demo found. */
  async start(params: URLSearchParams): Promise<void> {
    this.c.views.subscribe();
    const forced = params.get('backend') as BackendName | null;
    this.client.backendChoice = forced && ['webgpu', 'webgl', 'wasm', 'cpu'].includes(forced) ? forced : 'auto';
    this.client.wasmThreads = parseWasmThreads(params.get('threads'));
    // One op from the worker's start to the first analysis on screen: a model or images dropped
    // meanwhile load after it (and replace what a restore brought back), not in between.
    await this.c.ops.run(() => this.c.startup.startNow(params), undefined);
    window.addEventListener('popstate', () => void this.c.url.restoreFromHash());
    window.addEventListener('hashchange', () => void this.c.url.restoreFromHash());
  }

  /** Brings back the last analysis run on this page after a reload (startup.ts); false when nothing could be restored. */
  restoreLastSession(last: LastSession): Promise<boolean> {
    return this.c.startup.restoreLastSession(last);
  }

  /** Resolves once what was last saved for a reload is in storage (a reload before may restore the older state). */
  saved(): Promise<void> {
    return this.c.startup.saved();
  }

  /** The demo bundles this build ships. */
  discoverDemos(): Promise<DemoEntry[]> {
    return this.c.startup.discoverDemos();
  }

  /** The worker crashed: a new worker on the next backend, with what was on screen (recovery.ts). */
  recoverFromCrash(message: string): Promise<void> {
    return this.c.recovery.recoverFromCrash(message);
  }

  /** A new WASM thread count (null: tfjs's default) starts a new worker, keeping what is on screen. */
  setWasmThreads(threads: number | null): Promise<void> {
    return this.c.recovery.setWasmThreads(threads);
  }

  /** Back / forward (or an edited hash): open the linked bundle if it differs, then the view. */
  restoreFromHash(): Promise<void> {
    return this.c.url.restoreFromHash();
  }

  /** The hash for the view on screen. */
  currentHash(): string {
    return this.c.url.currentHash();
  }

  /** The full link to the view on screen. */
  shareLink(): string {
    return this.c.url.shareLink();
  }

  openBundleUrl(url: string): Promise<void> {
    return this.c.loaders.openBundleUrl(url);
  }

  openBundleFiles(files: FileEntry[]): Promise<void> {
    return this.c.loaders.openBundleFiles(files);
  }

  /** Loads a shipped demo model (model.json URL, with its shards and card) to analyze it afresh. */
  loadModelUrl(url: string, label: string): Promise<boolean> {
    return this.c.loaders.loadModelUrl(url, label);
  }

  /** Loads model.json + shards (+ card.json). On failure the previous model and analysis stay. */
  loadModel(files: FileEntry[]): Promise<boolean> {
    return this.c.loaders.loadModel(files);
  }

  loadImages(files: FileEntry[]): Promise<boolean> {
    return this.c.loaders.loadImages(files);
  }

  /** Uses an image set shipped with the build (its first `maxImages` images). */
  loadImageSet(url: string, maxImages: number): Promise<boolean> {
    return this.c.loaders.loadImageSet(url, maxImages);
  }

  /** Runs the analysis in the worker, after any load asked before it (analysis.ts). */
  analyze(): Promise<void> {
    return this.c.analysis.analyze();
  }

  /** Cancels the analysis; resolves when it has ended (analysis.ts). */
  cancel(): Promise<void> {
    return this.c.analysis.cancel();
  }

  /** Switches the worker's backend, after the ops asked before it (a running analysis ends first). */
  setBackend(name: BackendName | 'auto'): Promise<void> {
    return this.c.ops.run(() => this.setBackendNow(name), undefined);
  }

  private async setBackendNow(name: BackendName | 'auto'): Promise<void> {
    this.c.s.setJob({ kind: 'loading', what: `Switching backend to ${name}` });
    try {
      this.c.s.setBackendReport(await this.c.client.api.setBackend(name));
      this.c.client.backendChoice = name;
      this.c.views.refetchHeatmap();
    } catch (e) {
      this.c.error(`Backend ${name} could not start`, e);
    } finally {
      this.c.s.setJob({ kind: 'idle' });
    }
  }

  /** Fetches whatever the current picks need and is not already there. */
  syncViews(): void {
    this.c.views.syncViews();
  }

  /** Runs the live ablation for the current picks; while one is in flight, only the latest waits. */
  requestAblation(): void {
    this.c.live.requestAblation();
  }

  /** Per-class accuracy before / after over the sample, for the committed p (on slider release). */
  requestAccuracy(): void {
    this.c.live.requestAccuracy();
  }

  /** The sweep of the picked contribution mode: the bundle's, or computed when `compute`. */
  requestSweep(compute = false): void {
    this.c.live.requestSweep(compute);
  }

  /**
   * ms per image and path point of the loaded model at `layer` (a one-image probe in the worker,
   * speedProbe.ts), for the estimate next to Analyze; null when it cannot run. Queued like the
   * loads, so it never runs while the model or images change.
   */
  speedProbe(layer: string): Promise<number | null> {
    return this.c.ops.run(async () => {
      if (this.c.s.job.kind !== 'idle') return null;
      return (await this.c.client.api.speedProbe(layer).catch(() => null))?.msPerPoint ?? null;
    }, null);
  }

  /** The current analysis as a zip download. */
  async exportBundle(): Promise<{ bytes: Uint8Array; name: string } | null> {
    try {
      const { bundle: _b, analysis: _a, ...view } = parseHash(this.c.url.currentHash()).view;
      const bytes = await this.c.client.api.exportBundle(serializeView(view));
      const name = `${(this.c.s.analysis?.modelName ?? 'codec').replace(/[^\w.-]+/g, '_')}-bundle.zip`;
      return { bytes, name };
    } catch (e) {
      this.c.error('The bundle could not be exported', e);
      return null;
    }
  }

  dispose(): void {
    this.c.views.dispose();
  }
}

/** `?threads=N` (1 to MAX_WASM_THREADS): WASM threads to ask for; anything else is tfjs's default (null). */
export function parseWasmThreads(v: string | null): number | null {
  const n = v === null ? NaN : Number(v);
  return Number.isInteger(n) && n >= 1 && n <= MAX_WASM_THREADS ? n : null;
}
