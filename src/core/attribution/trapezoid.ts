/**
 * The trapezoid sum of conductance over alpha points that arrive in chunks:
 *   C = sum_{i=1..S} 1/2 (g_{i-1} + g_i) * (a_i - a_{i-1}),
 * with rows a_i, g_i of N values each (B images x the layer's size), alpha-first. The rows may
 * arrive in descending alpha (from x down to the baseline, as conductance runs them so that its
 * first pass gives the output at x): each pair's product then has the opposite sign, and the
 * activation at x is the first row instead of the last.
 *
 * Where tensors live in host memory (the WASM and CPU backends) the rows are read and summed in
 * JavaScript, one pass, in float64: as tensor ops the sum took two slices of each of A and G, a
 * subtraction, an addition, a product and a reduction per layer and chunk (on WASM the slices
 * alone were about a sixth of a 5-layer conductance run of the demo CNN, tf.profile). On a GPU
 * backend the sum stays in tensor ops, so nothing is read back until the end.
 */
import * as tf from '@tensorflow/tfjs';
import { heapView } from '../util/wasmHeap';
import { finishLayer, finishLayerHost } from './finish';
import type { LayerAttribution } from './result';

/** Row order along the path: ascending alpha (baseline first) or descending (x first). */
export type PathOrder = 'ascending' | 'descending';

export interface Trapezoid {
  /** Adds the next n rows (tensors of n*N values, in the path order); does not dispose them. */
  add(a: tf.Tensor, g: tf.Tensor, n: number): Promise<void>;
  /** The layer's attribution from the sum (B x shape) and the activations of the row at x. */
  finish(name: string, b: number, shape: number[], dF: Float32Array | null, isCut: boolean, keepMaps: boolean): Promise<LayerAttribution>;
  dispose(): void;
}

/** True where tensor data lives in host memory, so reading it is a copy and not a device transfer. */
export function hostMemoryBackend(): boolean {
  const b = tf.getBackend();
  return b === 'wasm' || b === 'cpu';
}

export function makeTrapezoid(N: number, host?: boolean, order: PathOrder = 'ascending'): Trapezoid {
  return (host ?? hostMemoryBackend()) ? new HostTrapezoid(N, order) : new TensorTrapezoid(N, order);
}

/** The factor on the summed pair products: 1/2, negated when the rows come in descending alpha. */
const scaleFor = (order: PathOrder) => (order === 'descending' ? -0.5 : 0.5);

class HostTrapezoid implements Trapezoid {
  private readonly acc: Float64Array;
  private prevA: Float32Array | null = null;
  private prevG: Float32Array | null = null;
  /** The first row's activations (at x when descending). */
  private firstA: Float32Array | null = null;
  constructor(
    private readonly N: number,
    private readonly order: PathOrder,
  ) {
    this.acc = new Float64Array(N);
  }

  async add(a: tf.Tensor, g: tf.Tensor, n: number): Promise<void> {
    const N = this.N;
    // On WASM: views on the heap, read below without an await (nothing can allocate meanwhile).
    const va = heapView(a);
    const vg = heapView(g);
    const [A, G] = va && vg ? [va, vg] : [(await a.data()) as Float32Array, (await g.data()) as Float32Array];
    const acc = this.acc;
    // Per value j, the chunk's rows in turn (running values in registers, one write of acc[j]):
    // 1.6x faster than a pass over all j per row pair, which reads and writes acc once per row.
    const PA = this.prevA ?? A;
    const PG = this.prevG ?? G;
    const from = this.prevA ? 0 : N;
    const to = n * N;
    for (let j = 0; j < N; j++) {
      let pa = PA[j];
      let pg = PG[j];
      let s = 0;
      for (let off = from + j; off < to; off += N) {
        const av = A[off];
        const gv = G[off];
        s += (pg + gv) * (av - pa);
        pa = av;
        pg = gv;
      }
      acc[j] += s;
    }
    const pOff = (n - 1) * N;
    if (this.order === 'descending' && !this.firstA) this.firstA = A.slice(0, N);
    this.prevA = A.slice(pOff, pOff + N);
    this.prevG = G.slice(pOff, pOff + N);
  }

  async finish(name: string, b: number, shape: number[], dF: Float32Array | null, isCut: boolean, keepMaps: boolean): Promise<LayerAttribution> {
    const sum = new Float32Array(this.N);
    const k = scaleFor(this.order);
    for (let j = 0; j < this.N; j++) sum[j] = k * this.acc[j];
    const atX = this.order === 'descending' ? this.firstA : this.prevA;
    return finishLayerHost(name, sum, atX ?? new Float32Array(this.N), b, shape, dF, isCut, keepMaps);
  }

  dispose(): void {
    this.prevA = null;
    this.prevG = null;
    this.firstA = null;
  }
}

class TensorTrapezoid implements Trapezoid {
  private acc: tf.Tensor;
  private prevA: tf.Tensor | null = null;
  private prevG: tf.Tensor | null = null;
  private firstA: tf.Tensor | null = null;
  constructor(
    N: number,
    private readonly order: PathOrder,
  ) {
    this.acc = tf.zeros([N]);
  }

  async add(a: tf.Tensor, g: tf.Tensor, n: number): Promise<void> {
    const [acc, lastA, lastG] = tf.tidy(() => {
      // Rows are alpha points: (n, N). Prepend the previous chunk's last point.
      const A = this.prevA ? tf.concat([this.prevA, tf.reshape(a, [n, -1])], 0) : tf.reshape(a, [n, -1]);
      const G = this.prevG ? tf.concat([this.prevG, tf.reshape(g, [n, -1])], 0) : tf.reshape(g, [n, -1]);
      const rows = A.shape[0];
      let acc = this.acc;
      if (rows >= 2) {
        const dA = tf.sub(A.slice([1, 0], [rows - 1, -1]), A.slice([0, 0], [rows - 1, -1]));
        const gSum = tf.add(G.slice([1, 0], [rows - 1, -1]), G.slice([0, 0], [rows - 1, -1]));
        acc = tf.add(acc, tf.sum(tf.mul(gSum, dA), 0));
      }
      return [acc, A.slice([rows - 1, 0], [1, -1]), G.slice([rows - 1, 0], [1, -1])];
    });
    if (this.order === 'descending' && !this.firstA) this.firstA = tf.tidy(() => tf.reshape(a, [n, -1]).slice([0, 0], [1, -1]));
    if (acc !== this.acc) this.acc.dispose();
    this.acc = acc;
    tf.dispose([this.prevA, this.prevG].filter((t): t is tf.Tensor => t !== null));
    this.prevA = lastA;
    this.prevG = lastG;
  }

  async finish(name: string, b: number, shape: number[], dF: Float32Array | null, isCut: boolean, keepMaps: boolean): Promise<LayerAttribution> {
    const atX = this.order === 'descending' ? this.firstA : this.prevA;
    const [m, act] = tf.tidy(() => [tf.reshape(tf.mul(scaleFor(this.order), this.acc), [b, ...shape]), atX ? tf.reshape(atX, [b, ...shape]) : tf.zeros([b, ...shape])]);
    try {
      return await finishLayer(name, m, act, dF, isCut, keepMaps);
    } finally {
      tf.dispose([m, act]);
    }
  }

  dispose(): void {
    tf.dispose([this.acc, this.prevA, this.prevG, this.firstA].filter((t): t is tf.Tensor => t !== null));
    this.prevA = null;
    this.prevG = null;
    this.firstA = null;
  }
}
