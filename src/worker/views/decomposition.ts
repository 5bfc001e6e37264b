/**
 * One image's decomposition at a layer: each active mode's share `z * sum(atom) * std` and the
 * residual, so that the bars plus the residual sum to the layer's total (F(x) - F(x0) for
 * contributions at a cut; the summed activation for activation modes).
 */
import type { Decomposition } from '../api';
import { codeRow } from './codes';
import { atomSum, type LayerModes } from './modes';

export interface ImageOutputs {
  F: Float32Array;
  F0: Float32Array;
  targetClass: Int32Array;
  predicted: Int32Array;
  labels: Int32Array | null;
  probs: Float32Array | null;
  nClasses: number;
}

export function decomposition(m: LayerModes, out: ImageOutputs, image: number, layerTotal: number): Decomposition {
  const n = m.codes.shape[0];
  if (!(image >= 0 && image < n)) throw Object.assign(new Error(`decomposition: image ${image} is out of range [0, ${n}).`), { name: 'InputError' });
  const bars = codeRow(m.codes, image)
    .map(({ mode, value }) => ({ mode, share: value * atomSum(m, mode) * m.std }))
    .filter((b) => b.share !== 0)
    .sort((a, b) => Math.abs(b.share) - Math.abs(a.share));
  const F = out.F[image];
  const F0 = out.F0[image];
  const total = m.source === 'contributions' ? F - F0 : layerTotal;
  const residual = total - bars.reduce((s, b) => s + b.share, 0);
  return {
    image,
    layer: m.layer,
    source: m.source,
    F,
    F0,
    dF: total,
    bars,
    residual,
    targetClass: out.targetClass[image],
    label: out.labels ? out.labels[image] : null,
    predicted: out.predicted[image],
    probs: out.probs ? out.probs.slice(image * out.nClasses, (image + 1) * out.nClasses) : null,
  };
}
