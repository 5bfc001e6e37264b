/**
 * The closed-form model of the completeness tests: h = x (a cut, identity weights), then tanh,
 * then F = output 0 = V . tanh(h). Output 1 is 0 (tfjs' oneHot needs two classes). Its
 * conductance per unit and F(x) - F(x0) have closed forms (sech^2 is tanh's derivative).
 */
import * as tf from '@tensorflow/tfjs';

export const V = [1, -1];
export const T0 = { kind: 'logit', classIndex: 0 } as const;

export function tanhModel(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [2], units: 2, useBias: false, name: 'h', weights: [tf.tensor2d([[1, 0], [0, 1]])] }));
  m.add(tf.layers.activation({ activation: 'tanh', name: 't' }));
  m.add(tf.layers.dense({ units: 2, useBias: false, name: 'out', weights: [tf.tensor2d([V[0], 0, V[1], 0], [2, 2])] }));
  return m;
}

export const sech2 = (z: number): number => 1 - Math.tanh(z) ** 2;
