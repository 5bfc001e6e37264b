/**
 * Ablation, accuracy and sweeps on the analysis on screen, for the Session: live ablation keeps
 * one cached forward pass (a new (layer, image) replaces it); ablation calls run one at a time
 * (they share the cache); accuracy and sweeps run one at a time, and a new accuracy request
 * cancels the running one. Each runs its model as the session's work in flight (host.work).
 */
import * as tf from '@tensorflow/tfjs';
import { atomChannelScores } from '../core/ablation/channels';
import { ablationCorrectness } from '../core/ablation/sweep';
import { AblationSession } from '../core/ablation/ablate';
import { balancedSample, channelMask, closestProfile, computeSweep, evenSample, perClassAccuracy, topChannels } from './ablation';
import { layerPositions, steerInputs } from './steer';
import type { Analysis } from './analysis';
import type { AblationRequest, AblationResult, AccuracyRequest, AccuracyResult, SweepCurve, SweepView } from './api';
import { fail } from './fail';
import type { LoadedWorkerModel } from './model';

/** What the ablations need from the session. */
export interface AblationHost {
  /** The analysis on screen (fails when there is none). */
  analysis(): Analysis;
  /** The model of the analysis on screen (null: it could not be loaded). */
  model(): LoadedWorkerModel | null;
  /** Runs `fn` on `m` as work in flight (Session.work: `m` is held while it runs). */
  work<T>(m: LoadedWorkerModel, fn: (m: LoadedWorkerModel) => Promise<T>): Promise<T>;
  /** Input tensor of the images `idx` (model input space). */
  batchOf(idx: number[]): tf.Tensor4D;
}

export class SessionAblation {
  /** The one cached forward pass for live ablation, keyed by analysis, model, backend, layer and image. */
  /** Live ablation: the forward pass of one image up to a layer (a new (layer, image) replaces it). */
  private live: { key: string; abl: AblationSession } | null = null;
  /** Ablation calls run one at a time (they share the cache). */
  private ablQueue: Promise<unknown> = Promise.resolve();
  /** Accuracy and sweeps: one at a time; a new accuracy request cancels the running one. */
  private setQueue: Promise<unknown> = Promise.resolve();
  private accuracyAbort: AbortController | null = null;

  constructor(private readonly host: AblationHost) {}

  /** Cancels a running accuracy request (a backend switch). */
  cancelAccuracy(): void {
    this.accuracyAbort?.abort();
  }

  /** Settles when the ablations, accuracy requests and sweeps queued now have ended. */
  async idle(): Promise<void> {
    await Promise.allSettled([this.ablQueue, this.setQueue]);
  }

  dropLive(): void {
    this.live?.abl.dispose();
    this.live = null;
  }

  private ablationModel(what: string): LoadedWorkerModel {
    const a = this.host.analysis();
    const m = this.host.model();
    if (!m) fail(`${what}: the model of this analysis (${a.manifest.model.name ?? a.manifest.model.path}) could not be loaded, so there is no ablation; the other panels work.`);
    return m;
  }

  /** The mode's atom as per-channel scores (positive half for an ei atom). */
  private modeScores(what: string, layer: string, source: 'contributions' | 'activations', mode: number): Float32Array {
    const lm = this.host.analysis().layerModes(layer, source);
    if (!lm.alive.includes(mode)) fail(`${what}: mode ${mode} is not an alive ${source === 'contributions' ? 'contribution' : 'activation'} mode of ${layer}.`);
    return atomChannelScores(lm.atoms.subarray(mode * lm.d, (mode + 1) * lm.d), lm.channels);
  }

  private checkPct(what: string, pct: number): void {
    if (!(Number.isFinite(pct) && pct > 0 && pct <= 100)) fail(`${what}: p must be in (0, 100], but got ${pct}.`);
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
      const a = this.host.analysis();
      return this.host.work(this.ablationModel('ablate'), async (model) => {
        this.checkPct('ablate', req.pct);
        const scores = this.modeScores('ablate', req.layer, req.source, req.mode);
        const C = scores.length;
        const key = `${a.id}|${model.info.hash}|${tf.getBackend()}|${req.layer}|${req.image}`;
        const cached = this.live?.key === key;
        if (!cached) {
          this.dropLive();
          const x = this.host.batchOf([req.image]);
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
      const a = this.host.analysis();
      return this.host.work(this.ablationModel('ablation accuracy'), async (model) => {
        this.checkPct('ablation accuracy', req.pct);
        const scores = this.modeScores('ablation accuracy', req.layer, req.source, req.mode);
        const idx = evenSample(a.count, Math.max(1, Math.floor(req.sample)));
        const truth = a.outputs.labels ?? a.outputs.predicted;
        const labels = Int32Array.from(idx, (i) => truth[i]);
        const st = steerInputs('ablation accuracy', a.layerModes(req.layer, req.source), req.mode, topChannels(scores, req.pct).channels, layerPositions(a.layer(req.layer).outputShape), req.steer);
        const correct = await ablationCorrectness(model.exec, (s, e) => this.host.batchOf(idx.slice(s, e)), idx.length, labels, req.layer, scores, { pcts: [req.pct], kind: req.kind, batchSize: 50, onProgress, signal: ctrl.signal, ...(st ? { masks: [st.mask], add: st.add } : {}) });
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
    const a = this.host.analysis();
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
    return this.serialSet(() => this.host.work(this.ablationModel('sweep'), async (model) => {
      if (!a.outputs.labels) fail('sweep: the images have no labels, so there is no accuracy to sweep.');
      const grid = a.modeGrid(layer, 'contributions');
      const card = grid.cards.find((c) => c.id === mode) ?? fail(`sweep: mode ${mode} is not an alive contribution mode of ${layer}.`);
      const nc = Math.max(a.outputs.nClasses, a.manifest.classNames.length);
      const target = card.bestClass;
      if (target < 0) fail(`sweep: mode ${mode} has no best class (its loadings do not vary).`);
      const actMode = rec.sae?.activations ? closestProfile(card.classProfile, a.modeGrid(layer, 'activations').cards) : null;
      const idx = balancedSample(a.outputs.labels, nc, 50, 0);
      const labels = Int32Array.from(idx, (i) => a.outputs.labels![i]);
      const images = (s: number, e: number) => this.host.batchOf(idx.slice(s, e));
      const total = idx.length * (actMode === null ? 1 : 2);
      const contribution = await computeSweep(model.exec, images, labels, layer, this.modeScores('sweep', layer, 'contributions', mode), target, nc, { source: 'contributions', mode }, (d) => onProgress?.(d, total));
      const activation = actMode === null ? null : await computeSweep(model.exec, images, labels, layer, this.modeScores('sweep', layer, 'activations', actMode), target, nc, { source: 'activations', mode: actMode }, (d) => onProgress?.(idx.length + d, total));
      return { layer, contribution, activation, origin: 'computed' as const, swept };
    }));
  }
}
