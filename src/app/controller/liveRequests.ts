/**
 * Requests that follow the sliders: the live ablation (one in flight, the latest pick waits), the
 * per-class accuracy for the committed p, and the ablation sweep of the picked mode.
 */
import * as Comlink from 'comlink';
import { errorText } from '../workerClient';
import { steerSpec } from '../store/steerSlice';
import { Part } from './part';

export class LiveRequests extends Part {
  /** Live ablation: one request in flight, the latest pick waits (coalesced). */
  ablInFlight = false;
  ablWanted: string | null = null;
  /** Samples the accuracy is computed on. */
  accuracySample = 500;

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
}
