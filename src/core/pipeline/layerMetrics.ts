/** The per-layer metrics of a collected layer (DESIGN.md section 3), contributions vs activations. */
import type { LayerMetrics } from '../bundle/manifest';
import { dimensionality, hoyerMedian, pnCorr } from '../metrics';
import { tinyThreshold } from '../attribution/completeness';
import { completenessMetrics } from '../bundle/upgrade';
import type { CollectedLayer } from './collect';

/**
 * `tiny`: the |dF| under which an image is left out of the completeness median (default 1% of the
 * median |F - F0| over these images, completeness.ts).
 */
export function layerMetrics(l: CollectedLayer, F: Float32Array, F0: Float32Array, tiny = tinyThreshold(F.map((f, i) => f - F0[i]))): LayerMetrics {
  const n = l.total.length;
  const c = l.channels;
  const dc = dimensionality(l.net, n, c);
  const da = dimensionality(l.actNet, n, c);
  return {
    hoyerContrib: hoyerMedian(l.net, n, c),
    hoyerAct: hoyerMedian(l.actNet, n, c),
    dimContrib: dc.n95,
    dimAct: da.n95,
    prContrib: dc.participationRatio,
    prAct: da.participationRatio,
    pnCorr: pnCorr(l.ei, n, c),
    completenessMedian: null,
    // The plain error's summary (median without tiny-|dF| images, their count and largest gap), the symmetric one as an extra.
    ...(l.completeness ? completenessMetrics(l.completeness, l.completenessGap ?? l.completeness.map(() => NaN), l.completenessSymmetric ?? null, tiny) : {}),
  };
}
