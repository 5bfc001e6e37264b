/** One entry point for every attribution method, as the CLI, the worker and the pipeline call it. */
import type * as tf from '@tensorflow/tfjs';
import { keyword } from '../errors';
import type { HookableModel } from '../model/runner';
import { actGrad } from './actGrad';
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
  switch (method) {
    case 'conductance':
      return conductance(exec, x, options);
    case 'hidden-ig':
      return hiddenPathIg(exec, x, options);
    case 'act-grad':
    case 'act-grad-norm':
      return actGrad(exec, x, { ...options, normalize: method === 'act-grad-norm' });
  }
}
