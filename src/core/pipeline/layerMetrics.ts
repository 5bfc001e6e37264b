/** The per-layer metrics of a collected layer (DESIGN.md section 3), contributions vs activations. */
import type { LayerMetrics } from '../bundle/manifest';
import { dimensionality, hoyerMedian, median, pnCorr } from '../metrics';
import type { CollectedLayer } from './collect';

export function layerMetrics(l: CollectedLayer, _F: Float32Array, _F0: Float32Array): LayerMetrics {
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
    completenessMedian: l.completeness ? median(Array.from(l.completeness)) : null,
  };
}
