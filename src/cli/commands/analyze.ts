/**
 * `codec analyze`: contributions, metrics, SAEs (and sweeps) of the chosen layers over an image
 * set, written as an analysis bundle; prints the per-layer metrics table.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { METHODS } from '../../core/attribution/attribute';
import { TARGET_KINDS, surprisalStats, type TargetSpec } from '../../core/attribution/targets';
import { CodecError, keyword } from '../../core/errors';
import { modelHash } from '../../core/model/hash';
import { analyze, outputCount } from '../../core/pipeline/analyze';
import { batchTensor } from '../../core/pipeline/imageBatch';
import type { HookableModel } from '../../core/model/runner';
import { intOpt, numOpt, parse, progressLine, required } from '../args';
import { writeBundleDir } from '../bundleFiles';
import { loadInputSet, type InputSetWithClasses } from '../inputs';
import { readModelCard, resolvePreprocessing } from '../modelCard';
import { loadHookableFromDisk, readModelFiles } from '../modelFiles';
import { useNodeBackend } from '../nodeBackend';
import { printMetricsTable } from './report';
import { stepsOptions } from './stepsOption';
import { saeProgressLine } from '../saeProgress';
import { analyzeShard } from '../../core/shards/analyzeShard';
import { parseShard, shardRange } from '../../core/shards/plan';

export const ANALYZE_OPTIONS = {
  model: { type: 'string' },
  images: { type: 'string' },
  layers: { type: 'string' },
  labels: { type: 'string' },
  classes: { type: 'string' },
  steps: { type: 'string' },
  'steps-target': { type: 'string' },
  'steps-cap': { type: 'string' },
  method: { type: 'string' },
  target: { type: 'string' },
  class: { type: 'string' },
  baseline: { type: 'string' },
  reduction: { type: 'string' },
  sae: { type: 'string' },
  'sae-on': { type: 'string' },
  'sae-extra': { type: 'string' },
  'sae-epochs': { type: 'string' },
  'sae-steps': { type: 'string' },
  'sae-lr': { type: 'string' },
  K: { type: 'string' },
  tau: { type: 'string' },
  maps: { type: 'boolean' },
  sweep: { type: 'boolean' },
  'sweep-per-class': { type: 'string' },
  preprocess: { type: 'string' },
  'preprocess-preset': { type: 'string' },
  seed: { type: 'string' },
  'batch-size': { type: 'string' },
  backend: { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  shard: { type: 'string' },
} as const;

export async function analyzeCommand(argv: string[]): Promise<number> {
  const cmd = 'analyze';
  const { values: v } = parse(cmd, argv, ANALYZE_OPTIONS);
  const modelPath = required(cmd, v, 'model');
  const imagesPath = required(cmd, v, 'images');
  const out = required(cmd, v, 'out');
  const backend = await useNodeBackend(v.backend ? keyword(String(v.backend), 'backend', ['wasm', 'cpu'] as const) : undefined);
  const { exec } = await loadHookableFromDisk(modelPath);
  
  const card = readModelCard(modelPath);
  const pre = resolvePreprocessing(exec.inputShape, card, v.preprocess as string | undefined, v['preprocess-preset'] as string | undefined);
  const limit = v.limit ? intOpt(cmd, v, 'limit', 0, 1) : undefined;
  // The model's class names (--classes, else its card) name the outputs, so folder or CSV labels
  // resolve against them; without any, the sorted folder names must cover every output.
  const givenClasses = v.classes ? readLines(String(v.classes)) : card.classNames;
  // --shard i/n: contributions and outputs of a contiguous share of the images only (docs/shards.md); only that share is decoded.
  const shard = v.shard !== undefined ? parseShard(String(v.shard), cmd) : null;
  if (shard) refuseWithShard(v);
  const set = await loadInputSet(imagesPath, pre, { labelsCsv: v.labels as string | undefined, limit, classNames: givenClasses, range: shard ? (n) => shardRange(shard.index, shard.count, n) : undefined });
  const classNames = checkClassCount(exec, set, givenClasses ? (v.classes ? String(v.classes) : 'the model card') : null);
  const layers = v.layers ? String(v.layers).split(',').map((s) => s.trim()).filter(Boolean) : (card.layers ?? []).map((l) => l.name);
  if (layers.length === 0) throw new CodecError('InputError', `${cmd}: --layers is required (no card.json with layers beside the model).`);
  const method = keyword(String(v.method ?? 'conductance'), 'method', METHODS);
  const targetKind = keyword(String(v.target ?? 'logit'), 'target', TARGET_KINDS);
  const classIndex = v.class !== undefined ? intOpt(cmd, v, 'class', 0, 0) : undefined;
  let target: TargetSpec;
  if (targetKind === 'surprisal') {
    const x = batchTensor(set, 0, set.n);
    const z = exec.predict(x);
    target = { kind: 'surprisal', ...surprisalStats(z.dataSync() as Float32Array, set.n, z.shape[1]!) };
    tf.dispose([x, z]);
  } else if (targetKind === 'top1' || targetKind === 'top1-prob') target = { kind: targetKind };
  else target = { kind: targetKind, classIndex };
  const baseline = keyword(String(v.baseline ?? 'zeros'), 'baseline', ['zeros', 'blur'] as const);
  const extra = v['sae-extra'] ? await loadInputSet(String(v['sae-extra']), pre, {}) : undefined;
  const files = await readModelFiles(modelPath);
  const sha256 = await modelHash(files, path.basename(modelPath));
  const progress = progressLine(cmd);
  const saeProgress = saeProgressLine(cmd);
  const t0 = Date.now();
  const run: typeof analyze = shard ? (e, s, o) => analyzeShard(e, s, { ...shard, imageRange: shardRange(shard.index, shard.count, set.whole!.n), whole: set.whole! }, o) : analyze;
  const res = await run(exec, set, {
    layers,
    method,
    ...stepsOptions(cmd, v, method),
    target,
    targetName: targetKind,
    baseline,
    reduction: keyword(String(v.reduction ?? 'net'), 'reduction', ['net', 'ei', 'pos', 'neg'] as const),
    sae: keyword(String(v.sae ?? 'stsae'), 'sae', ['stsae', 'topk', 'none'] as const),
    saeOn: keyword(String(v['sae-on'] ?? 'both'), 'sae-on', ['contributions', 'activations', 'both'] as const),
    K: v.K ? intOpt(cmd, v, 'K', 0, 1) : undefined,
    tau: v.tau ? numOpt(cmd, v, 'tau', 0.8) : undefined,
    saeEpochs: v['sae-epochs'] ? intOpt(cmd, v, 'sae-epochs', 0, 1) : undefined,
    saeSteps: v['sae-steps'] ? intOpt(cmd, v, 'sae-steps', 0, 1) : undefined,
    saeLr: v['sae-lr'] ? numOpt(cmd, v, 'sae-lr', 3e-3) : undefined,
    onSaeEpoch: saeProgress,
    saeExtra: extra,
    sweep: Boolean(v.sweep),
    sweepPerClass: v['sweep-per-class'] ? intOpt(cmd, v, 'sweep-per-class', 50, 1) : undefined,
    seed: intOpt(cmd, v, 'seed', 0, 0),
    batchSize: intOpt(cmd, v, 'batch-size', 32, 1),
    classNames,
    preprocessing: pre,
    model: { path: path.relative(path.resolve(out), path.resolve(modelPath)), sha256, name: card.name },
    imagesSource: path.relative(path.resolve(out), path.resolve(imagesPath)),
    backend,
    maps: Boolean(v.maps),
    onProgress: (p) => progress(p.done, p.total, p.stage + (p.layer ? ` ${p.layer}` : '')),
  });
  await writeBundleDir(out, res.files);
  if (shard) {
    const [a, b] = res.manifest.partial!.shard.imageRange;
    console.error(`[${cmd}] shard ${shard.index}/${shard.count}: images ${a}..${b - 1} of ${set.whole!.n}, ${layers.length} layers, ${method} on ${backend} in ${((Date.now() - t0) / 1000).toFixed(1)} s; partial bundle written to ${out} (join the shards with codec merge)`);
    return 0;
  }
  console.error(`[${cmd}] ${set.n} images, ${layers.length} layers, ${method} on ${backend} in ${((Date.now() - t0) / 1000).toFixed(1)} s; bundle written to ${out}`);
  printMetricsTable(res.manifest);
  return 0;
}

/**
 * The class names of the analysis, which must name every model output: a subset (4 class folders
 * for a 10-class model) would index the wrong outputs, so it is refused with what to give instead.
 */
