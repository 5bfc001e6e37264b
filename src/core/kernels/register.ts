/**
 * Registers the engine's gradient/kernel fixes for the backends that need them (see the files
 * beside this one). Idempotent; safe to call from Node, the worker and tests.
 */
import { registerBatchNormGradient } from './batchNormGrad';
import { registerConv2dGradients } from './conv2dGrad';
import { registerDepthwiseGradients } from './depthwiseGrad';
import { registerMaxPoolGradient } from './maxPoolGrad';
import { registerSharedIdentity } from './sharedIdentity';

let registered = false;

export function registerFastGradients(): void {
  if (registered) return;
  registered = true;
  // Filled in by kernels/*: each fix registers itself here.
  registerConv2dGradients('wasm');
  registerBatchNormGradient();
  registerDepthwiseGradients('wasm');
  registerMaxPoolGradient('wasm');
  registerSharedIdentity('wasm');
}
