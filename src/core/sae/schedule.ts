/**
 * The training schedule of an SAE, counted in optimizer steps (not epochs), so that a fit gets
 * the same amount of optimisation at 50 rows as at 10,000 (DESIGN.md section 3):
 * - batch: min(batchSize, max(MIN_BATCH, ceil(nTrain / MIN_STEPS_PER_EPOCH))), so a small set
 *   still gives several steps an epoch (200 rows at batch 128 gave 2);
 * - steps: the `steps` option (default DEFAULT_STEPS), cut to maxEpochs epochs when maxEpochs is given;
 * - learning rate: linear warm-up over the first lrWarmup of the steps, then cosine decay to
 *   lrFinal x the peak (schedule 'cosine'), or constant ('constant');
 * - STSAE threshold: rises linearly from tauStart to tau over the first tauWarmupShare of the steps
 *   (or tauWarmup epochs when that is given)
 *   (codes that never reach a high tau at initialisation get no gradient, so without it most
 *   modes stay dead); the best weights are only kept from the step it reaches tau;
 * - evaluations (validation loss, progress, early stopping, dead-mode revival): every
 *   `evalEvery` steps, a whole number of epochs, at most MAX_EVALS a fit.
 */
import type { SaeConfig } from './types';

/** Default optimizer steps of a fit. */
export const DEFAULT_STEPS = 2000;
/** The smallest batch a small set is cut into. */
export const MIN_BATCH = 16;
/** At least this many steps an epoch where the set allows batches >= MIN_BATCH. */
export const MIN_STEPS_PER_EPOCH = 8;
/** Most evaluations (validation loss, progress reports) in one fit. */
export const MAX_EVALS = 100;

export interface Schedule {
  batch: number;
  stepsPerEpoch: number;
  /** Total optimizer steps. */
  steps: number;
  /** Steps between evaluations (a whole number of epochs). */
  evalEvery: number;
  /** Last step of the threshold warm-up (0: none). */
  tauWarmSteps: number;
  /** Learning rate of step s (1-based), before any plateau factor. */
  lrAt(s: number): number;
  /** Training threshold of step s (STSAE; undefined for TopK). */
  tauAt(s: number): number | undefined;
}

export function makeSchedule(config: SaeConfig, nTrain: number): Schedule {
  const batch = Math.max(1, Math.min(config.batchSize, nTrain, Math.max(MIN_BATCH, Math.ceil(nTrain / MIN_STEPS_PER_EPOCH))));
  const stepsPerEpoch = Math.max(1, Math.ceil(nTrain / batch));
  const byEpochs = config.maxEpochs === undefined ? Infinity : config.maxEpochs * stepsPerEpoch;
  const steps = Math.max(0, Math.min(config.steps, byEpochs));
  const totalEpochs = Math.ceil(steps / stepsPerEpoch);
  const evalEvery = stepsPerEpoch * Math.max(1, Math.ceil(totalEpochs / MAX_EVALS));
  const warmLr = Math.round(config.lrWarmup * steps);
  const lrAt = (s: number): number => {
    const peak = config.lr;
    const w = warmLr > 0 && s <= warmLr ? s / warmLr : 1;
    if (config.lrSchedule === 'constant' || steps <= warmLr) return peak * w;
    const p = Math.min(1, Math.max(0, (s - warmLr) / (steps - warmLr)));
    return peak * w * (config.lrFinal + (1 - config.lrFinal) * 0.5 * (1 + Math.cos(Math.PI * p)));
  };
  // tauWarmup (epochs, the older option) wins over tauWarmupShare (a share of the steps).
  const tauWarm = config.tauWarmup !== undefined ? config.tauWarmup * stepsPerEpoch : Math.round((config.tauWarmupShare ?? 0) * steps);
  const tauWarmSteps = config.kind === 'stsae' ? Math.min(steps, tauWarm) : 0;
  const tauAt = (s: number): number | undefined => {
    if (config.kind !== 'stsae') return undefined;
    if (tauWarmSteps <= 0 || s >= tauWarmSteps) return config.tau;
    return config.tauStart! + ((config.tau! - config.tauStart!) * s) / tauWarmSteps;
  };
  return { batch, stepsPerEpoch, steps, evalEvery, tauWarmSteps, lrAt, tauAt };
}
