/** Crash recovery and the other worker restarts (a new WASM thread count), keeping what is on screen. */
import * as Comlink from 'comlink';
import { BACKEND_ORDER, type BackendName } from '../../worker/api';
import { parseHash } from '../store/urlState';
import { Part } from './part';

export class Recovery extends Part {
  /** A crash recovery in progress (one at a time), and when the recent ones happened. */
  recovering: Promise<void> | null = null;
  private crashTimes: number[] = [];

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
    if (this.c.analysis.running || this.recovering) return;
    this.client.wasmThreads = threads;
    await this.ops.runRestarting(() => this.restartKeepingView(this.client.backendChoice, `Restarting the model worker with ${threads === null ? 'the default WASM threads' : `${threads} WASM thread${threads === 1 ? '' : 's'}`}`));
  }

  /** Restarts the worker on `backend`; the analysis on screen and its view come back. */
  private async restartKeepingView(backend: BackendName | 'auto', what: string): Promise<void> {
    const s = this.s;
    const view = s.analysis ? parseHash(this.c.url.currentHash()).view : null;
    const prev = s.analysis;
    const wasAnalyzing = s.job.kind === 'analyzing';
    // Whatever waited on the dead worker is dropped (its promises never settle; queued ops ended
    // with it, see OpQueue).
    this.c.live.ablInFlight = false;
    this.c.live.ablWanted = null;
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
          this.c.bundleRef = null;
          s.setAnalysis(summary);
          if (wasAnalyzing) s.pushMessage({ level: 'warning', title: 'Analysis interrupted', message: `Kept the ${summary.layers.length} finished layer${summary.layers.length === 1 ? '' : 's'} (${summary.layers.map((l) => l.name).join(', ')}); run again to finish the rest.` });
        } else if (ranHere) s.pushMessage({ level: 'warning', title: 'Analysis not restored', message: 'the analysis could not be found in the cache of the new worker: run Analyze again.' });
      }
      if (view && this.s.analysis) {
        this.c.url.pendingView = view;
        this.c.url.applyPendingView();
      }
      this.c.views.syncViewsForce();
      this.c.live.requestAblation();
      this.c.live.requestAccuracy();
      this.c.live.requestSweep(false);
    } catch (e) {
      this.error('The model worker could not restart', e);
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }
}
