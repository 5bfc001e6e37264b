/**
 * The view in the URL hash (`#bundle=demo/bundles/fashion-cnn/&layer=conv3&mode=12&image=40&ablate=destroy:10`):
 * pure functions to write it, read it, and fit a read view to an analysis (an unknown layer, a
 * mode or image out of range fall back to a valid view, with a notice for each).
 */
import type { AblationKind, BundleSummary, HeatmapResolution, ModeSort, Source, SteerSpec } from '../../worker/api';
import { parseSteer, serializeSteer } from './steerUrl';

export interface UrlView {
  /** Bundle folder URL as it was opened (relative to the page, or absolute). */
  bundle?: string;
  /**
   * For an analysis that is not a hosted bundle (made in the page, or an imported zip): its short
   * id (analysisTag), so a link opened where that analysis is not says so instead of showing
   * its view on another analysis.
   */
  analysis?: string;
  layer?: string;
  source?: Source;
  mode?: number;
  image?: number;
  ablate?: { kind: AblationKind; pct: number };
  /** Steering instead of the ablation kind: `steer=1.5` scales, `steer=add:1.5` adds the atom direction. */
  steer?: SteerSpec;
  /** Heatmap resolution, the reference's mask, the mode grid's sort, the activation modes shown. */
  res?: HeatmapResolution;
  mask?: boolean;
  sort?: ModeSort;
  act?: boolean;
}

const SORTS: readonly ModeSort[] = ['frequency', 'selectivity', 'share'];

/** A short, stable tag for an analysis id (FNV-1a, 8 hex digits): what a link names it by. */
export function analysisTag(id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export const PCT_MIN = 1;
export const PCT_MAX = 99;

const enc = (v: string) => encodeURIComponent(v).replace(/%2F/gi, '/').replace(/%3A/gi, ':');

/** The hash for a view (with the leading '#'); fields in a fixed order, absent ones left out. */
export function serializeView(v: UrlView): string {
  const parts: string[] = [];
  if (v.bundle) parts.push(`bundle=${enc(v.bundle)}`);
  else if (v.analysis) parts.push(`analysis=${enc(v.analysis)}`);
  if (v.layer) parts.push(`layer=${enc(v.layer)}`);
  if (v.source === 'activations') parts.push('source=activations');
  if (v.mode !== undefined && v.mode !== null) parts.push(`mode=${v.mode}`);
  if (v.image !== undefined && v.image !== null) parts.push(`image=${v.image}`);
  if (v.ablate) parts.push(`ablate=${v.ablate.kind}:${v.ablate.pct}`);
  if (v.steer) parts.push(`steer=${serializeSteer(v.steer)}`);
  if (v.res === 'input') parts.push('res=input');
  if (v.mask) parts.push('mask=1');
  if (v.sort && v.sort !== 'frequency') parts.push(`sort=${v.sort}`);
  if (v.act) parts.push('act=1');
  return parts.length ? `#${parts.join('&')}` : '';
}

const INT = /^\d{1,9}$/;

/** Reads a hash ('#...' or '...'); a malformed field is dropped with a notice, never thrown. */
export function parseHash(hash: string): { view: UrlView; notices: string[] } {
  const view: UrlView = {};
  const notices: string[] = [];
  const raw = hash.replace(/^#/, '');
  if (!raw) return { view, notices };
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    let value: string;
    try {
      value = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1));
    } catch {
      notices.push(`link: ${key} is not valid URL text; ignored.`);
      continue;
    }
    switch (key) {
      case 'bundle':
        if (value) view.bundle = value;
        break;
      case 'layer':
        if (value) view.layer = value;
        break;
      case 'analysis':
        if (/^[0-9a-f]{8}$/.test(value)) view.analysis = value;
        else notices.push(`link: analysis "${value}" is not an analysis tag; ignored.`);
        break;
      case 'res':
        if (value === 'layer' || value === 'input') view.res = value;
        else notices.push(`link: res "${value}" is neither layer nor input; ignored.`);
        break;
      case 'mask':
      case 'act':
        if (value === '1' || value === '0') view[key] = value === '1';
        else notices.push(`link: ${key} "${value}" is neither 1 nor 0; ignored.`);
        break;
      case 'sort':
        if ((SORTS as readonly string[]).includes(value)) view.sort = value as ModeSort;
        else notices.push(`link: sort "${value}" is not one of ${SORTS.join(', ')}; ignored.`);
        break;
      case 'source':
        if (value === 'contributions' || value === 'activations') view.source = value;
        else notices.push(`link: source "${value}" is neither contributions nor activations; showing contribution modes.`);
        break;
      case 'mode':
      case 'image':
        if (INT.test(value)) view[key] = Number(value);
        else notices.push(`link: ${key} "${value}" is not a non-negative integer; ignored.`);
        break;
      case 'ablate': {
        const m = /^(destroy|preserve):(\d+(?:\.\d+)?)$/.exec(value);
        if (!m) notices.push(`link: ablate "${value}" is not destroy:<p> or preserve:<p>; ignored.`);
        else {
          const pct = Number(m[2]);
          const clamped = Math.min(PCT_MAX, Math.max(PCT_MIN, Math.round(pct)));
          if (clamped !== pct) notices.push(`link: ablation p ${m[2]} is outside ${PCT_MIN}-${PCT_MAX}% (whole percents); using ${clamped}%.`);
          view.ablate = { kind: m[1] as AblationKind, pct: clamped };
        }
        break;
      }
      case 'steer': {
        const r = parseSteer(value);
        if (r.notice) notices.push(r.notice);
        if (r.steer) view.steer = r.steer;
        break;
      }
      default:
        notices.push(`link: unknown field "${key}"; ignored.`);
    }
  }
  return { view, notices };
}

