/**
 * CODEC on the retina student against the simulator's ground truth (issue 7), one call:
 *  1. match the first layer's channels to the planted bipolar types by their filters (matching.ts);
 *  2. contributions of the hidden layers (conductance, 20 steps, zero = gray baseline) with the
 *     surprisal target and with each cell's rate as target; `ei` reduction; an STSAE per layer and
 *     target with K = 10 x the feature count and tau = 0.9;
 *  3. scores: mode atoms in type space vs the planted wiring of the cells they drive, cells
 *     clustered by mode use vs the planted classes (adjusted Rand index), the modes driving each
 *     cell per stimulus family, and per cell the student's instantaneous receptive field against
 *     the simulator's (rank-1 space x time).
 */
import * as tf from '@tensorflow/tfjs';
import { surprisalStats } from '../attribution/targets';
import { check, throwIfAborted } from '../errors';
import { median } from '../metrics/stats';
import { Executor } from '../model/executor';
import { trainSae, type TrainedSae } from '../sae';
import { bipolarFilter } from './bipolar';
import { adjustedRandIndex, clusterRows } from './cluster';
import { contributions, type LayerContributions } from './contributions';
import { familyWindows } from './dataset';
import { modelIrf, trueIrf } from './groundTruth';
import { irfAgreement, type IrfAgreement } from './irf';
import { matchFilters, separableFilters, type FilterMatch } from './matching';
import { cellWiring, familyModes, modeUsage, modeWiring, netAtoms, toTypeSpace, type ModeWiring } from './scoring';
import type { Retina } from './simulator';
import { STUDENT_LAYERS, studentFilters } from './student';

