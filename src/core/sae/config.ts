/** Resolves SaeOptions to a plain SaeConfig (defaults filled in) and validates it. */
import { check } from '../errors';
import { DEFAULT_STEPS } from './schedule';
import type { SaeConfig, SaeKind, SaeOptions } from './types';

const KINDS: readonly SaeKind[] = ['stsae', 'topk'];

function int(where: string, name: string, v: number, min: number): void {
  check(Number.isInteger(v) && v >= min, () => `${where}: ${name} must be an integer >= ${min}, but got ${v}.`);
}

function inRange(where: string, name: string, v: number, lo: number, hi: number, open: string): void {
  const ok = open === '[)' ? v >= lo && v < hi : open === '(]' ? v > lo && v <= hi : v > lo && v < hi;
  const ok2 = open === '[]' ? v >= lo && v <= hi : ok;
  const lb = open[0];
  const rb = open[1];
  check(ok2, () => `${where}: ${name} must be in ${lb}${lo}, ${hi}${rb}, but got ${v}.`);
}

/** The default STSAE hidden width is d up to this (the paper's H = d; a 1280-wide layer's two
 * 1280 x 1280 hidden layers made each step about 3x slower for no measured gain at small K). */
export const MAX_DEFAULT_HIDDEN = 512;

/** The default dictionary size: 3d, capped at max(8, floor(nTrain / 2)) for small sets. */
export function defaultK(d: number, nTrain: number): number {
  return Math.max(1, Math.min(3 * d, Math.max(8, Math.floor(nTrain / 2))));
}

/** `nTrain`: the training rows (caps the default K); Infinity when unknown. */
export function resolveConfig(d: number, options: SaeOptions, nTrain = Infinity): SaeConfig {
  const where = 'trainSae';
  const {
    kind: kindIn = 'stsae',
    K = defaultK(d, nTrain),
    hidden = Math.min(d, MAX_DEFAULT_HIDDEN),
    tau = 0.8,
    tauWarmup,
    tauWarmupShare = 0.3,
    tauStart = 0.5,
    lambda = 5e-5,
    dropout = 0.05,
    topk = Math.min(K, 32, Math.max(1, Math.round(d / 8))),
    lr = 3e-3,
    lrSchedule = 'cosine',
    lrWarmup = 0.05,
    lrFinal = 0.1,
    batchSize = 128,
    steps = DEFAULT_STEPS,
    maxEpochs,
    patience = 30,
    lrPatience = 10,
    lrFactor = 0.5,
    minDelta = 1e-4,
    valFraction = 0.1,
    seed = 0,
    normalize = true,
    revive = true,
    restarts = 1,
  } = options;
  check(KINDS.includes(kindIn), () => `${where}: kind must be one of ${KINDS.join(', ')}, but got ${kindIn}.`);
  const kind = kindIn;
  int(where, 'K', K, 1);
  int(where, 'batchSize', batchSize, 1);
  int(where, 'steps', steps, 0);
  if (maxEpochs !== undefined) int(where, 'maxEpochs', maxEpochs, 0);
  int(where, 'restarts', restarts, 1);
  check(lrSchedule === 'cosine' || lrSchedule === 'constant', () => `${where}: lrSchedule must be cosine or constant, but got ${lrSchedule}.`);
  inRange(where, 'lrWarmup', lrWarmup, 0, 1, '[)');
  inRange(where, 'lrFinal', lrFinal, 0, 1, '[]');
  int(where, 'patience', patience, 1);
  int(where, 'lrPatience', lrPatience, 1);
  check(Number.isFinite(seed), () => `${where}: seed must be a finite number, but got ${seed}.`);
  check(lr > 0 && Number.isFinite(lr), () => `${where}: lr must be a finite number > 0, but got ${lr}.`);
  inRange(where, 'lrFactor', lrFactor, 0, 1, '(]');
  inRange(where, 'valFraction', valFraction, 0, 1, '[)');
  check(minDelta >= 0 && minDelta < 1, () => `${where}: minDelta must be in [0, 1), but got ${minDelta}.`);
  const common = { kind, d, K, lr, lrSchedule, lrWarmup, lrFinal, batchSize, steps, ...(maxEpochs !== undefined ? { maxEpochs } : {}), patience, lrPatience, lrFactor, minDelta, valFraction, seed, normalize, revive, restarts };
  if (kind === 'topk') {
    int(where, 'topk', topk, 1);
    check(topk <= K, () => `${where}: topk must be <= K = ${K}, but got ${topk}.`);
    return { ...common, topk };
  }
  int(where, 'hidden', hidden, 1);
  inRange(where, 'tau', tau, 0, 1, '()');
  if (tauWarmup !== undefined) int(where, 'tauWarmup', tauWarmup, 0);
  inRange(where, 'tauWarmupShare', tauWarmupShare, 0, 1, '[]');
  inRange(where, 'tauStart', tauStart, 0, 1, '()');
  inRange(where, 'dropout', dropout, 0, 1, '[)');
  check(lambda >= 0 && Number.isFinite(lambda), () => `${where}: lambda must be a finite number >= 0, but got ${lambda}.`);
  const warm = tauWarmup !== undefined ? { tauWarmup, tauWarmupShare: 0 } : { tauWarmupShare };
  return { ...common, hidden, tau, lambda, dropout, ...warm, tauStart };
}
