/**
 * Backend set-up for Node (CLI, tests, scripts, benchmark). tfjs-node cannot install here, so
 * Node runs on WASM (SIMD, single-threaded: about 8x the CPU backend for conductance) or CPU.
 * tfjs falls back quietly when a backend fails, so the chosen one is checked after setBackend.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CodecError } from '../core/errors';
import { registerFastGradients } from '../core/kernels/register';

export type NodeBackend = 'wasm' | 'cpu';

let wasmPathSet = false;

/** Selects `name` (default: CODEC_BACKEND env var, else wasm) and returns the backend that runs. */
export async function useNodeBackend(name: NodeBackend = (process.env.CODEC_BACKEND as NodeBackend) || 'wasm'): Promise<string> {
  if (name === 'wasm' && !wasmPathSet) {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    setWasmPaths(path.join(dir, 'dist') + path.sep);
    wasmPathSet = true;
  }
  const ok = await tf.setBackend(name);
  await tf.ready();
  const got = tf.getBackend();
  if (!ok || got !== name) {
    throw new CodecError('InputError', `useNodeBackend: backend ${name} did not start (tfjs is on ${got}).`);
  }
  registerFastGradients();
  return got;
}
