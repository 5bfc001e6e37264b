/**
 * The one owner of the worker's models' lifetimes. A model is held by the worker's slots (the
 * user's model, the analysis on screen) and by every piece of work that runs it (an analysis, a
 * heatmap, an ablation, a sweep, a smoke check); it is freed when the last holder lets go, never
 * while work still runs on it. (Before, each slot change disposed the model it replaced unless
 * the other slot held it: a model replaced while an analysis ran on it was freed under the
 * analysis, and freed a second time when the analysis ended: "Container '...' is already
 * disposed".)
 */
export interface Disposable {
  dispose(): void;
}

export class ModelRefs<M extends Disposable> {
  private counts = new Map<M, number>();

  /** Takes a hold on `m` (null: nothing); returns it. */
  hold<T extends M | null>(m: T): T {
    if (m) this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
    return m;
  }

  /** Lets go of one hold on `m`; the last one frees it. Letting go of more than was held is a bug. */
  drop(m: M | null): void {
    if (!m) return;
    const n = this.counts.get(m);
    if (!n) throw new Error('ModelRefs: a model was let go of more often than it was held.');
    if (n > 1) this.counts.set(m, n - 1);
    else {
      this.counts.delete(m);
      m.dispose();
    }
  }

  /** Runs `fn` with a hold on `m`, so that nothing frees `m` while `fn` runs on it. */
  async during<T>(m: M, fn: (m: M) => Promise<T>): Promise<T> {
    this.hold(m);
    try {
      return await fn(m);
    } finally {
      this.drop(m);
    }
  }

  /** How many holds `m` has (0: freed or never held). */
  holds(m: M): number {
    return this.counts.get(m) ?? 0;
  }

  /** How many models are alive (held at least once). */
  get alive(): number {
    return this.counts.size;
  }
}
