/**
 * One analysis run (Session.analyze): layer by layer, each from the IndexedDB cache or computed by
 * the engine with the AbortSignal, so a cancel stops at the next chunk and keeps the layers that
 * finished (they are cached too). Returns the merged analysis for the session to put on screen.
 */
import * as tf from '@tensorflow/tfjs';
import type { TargetSpec } from '../core/attribution/targets';
import { imagesForBudget } from '../core/attribution/memoryBudget';
import { analyze } from '../core/pipeline/analyze';
import { Analysis } from './analysis';
import type { AnalyzeSettings, Progress, SaeEpoch } from './api';
import { cacheKey, getCached, putCached } from './cache';
import { fail } from './fail';
import type { LoadedImages } from './images';
import { mergeBundles } from './mergeBundles';
import type { LoadedWorkerModel } from './model';
import { saeKeySettings, saeOptions } from './saeSettings';

/** The default memory budget of one attribution pass (MiB). */
export const DEFAULT_BUDGET_MIB = 256;

/** The settings checked against the model (one-line errors): the layers in execution order, and the memory budget. */
export function checkAnalyzeSettings(model: LoadedWorkerModel, settings: AnalyzeSettings): { layers: string[]; budgetMiB: number } {
  if (!settings.layers.length) fail('analyze: pick at least one layer.');
  if (!(Number.isInteger(settings.steps) && settings.steps >= 1 && settings.steps <= 512)) fail(`analyze: steps must be an integer in [1, 512], but got ${settings.steps}.`);
  const budgetMiB = settings.memoryBudgetMiB ?? DEFAULT_BUDGET_MIB;
  if (!(Number.isFinite(budgetMiB) && budgetMiB >= 16 && budgetMiB <= 65536)) fail(`analyze: the memory budget must be between 16 and 65536 MiB, but got ${budgetMiB}.`);
  const order = new Map(model.info.layers.map((l, i) => [l.name, i]));
  const layers = [...settings.layers].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  for (const l of layers) if (!order.has(l)) fail(`analyze: unknown layer ${l}.`);
  return { layers, budgetMiB };
}

