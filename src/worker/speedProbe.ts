/**
 * A one-image speed probe for the estimate shown next to Analyze (#17: an estimate from measured
 * times, before the run starts): one image at `points` path points through one gradient pass at
 * `layer` (what conductance repeats per image, layer and path step), timed after a warm-up pass;
 * the median of `repeats` passes, divided by the points. Reading the result waits for the device.
 */
import * as tf from '@tensorflow/tfjs';
import { gradPass } from '../core/attribution/conductance';
import { targetFn } from '../core/attribution/targets';
import type { HookableModel } from '../core/model/runner';
import { batchTensor, type InputSet } from '../core/pipeline/imageBatch';

export interface SpeedProbe {
  /** Milliseconds per image and path point of one layer's gradient pass. */
  msPerPoint: number;
  points: number;
  layer: string;
}

export async function speedProbe(exec: HookableModel, set: InputSet, layer: string, points = 4, repeats = 1): Promise<SpeedProbe> {
  const x = batchTensor(set, 0, 1);
  const x0 = tf.zerosLike(x);
  const k = tf.zeros([1], 'int32') as tf.Tensor1D;
  const alphas = Array.from({ length: points }, (_, i) => (i + 1) / points);
  const shape = exec.layer(layer).outputShape;
  const once = async () => {
    const t0 = performance.now();
    const { a, g, f } = gradPass(exec, x0, x, alphas, [layer], [shape], targetFn({ kind: 'logit' }), k);
    try {
      await g[0].data();
      return performance.now() - t0;
    } finally {
      tf.dispose([...a, ...g, f]);
    }
  };
  try {
    await once(); // warm-up: kernels compile, weights upload
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) times.push(await once());
    times.sort((p, q) => p - q);
    return { msPerPoint: times[Math.floor(times.length / 2)] / points, points, layer };
  } finally {
    tf.dispose([x, x0, k]);
  }
}

/** The contribution pass of an analysis, in ms: images x layers x (steps + 1) path points. */
export function estimateMs(probe: Pick<SpeedProbe, 'msPerPoint'>, images: number, layers: number, steps: number): number {
  return probe.msPerPoint * images * layers * (steps + 1);
}
