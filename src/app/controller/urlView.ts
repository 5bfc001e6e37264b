/**
 * The view in the page's link (#layer=…&mode=…): applied from a link or back / forward, written as
 * the picks change (a pick adds a history entry, a slider move replaces it), and shared.
 */
import { isRetinaHash } from '../retina/route';
import { saveLastView } from '../lastSession';
import { analysisTag, onlyAblationDiffers, parseHash, resolveView, serializeView, type UrlView } from '../store/urlState';
import { steerFromLink } from '../store/steerSlice';
import { Part } from './part';

export class LinkView extends Part {
  /** A view from the link waiting for its bundle; applied once the analysis is there. */
  pendingView: UrlView | null = null;
  /** The mode the link asked for, checked against the grid's alive modes when it arrives. */
  linkMode: { layer: string; mode: number } | null = null;
  /** While the view is being restored from the hash, the hash is not written. */
  restoring = false;

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
    if (link.view.bundle && link.view.bundle !== this.c.bundleRef) await this.c.loaders.openBundleUrl(link.view.bundle);
    this.applyPendingView();
  }

  /** Applies the link's view to the analysis on screen (falling back field by field, with notices). */
  applyPendingView(): void {
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
    const analysis = this.c.bundleRef ? undefined : analysisTag(s.analysis.id);
    return serializeView({ bundle: this.c.bundleRef ?? undefined, analysis, layer: s.layer ?? undefined, source: s.source, mode: s.mode ?? undefined, image: s.image ?? undefined, ablate: { kind: s.ablKind, pct: s.ablPct }, steer: s.steerKind ? { kind: s.steerKind, factor: s.steerFactor } : undefined, res: s.resolution, mask: s.showMask, sort: s.sort, act: s.showActivations });
  }

  /** The full link to the view on screen. */
  shareLink(): string {
    return location.href.replace(/#.*$/, '') + this.currentHash();
  }

  writeHash(): void {
    if (this.restoring || this.pendingView) return;
    const h = this.currentHash();
    if (!h || h === location.hash) return;
    if (this.c.startup.savedSession) this.c.startup.saving = saveLastView(parseHash(h).view);
    const url = location.pathname + location.search + h;
    // A slider move replaces the entry; a pick adds one (back returns to it).
    // A view being completed (the grid's first mode after a layer pick) replaces it too.
    const incomplete = !/[#&]mode=/.test(location.hash) || !/[#&]image=/.test(location.hash);
    if (!location.hash || incomplete || onlyAblationDiffers(location.hash, h)) history.replaceState(history.state, '', url);
    else history.pushState(history.state, '', url);
  }
}
