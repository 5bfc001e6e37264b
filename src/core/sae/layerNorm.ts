/**
 * LayerNorm over the last axis with a hand-written gradient (about 10 kernels each way instead
 * of about 40 from autodiff of tf.moments; the SAE step is bound by kernel overhead):
 *   xhat = (x - mean) / sqrt(var + eps),  y = xhat * g + b
 *   dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),  dxhat = dy * g
 *   dg = sum_rows(dy * xhat),  db = sum_rows(dy)
 */
import * as tf from '@tensorflow/tfjs';

/** PyTorch's LayerNorm default epsilon. */
export const LN_EPS = 1e-5;

const layerNormOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, g, b] = args as tf.Tensor[];
  const save = args[3] as tf.GradSaveFunc;
  const xc = x.sub(x.mean(-1, true));
  const rstd = xc.square().mean(-1, true).add(LN_EPS).rsqrt();
  const xhat = xc.mul(rstd);
  save([xhat, rstd, g]);
  return {
    value: xhat.mul(g).add(b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, rs, gain] = saved;
      const dxhat = dy.mul(gain);
      const dx = dxhat.sub(dxhat.mean(-1, true)).sub(xh.mul(dxhat.mul(xh).mean(-1, true))).mul(rs);
      return [dx, dy.mul(xh).sum(0), dy.sum(0)];
    },
  };
});

/** LayerNorm of the rows of x (B x H) with gain g (H) and bias b (H). */
export function layerNorm(x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return layerNormOp(x, g, b) as tf.Tensor2D;
}
