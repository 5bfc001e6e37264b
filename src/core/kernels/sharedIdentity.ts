/**
 * Identity (tf.clone) on WASM without a copy. tfjs' engine clones every tensor a kernel saves for
 * its gradient while a gradient is recorded, and tfjs 4.22's WASM Identity copies the whole buffer
 * each time (about 20 ms of memcpy per conductance pass of the demo CNN at 16 images, 10 steps).
 * The CPU, WebGL and WebGPU backends share the buffer instead, counting references, as WASM's own
 * Reshape does; this does the same on WASM. Safe because no WASM kernel writes into its inputs:
 * every output, ours included (kernels/*), is a fresh buffer from makeOutput.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceKernel } from './replaceKernel';

interface RefCountingBackend {
  incRef(dataId: unknown): void;
}

function sharedIdentity({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  (backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function registerSharedIdentity(backendName = 'wasm'): void {
  replaceKernel('Identity', backendName, sharedIdentity as unknown as tf.KernelFunc);
}
