/**
 * A whole CODEC analysis of an image set, as the CLI, the worker and the demo script run it:
 * contributions (and activations) of the chosen layers, per-layer metrics, sparse autoencoders
 * on contributions and on activations, optional ablation sweeps; the result is an analysis
 * bundle (a file map: manifest.json + little-endian arrays), the same format the app opens.
 */
import * as tf from '@tensorflow/tfjs';
import type { TargetSpec } from '../attribution/targets';
import type { AutoStepsOptions } from '../attribution/autoSteps';
import { AUTO_STEPS_DEFAULTS } from '../attribution/autoSteps';
import { tinyThreshold } from '../attribution/completeness';
import { jsonNumbers } from '../bundle/completenessRecord';
import type { MethodName } from '../attribution/attribute';
import { check, CodecError, throwIfAborted } from '../errors';
import type { AnalysisSettings, BundleManifest, LayerRecord, Preprocessing, Reduction, SaeKind, SweepRecord } from '../bundle/manifest';
import { BUNDLE_FORMAT, BUNDLE_VERSION } from '../bundle/manifest';
import { BundleWriter } from '../bundle/writer';
import type { HookableModel } from '../model/runner';
import { collectAttributions, type Collected } from './collect';
import { batchTensor, type InputSet } from './imageBatch';
import { layerMetrics } from './layerMetrics';
import { stepChanges } from './stepCheck';
import { fitLayerSaes, type LayerSaes } from './layerSaes';
import { layerSweeps } from './layerSweeps';

export interface AnalyzeOptions {
  layers: string[];
  method?: MethodName;
  steps?: number;
  /** Conductance: raise the steps per image until the completeness error is under a target (autoSteps.ts). */
  autoSteps?: AutoStepsOptions;
  /** Images on which the contributions at S steps are compared with 2S (stepCheck.ts; default 8, 0 = none; not with autoSteps). */
  stepCheck?: number;
  target?: TargetSpec;
  /** Name of the target kind for the manifest (e.g. 'logit'). */
  targetName?: string;
  baseline?: 'zeros' | 'blur';
  /** The reduction the SAEs are trained on. Default net (mode shares then sum to about F(x) - F(x0)). */
  reduction?: Reduction;
  sae?: SaeKind | 'none';
  saeOn?: 'contributions' | 'activations' | 'both';
  K?: number;
  tau?: number;
  saeEpochs?: number;
  /** SAE optimizer steps (default the trainer's, core/sae/schedule.ts). */
  saeSteps?: number;
  /** SAE learning rate (default the trainer's). */
  saeLr?: number;
  /** Also train the SAEs on this set's vectors (e.g. the full test set), storing codes only for `set`. */
  saeExtra?: InputSet;
  sweep?: boolean;
  /** Images per class the sweeps' correctness is computed on (default 50). */
  sweepPerClass?: number;
  seed?: number;
  batchSize?: number;
  /** Alpha points per pass (bounds the time of one pass, so a cancel lands quickly); 0 = from the memory budget. */
  alphaChunk?: number;
  /** Memory budget of one pass's tensors, which sizes the alpha chunk (default 256 MiB). */
  memoryBudgetBytes?: number;
  /** Per-epoch progress of each SAE (the loss curve). */
  onSaeEpoch?: (p: { layer: string; source: string; epoch: number; step?: number; steps?: number; trainLoss: number; valLoss: number }) => void;
  classNames?: string[];
  preprocessing: Preprocessing;
  model: { path: string; sha256: string; name?: string };
  imagesSource?: string;
  backend: string;
  /** Store per-position maps (large). */
  maps?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: { stage: string; done: number; total: number; layer?: string }) => void;
}

export interface AnalyzeResult {
  files: Map<string, Uint8Array>;
  manifest: BundleManifest;
}

/** The model's output count (classes), from one image of the set. */
export function outputCount(exec: HookableModel, set: InputSet): number {
  return tf.tidy(() => exec.predict(batchTensor(set, 0, 1)).shape.at(-1)!);
}

