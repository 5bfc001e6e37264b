/**
 * Sparse autoencoders of one layer, on contributions and on activations (so every result can be
 * compared, as the paper does): training, codes of the bundle's images, mode x class
 * correlations, and their bundle records.
 */
import { reduceFromEi } from '../attribution/reductions';
import type { LayerMetrics, Reduction, SaeKind, SaeRecord, SaeSource } from '../bundle/manifest';
import type { BundleWriter } from '../bundle/writer';
import { bestClassCorrMedian, classCorrelation } from '../metrics';
import { trainSae } from '../sae';
import { fitQuality, medianResidualShare } from '../sae/fitQuality';
import type { CollectedLayer } from './collect';

export interface FittedSae {
  source: SaeSource;
  K: number;
  d: number;
  atoms: Float32Array; // K x d
  codes: Float32Array; // N x K
  alive: number[];
  classCorr: Float32Array | null; // K x nClasses
}

export interface LayerSaes {
  records: { contributions?: SaeRecord; activations?: SaeRecord };
  metrics: Partial<LayerMetrics>;
  fitted: { contributions?: FittedSae; activations?: FittedSae };
}

export interface LayerSaeOptions {
  kind: SaeKind;
  on: 'contributions' | 'activations' | 'both';
  reduction: Reduction;
  K?: number;
  tau?: number;
  epochs?: number;
  /** Optimizer steps of each fit (default the trainer's). */
  steps?: number;
  lr?: number;
  seed: number;
  signal?: AbortSignal;
  /** F(x) - F(x0) of the bundle's images: the residual share of contribution dictionaries. */
  dF?: Float32Array;
  onEpoch?: (p: { source: string; epoch: number; step?: number; steps?: number; trainLoss: number; valLoss: number }) => void;
}

function vectors(l: CollectedLayer, source: SaeSource, reduction: Reduction): { data: Float32Array; d: number } {
  const n = l.total.length;
  if (source === 'activations') return { data: l.actNet, d: l.channels };
  const data = reduceFromEi(l.ei, n, l.channels, reduction);
  return { data, d: reduction === 'ei' ? 2 * l.channels : l.channels };
}

function concat(a: Float32Array, b: Float32Array | null): Float32Array {
  if (!b) return a;
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export async function fitLayerSaes(
  w: BundleWriter,
  dir: string,
  l: CollectedLayer,
  extra: CollectedLayer | null,
  labels: number[] | undefined,
  numClasses: number,
  opts: LayerSaeOptions,
): Promise<LayerSaes> {
  const out: LayerSaes = { records: {}, metrics: {}, fitted: {} };
  const sources: SaeSource[] = opts.on === 'both' ? ['contributions', 'activations'] : [opts.on];
  const n = l.total.length;
  for (const [si, source] of sources.entries()) {
    // A cancel during the first source's training keeps its best model so far (trainSae returns
    // it); the next source is not started (it would keep its initial weights).
    if (si > 0 && opts.signal?.aborted) break;
    const reduction: Reduction = source === 'activations' ? 'net' : opts.reduction;
    const own = vectors(l, source, reduction);
    const more = extra ? vectors(extra, source, reduction).data : null;
    const nTrain = n + (extra ? extra.total.length : 0);
    const sae = await trainSae(concat(own.data, more), nTrain, own.d, {
      kind: opts.kind,
      K: opts.K,
      tau: opts.tau,
      maxEpochs: opts.epochs,
      steps: opts.steps,
      lr: opts.lr,
      seed: opts.seed,
      signal: opts.signal,
      onEpoch: opts.onEpoch ? (p) => opts.onEpoch!({ source, ...p }) : undefined,
    });
    const codes = await sae.encodeAsync(own.data, n);
    const K = sae.K;
    const cc = labels ? classCorrelation(codes, n, K, labels, numClasses) : null;
    const alive = sae.aliveModes;
    const sub = `${dir}/sae_${source === 'contributions' ? 'contrib' : 'act'}`;
    const residualShare = source === 'contributions' && opts.dF ? medianResidualShare(codes, sae.atoms, sae.std, opts.dF) : null;
    const r2 = Number.isFinite(sae.r2Val) ? sae.r2Val! : sae.r2Global;
    const quality = fitQuality({ r2, residualShare, alive, K, d: own.d, atoms: sae.atoms, steps: sae.stepsRun ?? 0, n: nTrain });
    const record: SaeRecord = {
      config: {
        kind: opts.kind,
        source,
        reduction,
        inputDim: own.d,
        K,
        hidden: sae.config.hidden,
        tau: sae.config.tau,
        topk: sae.config.topk,
        lambda: sae.config.lambda,
        epochs: sae.history.trainLoss.length,
        std: sae.std,
        trainLoss: sae.history.trainLoss,
        valLoss: sae.history.valLoss,
        r2Global: sae.r2Global,
        r2PerFeature: sae.r2PerFeature,
        stoppedEarly: sae.stoppedEarly,
        trainSamples: nTrain,
        steps: sae.stepsRun,
        quality,
      },
      aliveModes: alive,
      arrays: {
        atoms: w.add(`${sub}/atoms.bin`, sae.atoms, 'float32', [K, own.d]),
        codes: w.addCsr(`${sub}/codes`, codes, n, K),
      },
      classCorr: cc ? w.add(`${sub}/class_corr.bin`, cc, 'float32', [K, numClasses]) : undefined,
    };
    out.records[source] = record;
    out.fitted[source] = { source, K, d: own.d, atoms: sae.atoms, codes, alive, classCorr: cc };
    const best = cc ? bestClassCorrMedian(cc, K, numClasses, alive) : undefined;
    if (source === 'contributions') {
      out.metrics.modesAlive = alive.length;
      out.metrics.bestClassCorrMedian = best;
    } else {
      out.metrics.modesAliveAct = alive.length;
      out.metrics.bestClassCorrMedianAct = best;
    }
    sae.dispose?.();
  }
  return out;
}
