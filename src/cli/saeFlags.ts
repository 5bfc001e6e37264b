/** The SAE flags `codec merge` and `codec fit` share with `codec analyze` (same names, same checks; each command declares them). */
import { keyword } from '../core/errors';
import type { FitOptions } from '../core/shards/fitAnalysis';
import { intOpt, numOpt } from './args';

/** FitOptions from the flags; unset flags stay undefined (the bundle's settings or the trainer's defaults). */
export function saeFlags(cmd: string, v: Record<string, unknown>): FitOptions {
  return {
    sae: keyword(String(v.sae ?? 'stsae'), 'sae', ['stsae', 'topk', 'none'] as const),
    saeOn: keyword(String(v['sae-on'] ?? 'both'), 'sae-on', ['contributions', 'activations', 'both'] as const),
    reduction: v.reduction ? keyword(String(v.reduction), 'reduction', ['net', 'ei', 'pos', 'neg'] as const) : undefined,
    K: v.K ? intOpt(cmd, v, 'K', 0, 1) : undefined,
    tau: v.tau ? numOpt(cmd, v, 'tau', 0.8) : undefined,
    saeEpochs: v['sae-epochs'] ? intOpt(cmd, v, 'sae-epochs', 0, 1) : undefined,
    saeSteps: v['sae-steps'] ? intOpt(cmd, v, 'sae-steps', 0, 1) : undefined,
    saeLr: v['sae-lr'] ? numOpt(cmd, v, 'sae-lr', 3e-3) : undefined,
    seed: v.seed !== undefined ? intOpt(cmd, v, 'seed', 0, 0) : undefined,
  };
}
