/**
 * The layers pre-checked after a model loads (#17: 157 of 161 MobileNetV2 layers were, hours of
 * work). A few sensible ones, in model order:
 * - the last layer of each run of equal spatial size (the last activation before the map shrinks),
 * - the outputs of merges (Add, Concatenate: block outputs of residual and inception nets),
 * at most `max` of these two together (stage ends first, spread over the depth), plus the last
 * hidden layer. Never a BatchNorm, pooling, padding, Dropout, Flatten or Reshape layer on its own:
 * they repeat the layer before them. A model with at most `max` such candidates gets them all.
 */
import type { LayerSummary } from '../worker/api';

const REPEATS = /^(BatchNormalization|FusedBatchNorm\w*|Dropout|SpatialDropout\dD|GaussianDropout|GaussianNoise|AlphaDropout|\w*Pooling\dD|MaxPool\w*|AvgPool\w*|Mean|ZeroPadding\dD|Cropping\dD|Pad\w*|Flatten|Reshape|Squeeze|Identity|InputLayer|Placeholder)$/;
const MERGE = /^(Add|AddV2|AddN|Concatenate|ConcatV2|Concat)$/;

/** Evenly spread picks of `n` items, the last always among them. */
function spread<T>(xs: T[], n: number): T[] {
  if (n <= 0) return [];
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round(((i + 1) * xs.length) / n) - 1]);
}

export function defaultLayers(layers: LayerSummary[], max = 8): string[] {
  const c = layers.filter((l) => l.analyzable && !l.nested && !REPEATS.test(l.className));
  if (c.length <= max) return c.map((l) => l.name); // a small model: every candidate
  const lastHidden = c[c.length - 1];
  const size = (l: LayerSummary) => (l.outputShape.length >= 3 ? l.outputShape.slice(0, -1).join('x') : 'flat');
  const body = c.slice(0, -1);
  const stageEnds = body.filter((l, i) => size(c[i + 1]) !== size(l));
  const merges = body.filter((l) => MERGE.test(l.className) && !stageEnds.includes(l));
  const picked = new Set([...spread(stageEnds, max), lastHidden]);
  for (const l of spread(merges, max - Math.min(max, stageEnds.length))) picked.add(l);
  return c.filter((l) => picked.has(l)).map((l) => l.name);
}