/** Runs the analysis of `images` on `model` (the caller holds the model as work in flight). */
export async function runAnalysis(model: LoadedWorkerModel, images: LoadedImages, settings: AnalyzeSettings, layers: string[], budgetMiB: number, signal: AbortSignal, onProgress: (p: Progress) => void): Promise<Analysis> {
  const t0 = performance.now();
  const done: string[] = [];
  const parts: Map<string, Uint8Array>[] = [];
  const keySettings = { method: settings.method, target: settings.target, baseline: settings.baseline, steps: settings.steps, modes: settings.modes, ...(settings.saeEpochs ? { saeEpochs: settings.saeEpochs } : {}) };
  const autoSteps = settings.stepsAuto && settings.method === 'conductance' ? { cap: settings.steps } : undefined; // "until converged" (core/attribution/autoSteps.ts); steps is the cap
  if (autoSteps) Object.assign(keySettings, { stepsAuto: true });
  Object.assign(keySettings, saeKeySettings(settings));
  const n = images.set.n;
  // The engine checks for a cancel between passes and sizes a pass's path points to the memory
  // budget; about 4M activation values per pass (images x path points x the model's units)
  // keep a pass, and so a cancel, to a fraction of a second on small models, and no more images
  // go in a pass than leave one path point within the budget.
  const memoryBudgetBytes = budgetMiB * 2 ** 20;
  const perSample = model.info.layers.reduce((t, l) => t + l.outputShape.reduce((p, d) => p * Math.max(1, d), 1), 0);
  const floatsOf = (name: string) => model.exec.layer(name).outputShape.reduce((p, d) => p * Math.max(1, d), 1);
  const batchFor = (layer: string) => Math.min(Math.max(1, Math.min(64, Math.floor(4e6 / (perSample * (settings.steps + 1))))), imagesForBudget(memoryBudgetBytes, perSample, floatsOf(layer), 64));
  let cached = 0;
  let cutShort: string | null = null;
  // A layer's work: its contributions, then (with modes) its SAEs, counted as half each until
  // measured otherwise; SAE progress is epochs over the epoch limit (early stopping only helps).
  const saeLimit = settings.saeEpochs ?? 300;
  const saeShare = settings.modes ? 0.5 : 0;
  const report = (li: number, imgDone: number, stage: string, layer?: string, sae?: SaeEpoch) => {
    // Of the layer: its contributions so far, then the SAE epochs (contributions, then activations).
    const saeFrac = sae ? Math.min(1, ((sae.source === 'activations' ? 1 : 0) + sae.epoch / saeLimit) / 2) : 0;
    const frac = (li + (1 - saeShare) * (imgDone / n) + saeShare * saeFrac) / layers.length;
    const elapsed = performance.now() - t0;
    const computedFrac = frac - cached / layers.length;
    onProgress({
      stage,
      done: Math.round(imgDone),
      total: n,
      unit: 'images',
      layer,
      layersDone: [...done],
      elapsedMs: elapsed,
      fraction: frac,
      etaMs: computedFrac > 0.02 && elapsed > 300 ? (elapsed / computedFrac) * (1 - frac) : null,
      sae,
    });
  };
  try {
    for (let li = 0; li < layers.length; li++) {
      const layer = layers[li];
      const key = cacheKey(model.info.hash, images.info.hash, keySettings, layer);
      let files: Map<string, Uint8Array> | null = null;
      if (settings.useCache) {
        const hit = await getCached(key);
        if (hit) {
          files = new Map(hit.files);
          cached++;
        }
      }
      if (!files && settings.cacheOnly) continue;
      if (!files) {
        report(li, 0, 'contributions', layer);
        const result = await analyze(model.exec, images.set, {
          layers: [layer],
          method: settings.method,
          target: { kind: settings.target } as TargetSpec,
          targetName: settings.target,
          steps: settings.steps,
          autoSteps,
          baseline: settings.baseline === 'blur' ? 'blur' : 'zeros',
          sae: settings.modes ? 'stsae' : 'none',
          saeEpochs: settings.saeEpochs,
          ...saeOptions(settings),
          saeOn: 'both',
          batchSize: batchFor(layer),
          memoryBudgetBytes,
          classNames: images.info.classNames ?? model.info.classNames ?? undefined,
          preprocessing: images.info.preprocessing,
          model: { path: 'model.json', sha256: model.info.hash, name: model.info.name },
          backend: tf.getBackend(),
          signal,
          onProgress: (p) => report(li, p.stage === 'contributions' ? p.done : n, p.stage, layer),
          onSaeEpoch: (e) => report(li, n, `sparse autoencoders (${e.source}, epoch ${e.epoch})`, layer, e),
        });
        files = result.files;
        if (signal.aborted) {
          // Cancelled during this layer's SAE training: its contributions are complete and its
          // SAE is the best so far. Kept for this session, but not cached as a finished layer.
          parts.push(files);
          done.push(layer);
          cutShort = layer;
          break;
        }
        // Always stored (the checkbox only says whether to reuse): a reload restores from it.
        await putCached(key, files);
      }
      parts.push(files);
      done.push(layer);
      report(li + 1, 0, 'layer done', layer);
    }
  } catch (e) {
    const cancelled = signal.aborted || (e as Error).name === 'CancelledError';
    if (!cancelled || parts.length === 0) {
      if (cancelled) fail(`analyze: cancelled before any layer finished (${performance.now() - t0 < 1000 ? 'at once' : `after ${((performance.now() - t0) / 1000).toFixed(1)} s`}).`, 'CancelledError');
      throw e;
    }
  }
  if (parts.length === 0) fail('analyze: nothing cached for these settings.', 'CancelledError');
  const merged = mergeBundles(parts);
  return new Analysis(merged, `analysis:${model.info.hash.slice(0, 12)}:${images.info.hash.slice(0, 12)}:${JSON.stringify(keySettings)}`, cached === layers.length ? 'cache' : 'analysis', null, done.length < layers.length || cutShort !== null, images.sprite, cutShort);
}
