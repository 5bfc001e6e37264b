/**
 * Adam (Kingma & Ba; PyTorch's update, no weight decay) over a fixed list of variables, with a
 * learning rate the training loop may change between steps (warm-up, decay, plateau halving):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * Each variable keeps its own moments. An earlier version kept all moments in one flat vector and
 * cut the update back with tf.split: on WASM a contiguous slice reads the whole input back
 * synchronously (BackendWasm.readSync), so a 1280-wide SAE spent 77% of its time copying it.
 * Nothing here reads a tensor back.
 */
import * as tf from '@tensorflow/tfjs';

export class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    private readonly vars: tf.Variable[],
    public lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = vars.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.v = vars.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  /** One step with `grads[i]` the gradient of `vars[i]`. Does not dispose the gradients. */
  step(grads: tf.Tensor[]): void {
    this.t++;
    const a = this.lr / (1 - this.beta1 ** this.t);
    const c = 1 / (1 - this.beta2 ** this.t);
    tf.tidy(() => {
      this.vars.forEach((p, i) => {
        const g = grads[i];
        const m = this.m[i].mul(this.beta1).add(g.mul(1 - this.beta1));
        const v = this.v[i].mul(this.beta2).add(g.square().mul(1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        p.assign(p.sub(m.mul(a).div(v.mul(c).sqrt().add(this.eps))));
      });
    });
  }

  /**
   * Multiplies the moments of variable `i` by `keep` (broadcast to its shape; 0 where a
   * parameter was re-initialised, so that its old momentum does not pull it back).
   */
  resetWhere(i: number, keep: tf.Tensor): void {
    tf.tidy(() => {
      this.m[i].assign(this.m[i].mul(keep));
      this.v[i].assign(this.v[i].mul(keep));
    });
  }

  dispose(): void {
    tf.dispose(this.m);
    tf.dispose(this.v);
  }
}
