/**
 * Activation x gradient at the input x: `M = a * dF/da`, or normalised per image by the L2
 * norm of the layer's gradient, `a * g / ||g||_2` (used by some of the paper's figures).
 * One forward and one backward pass for all layers. Completeness is not expected (null).
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import type { HookableModel } from '../model/runner';
import { gradPass } from './conductance';
import { finishLayer, forwardAtX } from './finish';
import type { AttributionResult, LayerAttribution } from './result';
import { targetFn, type TargetSpec } from './targets';

export interface ActGradOptions {
  layers: string[];
  target?: TargetSpec;
  /** Divide by ||g||_2 per image and layer. Default false. */
  normalize?: boolean;
  keepMaps?: boolean;
}

export async function actGrad(exec: HookableModel, x: tf.Tensor, options: ActGradOptions): Promise<AttributionResult> {
  const { layers, target = { kind: 'logit' }, normalize = false, keepMaps = false } = options;
  check(layers.length > 0, () => `actGrad: layers must name at least one layer, but got none.`);
  const infos = layers.map((l) => exec.layer(l));
  const b = x.shape[0];
  const fwd = await forwardAtX(exec, x, target);
  const classIdx = tf.tensor1d(fwd.classIdx.map((k) => Math.max(k, 0)), 'int32');
  const x0 = tf.zerosLike(x);
  const { a, g, f } = gradPass(exec, x0, x, [1], layers, infos.map((i) => i.outputShape), targetFn(target), classIdx);
  try {
    const F = (await f.data()) as Float32Array;
    const out = new Map<string, LayerAttribution>();
    for (const [i, l] of layers.entries()) {
      const m = tf.tidy(() => {
        const prod = tf.mul(a[i], g[i]);
        if (!normalize) return prod;
        const norm = tf.sqrt(tf.sum(tf.square(tf.reshape(g[i], [b, -1])), 1));
        const shape = [b, ...Array(a[i].rank - 1).fill(1)];
        return tf.div(prod, tf.reshape(tf.maximum(norm, 1e-12), shape));
      });
      out.set(l, await finishLayer(l, m, a[i], null, false, keepMaps));
      m.dispose();
    }
    return { method: normalize ? 'act-grad-norm' : 'act-grad', layers: out, F, F0: new Float32Array(b).fill(NaN), targetClass: fwd.classIdx, probs: fwd.probs, numClasses: fwd.numClasses };
  } finally {
    tf.dispose([...a, ...g, f, classIdx, x0]);
  }
}