export async function analyze(exec: HookableModel, set: InputSet, options: AnalyzeOptions): Promise<AnalyzeResult> {
  const {
    layers,
    method = 'conductance',
    steps = 10,
    target = { kind: 'logit' },
    targetName = target.kind,
    baseline = 'zeros',
    reduction = 'net',
    sae = 'stsae',
    saeOn = 'both',
    sweep = false,
    seed = 0,
    batchSize = 32,
    signal,
    onProgress,
  } = options;
  check(layers.length > 0, () => `analyze: layers must name at least one layer, but got none.`);
  if (options.classNames) {
    // Checked on one image before the long collection: names that do not cover the outputs would
    // label the wrong ones (and the bundle's arrays would not match them).
    const outputs = outputCount(exec, set);
    if (options.classNames.length !== outputs) {
      throw new CodecError('InputError', `analyze: ${options.classNames.length} class names given, but the model has ${outputs} outputs; give one name per output, in output order.`);
    }
  }
  const attrOpts = { method, layers, steps, autoSteps: options.autoSteps, target, baseline, batchSize, alphaChunk: options.alphaChunk, memoryBudgetBytes: options.memoryBudgetBytes, signal, onProgress: (p: { done: number; total: number; stage: string }) => onProgress?.(p) };
  const col = await collectAttributions(exec, set, attrOpts);
  const stepCheck = options.stepCheck ?? 8;
  const change = !options.autoSteps && stepCheck > 0 ? await stepChanges(exec, set, col, { ...attrOpts, onProgress: undefined }, stepCheck) : null;
  let extra: Collected | null = null;
  if (options.saeExtra && sae !== 'none') {
    extra = await collectAttributions(exec, options.saeExtra, { ...attrOpts, onProgress: (p) => onProgress?.({ ...p, stage: 'contributions (SAE training set)' }) });
  }
  const classNames = options.classNames ?? Array.from({ length: col.numClasses }, (_, i) => `class ${i}`);
  const w = new BundleWriter();
  const n = set.n;
  const records: LayerRecord[] = [];
  const sweeps: SweepRecord[] = [];
  for (const [li, l] of col.layers.entries()) {
    throwIfAborted(signal, 'analyze');
    const info = exec.layer(l.name);
    const dir = `layers/${safeName(l.name)}`;
    const arrays: LayerRecord['arrays'] = {
      act_net: w.add(`${dir}/act_net.bin`, l.actNet, 'float32', [n, l.channels]),
      contrib_net: w.add(`${dir}/contrib_net.bin`, l.net, 'float32', [n, l.channels]),
      contrib_ei: w.add(`${dir}/contrib_ei.bin`, l.ei, 'float32', [n, 2 * l.channels]),
    };
    const metrics = layerMetrics(l, col.F, col.F0, tinyThreshold(col.F.map((f, i) => f - col.F0[i])));
    if (change?.has(l.name)) Object.assign(metrics, change.get(l.name));
    let saes: LayerSaes | undefined;
    if (sae !== 'none') {
      onProgress?.({ stage: 'sparse autoencoders', done: li, total: col.layers.length, layer: l.name });
      saes = await fitLayerSaes(w, dir, l, extra?.layers[li] ?? null, set.labels, col.numClasses, {
        kind: sae,
        on: saeOn,
        reduction,
        K: options.K,
        tau: options.tau,
        epochs: options.saeEpochs,
        steps: options.saeSteps,
        lr: options.saeLr,
        dF: col.F.map((f, i) => f - col.F0[i]),
        onEpoch: options.onSaeEpoch ? (p) => options.onSaeEpoch!({ layer: l.name, ...p }) : undefined,
        seed,
        signal,
      });
      Object.assign(metrics, saes.metrics);
      if (sweep && set.labels) {
        onProgress?.({ stage: 'ablation sweeps', done: li, total: col.layers.length, layer: l.name });
        sweeps.push(...(await layerSweeps(exec, set, l, saes, col.numClasses, { seed, signal, perClassSample: options.sweepPerClass })));
      }
    }
    records.push({
      name: l.name,
      className: info.className,
      outputShape: l.shape,
      isCut: info.isCut,
      arrays,
      completeness: jsonNumbers(l.completeness),
      ...(l.completeness ? { completenessGap: jsonNumbers(l.completenessGap), completenessSymmetric: jsonNumbers(l.completenessSymmetric) } : {}),
      ...(l.stepsUsed ? { stepsUsed: Array.from(l.stepsUsed) } : {}),
      metrics,
      sae: saes?.records,
    });
  }
  const settings: AnalysisSettings = { method, target: targetName as AnalysisSettings['target'], targetClass: 'classIndex' in target && typeof target.classIndex === 'number' ? target.classIndex : null, steps, baseline, reduction, seed, backend: options.backend };
  settings.tinyDF = tinyThreshold(col.F.map((f, i) => f - col.F0[i]));
  if (options.autoSteps) {
    settings.stepsAuto = { ...AUTO_STEPS_DEFAULTS, ...options.autoSteps };
    settings.steps = settings.stepsAuto.cap;
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: new Date().toISOString(),
    model: exec.logits ? { ...options.model, logits: exec.logits } : options.model,
    settings,
    preprocessing: options.preprocessing,
    images: set.names,
    imagesSource: options.imagesSource,
    labels: set.labels,
    classNames,
    outputs: {
      F: w.add('outputs/F.bin', col.F, 'float32', [n]),
      F0: w.add('outputs/F0.bin', col.F0, 'float32', [n]),
      targetClass: w.add('outputs/target_class.bin', col.targetClass, 'int32', [n]),
      probs: w.add('outputs/probs.bin', col.probs, 'float32', [n, col.numClasses]),
    },
    layers: records,
    sweeps: sweeps.length ? sweeps : undefined,
  };
  return { files: w.finish(manifest), manifest };
}

/** A layer name as a folder name (nested names have '/'). */
export function safeName(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}
