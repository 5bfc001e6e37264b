/** Resolves SaeOptions to a plain SaeConfig (defaults filled in) and validates it. */
import { check } from '../errors';
import type { SaeConfig, SaeKind, SaeOptions } from './types';

const KINDS: readonly SaeKind[] = ['stsae', 'topk'];

function int(where: string, name: string, v: number, min: number): void {
  check(Number.isInteger(v) && v >= min, () => `${where}: ${name} must be an integer >= ${min}, but got ${v}.`);
}

function inRange(where: string, name: string, v: number, lo: number, hi: number, open: string): void {
  const ok = open === '[)' ? v >= lo && v < hi : open === '(]' ? v > lo && v <= hi : v > lo && v < hi;
  const lb = open[0];
  const rb = open[1];
  check(ok, () => `${where}: ${name} must be in ${lb}${lo}, ${hi}${rb}, but got ${v}.`);
}

export function resolveConfig(d: number, options: SaeOptions): SaeConfig {
  const where = 'trainSae';
  const {
    kind: kindIn = 'stsae',
    K = 3 * d,
    hidden = d,
    tau = 0.8,
    tauWarmup = 0,
    tauStart = 0.5,
    lambda = 5e-5,
    dropout = 0.05,
    topk = Math.min(K, 32, Math.max(1, Math.round(d / 8))),
    lr = 5e-5,
    batchSize = 128,
    maxEpochs = 300,
    patience = 30,
    lrPatience = 10,
    lrFactor = 0.5,
    minDelta = 1e-4,
    valFraction = 0.1,
    seed = 0,
    normalize = true,
  } = options;
  check(KINDS.includes(kindIn), () => `${where}: kind must be one of ${KINDS.join(', ')}, but got ${kindIn}.`);
  const kind = kindIn;
  int(where, 'K', K, 1);
  int(where, 'batchSize', batchSize, 1);
  int(where, 'maxEpochs', maxEpochs, 0);
  int(where, 'patience', patience, 1);
  int(where, 'lrPatience', lrPatience, 1);
  check(Number.isFinite(seed), () => `${where}: seed must be a finite number, but got ${seed}.`);
  check(lr > 0 && Number.isFinite(lr), () => `${where}: lr must be a finite number > 0, but got ${lr}.`);
  inRange(where, 'lrFactor', lrFactor, 0, 1, '(]');
  inRange(where, 'valFraction', valFraction, 0, 1, '[)');
  check(minDelta >= 0 && minDelta < 1, () => `${where}: minDelta must be in [0, 1), but got ${minDelta}.`);
  const common = { kind, d, K, lr, batchSize, maxEpochs, patience, lrPatience, lrFactor, minDelta, valFraction, seed, normalize };
  if (kind === 'topk') {
    int(where, 'topk', topk, 1);
    check(topk <= K, () => `${where}: topk must be <= K = ${K}, but got ${topk}.`);
    return { ...common, topk };
  }
  int(where, 'hidden', hidden, 1);
  inRange(where, 'tau', tau, 0, 1, '()');
  int(where, 'tauWarmup', tauWarmup, 0);
  inRange(where, 'tauStart', tauStart, 0, 1, '()');
  inRange(where, 'dropout', dropout, 0, 1, '[)');
  check(lambda >= 0 && Number.isFinite(lambda), () => `${where}: lambda must be a finite number >= 0, but got ${lambda}.`);
  return { ...common, hidden, tau, lambda, dropout, ...(tauWarmup > 0 ? { tauWarmup, tauStart } : {}) };
}
