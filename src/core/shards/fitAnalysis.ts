/**
 * The whole-set steps of an analysis from its collected arrays, without the model: per-layer
 * metrics (layerMetrics.ts) and sparse autoencoders (layerSaes.ts), written as a new bundle the
 * way analyze.ts writes one. `codec merge` runs it on the joined shards (which then equals one
 * run with the same seed); `codec fit` runs it on a bundle's own arrays to refit its SAEs with
 * other settings. Sweeps need the model and images and are not run (a fitted bundle has none).
 */
import { tinyThreshold } from '../attribution/completeness';
import { jsonNumbers } from '../bundle/completenessRecord';
import type { BundleManifest, LayerRecord, Reduction, SaeKind } from '../bundle/manifest';
import { BUNDLE_VERSION } from '../bundle/manifest';
import type { Bundle } from '../bundle/reader';
import { BundleWriter } from '../bundle/writer';
import { throwIfAborted } from '../errors';
import type { Collected, CollectedLayer } from '../pipeline/collect';
import { layerMetrics } from '../pipeline/layerMetrics';
import { fitLayerSaes, type LayerSaes } from '../pipeline/layerSaes';
import { safeName } from '../pipeline/analyze';
import type { StepChange } from '../pipeline/stepCheck';

export interface FitOptions {
  sae?: SaeKind | 'none';
  saeOn?: 'contributions' | 'activations' | 'both';
  /** The reduction the SAEs train on (default the bundle's settings.reduction). */
  reduction?: Reduction;
  K?: number;
  tau?: number;
  saeEpochs?: number;
  saeSteps?: number;
  saeLr?: number;
  /** Default the bundle's settings.seed. */
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (p: { stage: string; done: number; total: number; layer?: string }) => void;
  onSaeEpoch?: (p: { layer: string; source: string; epoch: number; step?: number; steps?: number; trainLoss: number; valLoss: number }) => void;
}

/** Metrics and SAEs of `col` on the whole set; `base` gives everything else of the manifest. */
export async function fitAnalysis(base: BundleManifest, col: Collected, stepChange: Map<string, StepChange> | null, options: FitOptions = {}): Promise<{ files: Map<string, Uint8Array>; manifest: BundleManifest }> {
  const { sae = 'stsae', saeOn = 'both', reduction = base.settings.reduction, seed = base.settings.seed, signal, onProgress } = options;
  const w = new BundleWriter();
  const n = col.F.length;
  const dF = col.F.map((f, i) => f - col.F0[i]);
  const tiny = tinyThreshold(dF);
  const records: LayerRecord[] = [];
  for (const [li, l] of col.layers.entries()) {
    throwIfAborted(signal, 'fit');
    const old = base.layers[li];
    const dir = `layers/${safeName(l.name)}`;
    const arrays: LayerRecord['arrays'] = {
      act_net: w.add(`${dir}/act_net.bin`, l.actNet, 'float32', [n, l.channels]),
      contrib_net: w.add(`${dir}/contrib_net.bin`, l.net, 'float32', [n, l.channels]),
      contrib_ei: w.add(`${dir}/contrib_ei.bin`, l.ei, 'float32', [n, 2 * l.channels]),
    };
    const metrics = layerMetrics(l, col.F, col.F0, tiny);
    if (stepChange?.has(l.name)) Object.assign(metrics, stepChange.get(l.name));
    let saes: LayerSaes | undefined;
    if (sae !== 'none') {
      onProgress?.({ stage: 'sparse autoencoders', done: li, total: col.layers.length, layer: l.name });
      saes = await fitLayerSaes(w, dir, l, null, base.labels, col.numClasses, {
        kind: sae,
        on: saeOn,
        reduction,
        K: options.K,
        tau: options.tau,
        epochs: options.saeEpochs,
        steps: options.saeSteps,
        lr: options.saeLr,
        dF,
        onEpoch: options.onSaeEpoch ? (p) => options.onSaeEpoch!({ layer: l.name, ...p }) : undefined,
        seed,
        signal,
      });
      Object.assign(metrics, saes.metrics);
    }
    records.push({
      name: l.name,
      className: old.className,
      outputShape: old.outputShape,
      isCut: old.isCut,
      arrays,
      completeness: jsonNumbers(l.completeness),
      ...(l.completeness ? { completenessGap: jsonNumbers(l.completenessGap), completenessSymmetric: jsonNumbers(l.completenessSymmetric) } : {}),
      ...(l.stepsUsed ? { stepsUsed: Array.from(l.stepsUsed) } : {}),
      metrics,
      sae: saes?.records,
    });
  }
  const { tinyDF: _t, stepsAuto, ...rest } = base.settings;
  const settings = { ...rest, reduction, seed, tinyDF: tiny, ...(stepsAuto ? { stepsAuto } : {}) };
  const manifest: BundleManifest = {
    ...base,
    version: BUNDLE_VERSION,
    createdAt: new Date().toISOString(),
    settings,
    outputs: {
      F: w.add('outputs/F.bin', col.F, 'float32', [n]),
      F0: w.add('outputs/F0.bin', col.F0, 'float32', [n]),
      targetClass: w.add('outputs/target_class.bin', col.targetClass, 'int32', [n]),
      probs: w.add('outputs/probs.bin', col.probs, 'float32', [n, col.numClasses]),
    },
    layers: records,
    sweeps: undefined,
  };
  delete manifest.partial;
  // Files the analysis does not rebuild (inputs, sprite) are not carried: a fitted bundle is contributions, metrics and SAEs.
  delete manifest.inputs;
  delete manifest.sprite;
  return { files: w.finish(manifest), manifest };
}