function checkClassCount(exec: HookableModel, set: InputSetWithClasses, source: string | null): string[] | undefined {
  if (!set.classNames) return undefined;
  const outputs = outputCount(exec, set);
  if (set.classNames.length === outputs) return set.classNames;
  const from = source ?? `the labels' ${set.classNames.length} distinct names (${set.classNames.slice(0, 4).join(', ')}${set.classNames.length > 4 ? ', ...' : ''})`;
  throw new CodecError('InputError', `analyze: ${from} give ${set.classNames.length} class names, but the model has ${outputs} outputs; ${source ? 'give one name per output, in output order' : 'give the model\'s class names, one per output in output order, with --classes <file> (or classNames in card.json), so labels map to the right outputs'}.`);
}

/** What a shard cannot do: the surprisal target's statistics, SAE extra sets and sweeps need the whole set (the SAE flags are for codec merge). */
function refuseWithShard(v: Record<string, unknown>): void {
  const bad = v.target === 'surprisal' ? '--target surprisal (its statistics are over the whole set)' : v['sae-extra'] ? '--sae-extra' : v.sweep ? '--sweep' : null;
  if (bad) throw new CodecError('InputError', `analyze: ${bad} cannot be used with --shard: a shard computes contributions and outputs only (SAEs and metrics are fitted by codec merge).`);
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  } catch {
    throw new CodecError('InputError', `analyze: ${file}: cannot read the class names file.`);
  }
}
