import * as tf from '@tensorflow/tfjs';
import { gradPass } from '../core/attribution/conductance';
import { targetFn } from '../core/attribution/targets';
import { batchTensor } from '../core/pipeline/imageBatch';
import type { BackendName } from './api';
import { setupWasm } from './backend';
import { fail } from './fail';
import type { LoadedImages } from './images';
import type { LoadedWorkerModel } from './model';

/** The smoke check's numbers: the target F and, per layer, the first 64 values of a and dF/da. */
export type SmokeResult = { backend: BackendName; F: number[]; layers: Record<string, { a: number[]; g: number[] }> };

/**
 * A backend smoke check through the engine's executor and gradients with asynchronous reads
 * only (tfjs-webgpu's synchronous read can lose the device): on `backend`, a fresh copy of the
 * model computes, at alpha = 1 (x0 = 0), each of the first three analyzable layers' activation
 * and dF/da for the first `n` images, F = the class-0 logit. The running backend is restored.
 */
export async function smoke(model: LoadedWorkerModel, images: LoadedImages, backend: BackendName, n: number, wasmThreads: number | null): Promise<SmokeResult> {
  const prev = tf.getBackend();
  if (backend === 'wasm') setupWasm(wasmThreads);
  const ok = await tf.setBackend(backend).catch(() => false);
  if (!ok || tf.getBackend() !== backend) {
    await tf.setBackend(prev);
    fail(`smoke: backend ${backend} did not start.`, 'BackendError');
  }
  const copy = await model.copy();
  try {
    const exec = copy.exec;
    const layers = model.info.layers.filter((l) => l.analyzable).map((l) => l.name).slice(0, 3);
    const m = Math.min(n, images.set.n);
    const x = batchTensor(images.set, 0, m);
    const x0 = tf.zerosLike(x);
    const k = tf.zeros([m], 'int32') as tf.Tensor1D;
    const shapes = layers.map((l) => exec.layer(l).outputShape);
    const { a, g, f } = gradPass(exec, x0, x, [1], layers, shapes, targetFn({ kind: 'logit' }), k);
    try {
      const out: Record<string, { a: number[]; g: number[] }> = {};
      for (let i = 0; i < layers.length; i++) out[layers[i]] = { a: Array.from((await a[i].data()).slice(0, 64)), g: Array.from((await g[i].data()).slice(0, 64)) };
      return { backend, F: Array.from(await f.data()), layers: out };
    } finally {
      tf.dispose([...a, ...g, f, x, x0, k]);
    }
  } finally {
    copy.dispose();
    await tf.setBackend(prev);
  }
}
