/** Colour scales of the panels (display only). */
import * as d3 from 'd3';

/** Diverging blue (negative) - white (0) - red (positive), symmetric around 0. */
export function diverging(maxAbs: number): (v: number) => string {
  const m = maxAbs > 0 ? maxAbs : 1;
  const s = d3.scaleDiverging((t: number) => d3.interpolateRdBu(1 - t)).domain([-m, 0, m]).clamp(true);
  return (v: number) => s(v);
}

/** RGB bytes of the diverging scale, for canvas pixels. */
export function divergingRgb(maxAbs: number): (v: number) => [number, number, number] {
  const f = diverging(maxAbs);
  const cache = new Map<string, [number, number, number]>();
  return (v) => {
    const c = f(v);
    let rgb = cache.get(c);
    if (!rgb) {
      const p = d3.rgb(c);
      rgb = [p.r, p.g, p.b];
      cache.set(c, rgb);
    }
    return rgb;
  };
}

export const NEG = '#2166ac';
export const POS = '#b2182b';
export const CONTRIB = '#c2410c';
export const ACT = '#2563eb';
/**
 * A class's colour, by its index: the same class has the same colour in every panel and after any
 * reload. (A d3 ordinal scale hands colours out in the order classes are first asked for, so the
 * same class came out blue in one load and green in another.) Indices past 10 cycle.
 */
export function classColor(index: number): string {
  const k = Number.isInteger(index) ? ((index % 10) + 10) % 10 : 0;
  return d3.schemeTableau10[k];
}
