/**
 * A WASM-backend tensor's values as a view on the WASM heap (no copy). The view is valid only
 * until the next tfjs allocation (the heap may grow and move): take it and use it in the same
 * synchronous stretch of code.
 */
import * as tf from '@tensorflow/tfjs';

interface TensorRef {
  shape: number[];
  dtype: string;
  dataId: object;
}
interface WasmLike {
  typedArrayFromHeap?: (t: TensorRef) => Float32Array;
}

/**
 * The view of a float32 tensor (or TensorInfo) on `backend` (default the active one), or null where
 * it is not WASM (only tfjs' WASM backend has typedArrayFromHeap).
 */
export function heapView(t: TensorRef, backend: unknown = tf.backend()): Float32Array | null {
  const be = backend as WasmLike;
  return typeof be.typedArrayFromHeap === 'function' && t.dtype === 'float32' ? be.typedArrayFromHeap(t) : null;
}
