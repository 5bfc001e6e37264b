import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/nodeBackend';
import { Adam } from './adam';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** Two Adam steps on one scalar parameter, by hand (b1 = 0.9, b2 = 0.999, eps = 1e-8). */
function byHand(p: number, g1: number, g2: number, lr: number): number[] {
  let m = 0.1 * g1;
  let v = 0.001 * g1 * g1;
  const p1 = p - (lr * (m / 0.1)) / (Math.sqrt(v / 0.001) + 1e-8);
  m = 0.9 * m + 0.1 * g2;
  v = 0.999 * v + 0.001 * g2 * g2;
  const p2 = p1 - (lr * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
  return [p1, p2];
}

describe('Adam', () => {
  it('Adam.step() matches the update by hand for several variables, with a changed lr', () => {
    const a = tf.variable(tf.tensor1d([1, -2]));
    const b = tf.variable(tf.tensor2d([[0.5]]));
    const opt = new Adam([a, b], 0.1);
    const g1 = [tf.tensor1d([0.5, -1]), tf.tensor2d([[2]])];
    const g2 = [tf.tensor1d([-0.25, 3]), tf.tensor2d([[1]])];
    opt.step(g1);
    opt.step(g2);
    const want = [byHand(1, 0.5, -0.25, 0.1)[1], byHand(-2, -1, 3, 0.1)[1], byHand(0.5, 2, 1, 0.1)[1]];
    const got = [...a.dataSync(), ...b.dataSync()];
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
    opt.lr = 0.05;
    opt.step(g1);
    expect(a.dataSync()[0]).toBeLessThan(got[0]); // a positive gradient moves it down
    opt.dispose();
    tf.dispose([a, b, ...g1, ...g2]);
  });
});

describe('Adam without synchronous reads', () => {
  it('Adam.step() reads nothing back from the backend (tf.split did: a whole copy per variable on WASM)', () => {
    const vars = [tf.variable(tf.ones([300, 40])), tf.variable(tf.ones([40])), tf.variable(tf.ones([40, 300]))];
    const grads = vars.map((v) => tf.onesLike(v));
    const opt = new Adam(vars, 0.01);
    const backend = tf.backend();
    const orig = backend.readSync.bind(backend);
    let reads = 0;
    backend.readSync = ((...a: Parameters<typeof orig>) => {
      reads++;
      return orig(...a);
    }) as typeof backend.readSync;
    try {
      for (let i = 0; i < 3; i++) opt.step(grads);
    } finally {
      backend.readSync = orig;
    }
    expect(reads).toBe(0);
    opt.dispose();
    tf.dispose([...vars, ...grads]);
  });
});
