/** One entry point for every attribution method, as the CLI, the worker and the pipeline call it. */
import type * as tf from '@tensorflow/tfjs';
import { CodecError, keyword } from '../errors';
import type { HookableModel } from '../model/runner';
import { actGrad } from './actGrad';
import { conductanceAuto, type AutoStepsOptions } from './autoSteps';
import { conductance, type AttributionProgress } from './conductance';
import { hiddenPathIg } from './hiddenIg';
import type { BaselineSpec } from './path';
import type { AttributionResult } from './result';
import type { TargetSpec } from './targets';

export const METHODS = ['conductance', 'hidden-ig', 'act-grad', 'act-grad-norm'] as const;
export type MethodName = (typeof METHODS)[number];

export interface AttributeOptions {
  method?: MethodName;
  layers: string[];
  steps?: number;
  /** Conductance only: raise the steps per image until the completeness error is under a target (autoSteps.ts); `steps` is then ignored. */
  autoSteps?: AutoStepsOptions;
  target?: TargetSpec;
  baseline?: BaselineSpec;
  keepMaps?: boolean;
  alphaChunk?: number;
  memoryBudgetBytes?: number;
  signal?: AbortSignal;
  onProgress?: (p: AttributionProgress) => void;
}

export async function attribute(exec: HookableModel, x: tf.Tensor, options: AttributeOptions): Promise<AttributionResult> {
  const method = keyword(options.method ?? 'conductance', 'method', METHODS);
  if (options.autoSteps && method !== 'conductance') throw new CodecError('InputError', `attribution: steps "until converged" (auto) is for conductance only, not ${method}.`);
  switch (method) {
    case 'conductance':
      return options.autoSteps ? conductanceAuto(exec, x, { ...options, auto: options.autoSteps }) : conductance(exec, x, options);
    case 'hidden-ig':
      return hiddenPathIg(exec, x, options);
    case 'act-grad':
    case 'act-grad-norm':
      return actGrad(exec, x, { ...options, normalize: method === 'act-grad-norm' });
  }
}
