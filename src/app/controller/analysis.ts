/** Analyze and cancel: the analysis op, and a cancel that restarts a worker that does not stop in time. */
import * as Comlink from 'comlink';
import type { AnalyzeSettings, Progress } from '../../worker/api';
import { Part } from './part';

export class Analysis extends Part {
  /** How long a cancel waits for the worker to stop by itself before restarting it. */
  cancelGraceMs = 1000;
  /** The analysis asked for (queued or running), until it ends. */
  running: Promise<unknown> | null = null;
  /** Set by cancel(): an analysis still queued does not start; a running one is stopped. */
  private cancelAsked = false;
  /** Ends the running analysis' wait at once (a cancel the worker did not honour in time). */
  private forceStop: (() => void) | null = null;

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
      this.c.bundleRef = null;
      // A finished run replaces what an earlier cancel said (that banner stayed above the new analysis).
      this.store.setState({ messages: this.s.messages.filter((m) => m.title !== 'Cancelled' && m.title !== 'Analysis cancelled') });
      this.s.setAnalysis(summary);
      if (!summary.partial) this.s.pushMessage({ level: 'info', title: 'Analysis done', message: `${summary.modelName}: ${summary.layers.length} layer${summary.layers.length === 1 ? '' : 's'} of ${summary.images.count} images (${summary.layers.map((l) => l.name).join(', ')}).`, analysisId: summary.id });
      this.c.startup.saving = this.c.startup.saveSession();
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
        this.c.views.syncViewsForce();
      }
    } catch (e) {
      this.error('The worker could not restart', e);
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }
}
