/**
 * The views the current picks need (mode grid, decomposition, class matrix, heatmap, pixels),
 * each request tagged so a late answer to an old pick is dropped; and the store subscription
 * that follows the picks (views, live requests, the link, an image's largest-share mode).
 */
import type { Source } from '../../worker/api';
import type { PanelKey } from '../store/panelSlice';
import { errorText } from '../workerClient';
import { Part } from './part';

export class Views extends Part {
  private unsubscribe: (() => void) | null = null;

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
  syncViewsForce(): void {
    for (const k of ['grid', 'actGrid', 'decomposition', 'matrix', 'heatmap', 'pixels'] as const) this.s.setFetched(k, { status: 'idle' });
    this.syncViews();
  }

  refetchHeatmap(): void {
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

  /** Follows the store: the views, live requests and link the picks need, and the picks a fresh grid or an image implies. */
  subscribe(): void {
    this.unsubscribe?.();
    let prev = this.s;
    this.unsubscribe = this.store.subscribe((s) => {
      const changed = s.analysis !== prev.analysis || s.layer !== prev.layer || s.source !== prev.source || s.mode !== prev.mode || s.image !== prev.image || s.resolution !== prev.resolution || s.showActivations !== prev.showActivations;
      const ablChanged = changed || s.ablPct !== prev.ablPct || s.ablKind !== prev.ablKind || s.ablCommitted !== prev.ablCommitted || s.steerKind !== prev.steerKind || s.steerFactor !== prev.steerFactor || s.steerCommitted !== prev.steerCommitted;
      // The grid's sort and the mask are in the link too, and need no new view.
      const displayChanged = s.sort !== prev.sort || s.showMask !== prev.showMask;
      prev = s;
      if (displayChanged && !ablChanged && s.analysis) this.c.url.writeHash();
      if (changed) this.syncViews();
      if (ablChanged && s.analysis) {
        this.c.live.requestAblation();
        this.c.live.requestAccuracy();
        this.c.live.requestSweep(false);
        this.c.url.writeHash();
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
        const lm = this.c.url.linkMode;
        if (lm && lm.layer === s.layer && lm.mode === s.mode) s.pushMessage({ level: 'warning', title: 'Link', message: `link: mode ${lm.mode} of ${lm.layer} is not an alive mode; showing mode ${first.id}.`, analysisId: s.analysis?.id });
        this.c.url.linkMode = null;
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