/** A whole bundle's arrays as collected (for `codec fit`), and its stored step checks. */
export async function collectedFromBundle(b: Bundle): Promise<{ collected: Collected; stepChange: Map<string, StepChange> }> {
  const m = b.manifest;
  const f32 = async (ref: Parameters<Bundle['getArray']>[0]) => {
    const a = await b.getArray(ref);
    return a instanceof Float32Array ? a : Float32Array.from(a);
  };
  const nums = (v: (number | null)[] | null | undefined) => (v ? Float32Array.from(v, (x) => (x === null ? NaN : x)) : null);
  const n = m.images.length;
  const numClasses = m.outputs.probs ? m.outputs.probs.shape[1] : m.classNames.length;
  const stepChange = new Map<string, StepChange>();
  const layers: CollectedLayer[] = [];
  for (const l of m.layers) {
    const channels = l.arrays.contrib_net.shape[1];
    const net = await f32(l.arrays.contrib_net);
    layers.push({
      name: l.name,
      shape: l.outputShape,
      channels,
      net,
      ei: await f32(l.arrays.contrib_ei),
      actNet: await f32(l.arrays.act_net),
      total: Float32Array.from({ length: n }, (_, i) => net.subarray(i * channels, (i + 1) * channels).reduce((a, c) => a + c, 0)),
      completeness: nums(l.completeness),
      completenessGap: nums(l.completenessGap),
      completenessSymmetric: nums(l.completenessSymmetric),
      stepsUsed: l.stepsUsed ? Int32Array.from(l.stepsUsed) : null,
    });
    const mt = l.metrics;
    if (mt && mt.stepChangeSample !== undefined) stepChange.set(l.name, { stepChangeMedian: mt.stepChangeMedian ?? null, stepChangeSample: mt.stepChangeSample, stepChangeSteps: mt.stepChangeSteps ?? m.settings.steps });
  }
  return {
    collected: {
      layers,
      F: await f32(m.outputs.F),
      F0: await f32(m.outputs.F0),
      targetClass: Int32Array.from(await b.getArray(m.outputs.targetClass)),
      probs: m.outputs.probs ? await f32(m.outputs.probs) : new Float32Array(n * numClasses),
      numClasses,
    },
    stepChange,
  };
}
