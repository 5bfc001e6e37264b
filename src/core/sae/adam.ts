/**
 * Adam (Kingma & Ba; PyTorch's update, no weight decay) over a fixed list of variables, with a
 * learning rate the training loop may change between steps (plateau halving):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * The moments of all variables live in one flat vector, so a step costs about 15 kernels plus
 * 3 per variable instead of about 14 per variable (small models are bound by kernel overhead).
 */
import * as tf from '@tensorflow/tfjs';

export class Adam {
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  private readonly sizes: number[];
  private t = 0;

  constructor(
    private readonly vars: tf.Variable[],
    public lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.sizes = vars.map((p) => p.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false));
  }

  /** One step with `grads[i]` the gradient of `vars[i]`. Does not dispose the gradients. */
  step(grads: tf.Tensor[]): void {
    this.t++;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      const g = tf.concat(grads.map((x) => x.reshape([-1])));
      const m = this.m.mul(this.beta1).add(g.mul(1 - this.beta1));
      const v = this.v.mul(this.beta2).add(g.square().mul(1 - this.beta2));
      this.m.assign(m);
      this.v.assign(v);
      const update = m.mul(this.lr / bc1).div(v.mul(1 / bc2).sqrt().add(this.eps));
      const parts = tf.split(update, this.sizes);
      this.vars.forEach((p, i) => p.assign(p.sub(parts[i].reshape(p.shape))));
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}