export interface RetinaAnalysisOptions {
  /** Windows per stimulus family for the surprisal contributions. Default 40. */
  perFamily?: number;
  /** Windows per family for the per-cell-rate contributions (each run once per cell). Default 16. */
  cellPerFamily?: number;
  /** Windows per family at which IRFs are compared. Default 4. */
  irfPerFamily?: number;
  /** Conductance steps. Default 20 (the paper's retina setting). */
  steps?: number;
  layers?: string[];
  /** Dictionary size as a multiple of the feature count (2C for ei). Default 10. */
  saeFactor?: number;
  /** STSAE threshold. Default 0.9. */
  tau?: number;
  /**
   * Threshold schedule (epochs): the training threshold rises from `tauStart` to `tau` over the
   * first tauWarmup epochs. With tau = 0.9 from the start the sigmoid codes of a fresh STSAE,
   * about 0.5 +- 0.15, never reach it and no gradient flows. Default 60 (0 = off).
   */
  tauWarmup?: number;
  /** Start of the threshold schedule. Default 0.5. */
  tauStart?: number;
  /** Threshold to retrain with when, even so, no mode comes alive at `tau`. Default 0.5. */
  fallbackTau?: number;
  /** Most SAE epochs. Default 150. */
  saeEpochs?: number;
  /** SAE learning rate. Default 1e-3. */
  saeLr?: number;
  /** Largest spatial shift in the filter matching. Default 2. */
  maxShift?: number;
  /** Seed of the analysis stimuli and the SAEs. Default 4242. */
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface SaeFit {
  K: number;
  /** Threshold of the kept fit, and whether the asked-for one left every mode dead. */
  tau: number;
  deadAtTau: boolean;
  alive: number;
  r2: number;
  epochs: number;
}

export interface LayerAnalysis {
  name: string;
  channels: number;
  /** Median completeness error of the surprisal and per-cell contributions. */
  completeness: { surprisal: number; rate: number };
  surprisalSae: SaeFit;
  rateSae: SaeFit;
  /** Mean size of every rate-SAE mode's share of the output change in each cell's contributions (cells x K). */
  usage: number[][];
  /** Cells clustered by usage into as many clusters as planted classes (empty when a cell uses no mode). */
  clusters: number[];
  ari: number;
  /** Per cell and family: the rate-SAE modes with the largest mean share (the `code` field holds it). */
  familyModes: Record<string, { mode: number; code: number }[]>[];
  /** First layer only: used modes in type space vs the planted wiring (most used first). */
  modeWiring?: ModeWiring[];
  /** First layer only: usage-weighted mean of the modes' wiring cosines. */
  modeWiringMean?: number;
  /** First layer only: per cell, its mean contribution profile in type space vs its planted weights. */
  cellWiring?: number[];
}

export interface RetinaAnalysis {
  cells: { id: string; cellClass: string }[];
  types: string[];
  /**
   * shifted: the score (raw filters, best shift up to maxShift); unshifted: no shifts; separable:
   * the student's filters reduced to their rank-1 space x time part first (shifts allowed).
   */
  filterMatch: { shifted: FilterMatch; unshifted: FilterMatch; separable: FilterMatch; maxShift: number };
  layers: LayerAnalysis[];
  irf: { perCell: IrfAgreement[]; perFamily: Record<string, IrfAgreement>; moments: number };
  settings: Required<Omit<RetinaAnalysisOptions, 'signal' | 'onProgress' | 'layers'>> & { layers: string[] };
}

export async function analyzeRetina(model: tf.LayersModel, retina: Retina, options: RetinaAnalysisOptions = {}): Promise<RetinaAnalysis> {
  const { perFamily = 40, cellPerFamily = 16, irfPerFamily = 4, steps = 20, layers = [...STUDENT_LAYERS], saeFactor = 10, tau = 0.9, tauWarmup = 60, tauStart = 0.5, fallbackTau = 0.5, saeEpochs = 150, saeLr = 1e-3, maxShift = 2, seed = 4242, signal, onProgress } = options;
  const { spec } = retina;
  const cells = retina.numCells;
  check(model.outputs[0].shape[1] === cells, () => `analyzeRetina: the model has ${model.outputs[0].shape[1]} outputs, the retina ${cells} cells.`);
  const exec = new Executor(model);
  const planted = spec.cells.map((c) => c.inputs);

  // (1) Filters: planted types against the student's first-layer channels.
  const sf = studentFilters(model);
  const d = spec.kernelSize * spec.kernelSize * spec.frames;
  check(sf.length === d, () => `analyzeRetina: the student's first layer has ${sf.length}-value filters, the bipolar types ${d}.`);
  const plantedFilters = new Float32Array(spec.bipolar.length * d);
  spec.bipolar.forEach((b, j) => plantedFilters.set(bipolarFilter(b, spec.kernelSize, spec.frames), j * d));
  const shifted = matchFilters(plantedFilters, sf.filters, { size: spec.kernelSize, frames: spec.frames, maxShift });
  const unshifted = matchFilters(plantedFilters, sf.filters, { size: spec.kernelSize, frames: spec.frames });
  const separable = matchFilters(plantedFilters, separableFilters(sf.filters, spec.frames, d), { size: spec.kernelSize, frames: spec.frames, maxShift });

  // (2) Contributions with the surprisal target and with each cell's rate.
  const set = familyWindows(spec.size, spec.frames, { perFamily, seed });
  const cellSet = familyWindows(spec.size, spec.frames, { perFamily: cellPerFamily, seed: seed + 100 });
  const responses = tf.tidy(() => model.predict(tf.tensor4d(set.data, [set.n, spec.size, spec.size, spec.frames])) as tf.Tensor2D);
  const { mean, precision } = surprisalStats(responses.dataSync() as Float32Array, set.n, cells);
  responses.dispose();
  const progress = (stage: string) => (done: number, total: number) => onProgress?.(stage, done, total);
  const surp = await contributions(exec, set.data, set.n, { kind: 'surprisal', mean, precision }, { layers, steps, signal, onProgress: progress('surprisal contributions') });
  const rate = await contributions(exec, cellSet.data, cellSet.n, 'per-cell', { layers, steps, batchSize: 4, signal, onProgress: progress('per-cell contributions') });

  // (3) SAEs and scores per layer.
  const classes = spec.cells.map((c) => c.cellClass);
  const k = new Set(classes).size;
  const out: LayerAnalysis[] = [];
  for (let li = 0; li < layers.length; li++) {
    throwIfAborted(signal, 'analyzeRetina');
    const s = surp[li];
    const r = rate[li];
    const c = s.channels;
    const saeOpts = { kind: 'stsae' as const, K: saeFactor * 2 * c, tau, tauWarmup, tauStart, fallbackTau, maxEpochs: saeEpochs, lr: saeLr, seed, signal };
    onProgress?.(`SAE ${s.name} (surprisal)`, 0, 1);
    const sSae = await fitSae(s.ei, set.n, 2 * c, saeOpts);
    onProgress?.(`SAE ${s.name} (per-cell rate)`, 0, 1);
    const rSae = await fitSae(r.ei, cellSet.n * cells, 2 * c, saeOpts);
    // A mode's weight in a row: the size of its share of the output change, |z_nk sum(atom_k) std|.
    const weights = modeShares(rSae.sae, r.ei, cellSet.n * cells);
    const usage = modeUsage(weights, cellSet.n, cells, rSae.sae.K);
    // A cell that uses no mode has no direction to cluster by: then there is no clustering (NaN).
    const usable = usage.every((u) => u.some((v) => v > 0));
    const clusters = usable ? clusterRows(usage, k) : [];
    const layer: LayerAnalysis = {
      name: s.name,
      channels: c,
      completeness: { surprisal: finiteMedian(s.completeness), rate: finiteMedian(r.completeness) },
      surprisalSae: sSae.fit,
      rateSae: rSae.fit,
      usage,
      clusters,
      ari: usable ? adjustedRandIndex(clusters, classes) : NaN,
      familyModes: familyModes(weights, cellSet.n, cells, rSae.sae.K, cellSet.families, 3),
    };
    if (li === 0 && c === sf.channels) {
      const typeW = toTypeSpace(netAtoms(rSae.sae.atoms, rSae.sae.K, c), rSae.sae.K, c, shifted.typeToChannel);
      const wiring = modeWiring(typeW, usage, planted);
      const total = wiring.reduce((a, w) => a + w.usage, 0);
      layer.modeWiring = wiring;
      layer.modeWiringMean = wiring.reduce((a, w) => a + w.usage * w.cosine, 0) / (total || 1);
      layer.cellWiring = cellWiring(toTypeSpace(r.net, cellSet.n * cells, c, shifted.typeToChannel), cellSet.n, planted);
    }
    out.push(layer);
  }

  // (4) Instantaneous receptive fields: the student's gradient against the simulator's.
  const irfSet = familyWindows(spec.size, spec.frames, { perFamily: irfPerFamily, seed: seed + 200 });
  const irf = compareIrfs(model, retina, irfSet.data, irfSet.n, irfSet.families);
  onProgress?.('done', 1, 1);
  return {
    cells: spec.cells.map((c) => ({ id: c.id, cellClass: c.cellClass })),
    types: spec.bipolar.map((b) => b.id),
    filterMatch: { shifted, unshifted, separable, maxShift },
    layers: out,
    irf,
    settings: { perFamily, cellPerFamily, irfPerFamily, steps, layers, saeFactor, tau, tauWarmup, tauStart, fallbackTau, saeEpochs, saeLr, maxShift, seed },
  };
}

/** |z_nk * sum_d atoms[k, d] * std| for every row n and mode k (rows x K): the size of each mode's share of the output change. */
function modeShares(sae: TrainedSae, data: Float32Array, rows: number): Float32Array {
  const z = sae.encode(data, rows);
  const k = sae.K;
  const sums = Array.from({ length: k }, (_, m) => sae.atoms.subarray(m * sae.d, (m + 1) * sae.d).reduce((a, b) => a + b, 0) * sae.std);
  return z.map((v, i) => Math.abs(v * sums[i % k]));
}

/** An STSAE at `tau`; when that leaves every mode dead, one at `fallbackTau` (said in the fit). */
async function fitSae(data: Float32Array, n: number, d: number, o: { K: number; tau: number; tauWarmup: number; tauStart: number; fallbackTau: number; maxEpochs: number; lr: number; seed: number; signal?: AbortSignal }): Promise<{ sae: TrainedSae; fit: SaeFit }> {
  const base = { kind: 'stsae' as const, K: o.K, maxEpochs: o.maxEpochs, lr: o.lr, seed: o.seed, signal: o.signal };
  let sae = await trainSae(data, n, d, { ...base, tau: o.tau, tauWarmup: o.tauWarmup, tauStart: o.tauStart });
  let tau = o.tau;
  const dead = sae.aliveModes.length === 0;
  if (dead && o.fallbackTau !== o.tau) {
    sae = await trainSae(data, n, d, { ...base, tau: o.fallbackTau });
    tau = o.fallbackTau;
  }
  return { sae, fit: { K: sae.K, tau, deadAtTau: dead, alive: sae.aliveModes.length, r2: sae.r2Global, epochs: sae.bestEpoch } };
}

function finiteMedian(v: Float32Array): number {
  const f = Array.from(v).filter(Number.isFinite);
  return f.length ? median(f) : NaN;
}

/** Per cell (and per family) mean agreement of the student's IRF with the simulator's at the given windows. */
export function compareIrfs(model: tf.LayersModel, retina: Retina, data: Float32Array, n: number, families: string[]): { perCell: IrfAgreement[]; perFamily: Record<string, IrfAgreement>; moments: number } {
  const { size, frames } = retina.spec;
  const x = tf.tensor4d(data, [n, size, size, frames]);
  const per = size * size * frames;
  const all: IrfAgreement[][] = [];
  try {
    for (let c = 0; c < retina.numCells; c++) {
      const a = modelIrf(model, x, c);
      const b = trueIrf(retina, x, c);
      const av = a.dataSync();
      const bv = b.dataSync();
      tf.dispose([a, b]);
      all.push(Array.from({ length: n }, (_, i) => irfAgreement(av.subarray(i * per, (i + 1) * per), bv.subarray(i * per, (i + 1) * per), frames)));
    }
  } finally {
    x.dispose();
  }
  const meanOf = (list: IrfAgreement[]): IrfAgreement => {
    const m = (key: keyof IrfAgreement) => list.reduce((s, e) => s + e[key], 0) / Math.max(1, list.length);
    return { full: m('full'), spatial: m('spatial'), temporal: m('temporal'), rank1: m('rank1') };
  };
  const perFamily = Object.fromEntries([...new Set(families)].map((f) => [f, meanOf(all.flatMap((cell) => cell.filter((_, i) => families[i] === f)))]));
  return { perCell: all.map(meanOf), perFamily, moments: n };
}
