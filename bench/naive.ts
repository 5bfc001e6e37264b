/**
 * The reference code's way, for comparison only: one forward + backward per alpha step and per
 * layer (no batching of alphas, no shared backward), trapezoid as in the engine.
 */
import * as tf from '@tensorflow/tfjs';
import type { Executor } from '../src/core/model/executor';

export async function naiveConductance(exec: Executor, x: tf.Tensor, layers: string[], steps: number): Promise<void> {
  const k = tf.tidy(() => tf.argMax(exec.predict(x), 1));
  for (const layer of layers) {
    const shape = exec.layer(layer).outputShape;
    let acc = tf.zeros([x.shape[0], ...shape]);
    let prev: { a: tf.Tensor; g: tf.Tensor } | null = null;
    for (let i = 0; i <= steps; i++) {
      const cur = tf.tidy(() => {
        const xi = tf.mul(x, i / steps);
        const probe = tf.zeros([x.shape[0], ...shape]);
        let a: tf.Tensor | null = null;
        const g = tf.grad((p: tf.Tensor) => {
          const r = exec.run(xi, { probes: new Map([[layer, p]]), capture: [layer] });
          a = tf.keep(r.captured.get(layer)!);
          return tf.sum(tf.mul(r.outputs[0], tf.oneHot(k as tf.Tensor1D, r.outputs[0].shape[1]!)));
        })(probe);
        return { a: a!, g };
      });
      if (prev) {
        const next = tf.tidy(() => tf.add(acc, tf.mul(0.5, tf.mul(tf.add(prev!.g, cur.g), tf.sub(cur.a, prev!.a)))));
        acc.dispose();
        acc = next;
        tf.dispose([prev.a, prev.g]);
      }
      prev = cur;
    }
    acc.dataSync();
    tf.dispose([acc, prev!.a, prev!.g]);
  }
  k.dispose();
}