export interface ResolvedView {
  layer: string | null;
  source: Source;
  mode: number | null;
  image: number | null;
  ablKind: AblationKind;
  ablPct: number;
  /** The link's steering; absent when the link does not steer. */
  steer?: SteerSpec;
  notices: string[];
}

/**
 * Fits a parsed view to an analysis: every field that does not apply falls back (layer: the
 * default layer; mode: none, so the grid picks its first; image: 0) and says so in `notices`.
 * Mode ids are dictionary indices: a mode must be below the layer's dictionary size (or its
 * channel count for channel modes); whether it is alive is checked when the grid arrives.
 */
export function resolveView(view: UrlView, a: Pick<BundleSummary, 'layers' | 'images'>, fallback: { layer: string | null; ablKind: AblationKind; ablPct: number }): ResolvedView {
  const notices: string[] = [];
  let layer = fallback.layer;
  let layerOk = false;
  if (view.layer !== undefined) {
    if (a.layers.some((l) => l.name === view.layer)) {
      layer = view.layer;
      layerOk = true;
    } else notices.push(`link: this analysis has no layer "${view.layer}" (it has ${a.layers.map((l) => l.name).join(', ')}); showing ${layer ?? 'none'}.`);
  }
  const lv = a.layers.find((l) => l.name === layer);
  let source: Source = view.source ?? 'contributions';
  if (lv && !(lv.modes[source] ?? 0)) {
    if (view.source) notices.push(`link: ${layer} has no ${source === 'contributions' ? 'contribution' : 'activation'} modes; showing contribution modes.`);
    source = 'contributions';
  }
  let mode: number | null = null;
  if (view.mode !== undefined) {
    const size = lv ? (lv.modeKind[source] === 'dictionary' ? (lv.dictionaries[source]?.K ?? 0) : lv.modeKind[source] === 'channels' ? lv.channels : 0) : 0;
    if (!layerOk && view.layer !== undefined) notices.push(`link: mode ${view.mode} belonged to the unknown layer; showing ${layer}'s first mode.`);
    else if (view.mode < size) mode = view.mode;
    else notices.push(`link: mode ${view.mode} is out of range (${layer} has ${size} ${source === 'contributions' ? 'contribution' : 'activation'} modes); showing its first mode.`);
  }
  const n = a.images.count;
  let image: number | null = n > 0 ? 0 : null;
  if (view.image !== undefined) {
    if (view.image < n) image = view.image;
    else notices.push(`link: image ${view.image} is out of range (${n} images); showing image 0.`);
  }
  return { layer, source, mode, image, ablKind: view.ablate?.kind ?? fallback.ablKind, ablPct: view.ablate?.pct ?? fallback.ablPct, ...(view.steer ? { steer: view.steer } : {}), notices };
}

/** Whether two hashes differ only in the ablation or the display (a slider move or a sort replaces the history entry). */
export function onlyAblationDiffers(a: string, b: string): boolean {
  const strip = (h: string) => h.replace(/&?(ablate|steer|res|mask|sort|act)=[^&]*/g, '');
  return strip(a) === strip(b) && a !== b;
}
