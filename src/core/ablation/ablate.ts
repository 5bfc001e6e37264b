/**
 * Ablation of a layer's channels: zero them at every position (destroy) or zero all others
 * (preserve), and read the model's output before and after. `AblationSession` keeps the forward
 * pass up to the layer (its frontier), so each ablation re-runs only the network after it.
 */
import * as tf from '@tensorflow/tfjs';
import { asMatrix } from '../attribution/finish';
import { check } from '../errors';
import { disposeFrontier, type Frontier, type HookableModel } from '../model/runner';
import { channelMask, topChannels, type AblationKind } from './channels';

export interface AblationOutputs {
  /** Softmax outputs before (B x K) and after (B x K). */
  before: Float32Array;
  after: Float32Array;
  /** Raw outputs (logits) after. */
  afterLogits: Float32Array;
  numClasses: number;
  channels: number[];
  fraction: number;
}

export class AblationSession {
  private frontier: Frontier;
  /** Softmax before ablation, on the GPU/WASM side until read (sync or async, once). */
  private beforeT: tf.Tensor | null;
  private beforeRead: Float32Array | null = null;
  readonly channels: number;
  /** Positions per channel at the layer (the product of its spatial dims; 1 for a dense layer). */
  readonly positions: number;
  readonly numClasses: number;
  readonly batch: number;

  /** Runs x up to `layer` once. Top-level layers only. Dispose when done. */
  constructor(
    private readonly exec: HookableModel,
    x: tf.Tensor,
    readonly layer: string,
  ) {
    const info = exec.layer(layer);
    check(!info.nested, () => `AblationSession: ${layer} is inside a nested model; ablate its enclosing model's layers.`);
    this.channels = info.outputShape[info.outputShape.length - 1];
    this.positions = info.outputShape.slice(0, -1).reduce((a, b) => a * b, 1);
    this.batch = x.shape[0];
    this.frontier = exec.forwardTo(x, layer);
    this.beforeT = tf.tidy(() => tf.softmax(asMatrix(exec.runFrom(this.frontier).outputs[0])));
    this.numClasses = this.beforeT.shape[1]!;
  }

  private get beforeProbs(): Float32Array {
    if (!this.beforeRead) {
      this.beforeRead = this.beforeT!.dataSync() as Float32Array;
      this.dropBefore();
    }
    return this.beforeRead;
  }

  private dropBefore(): void {
    this.beforeT?.dispose();
    this.beforeT = null;
  }

  /** The outputs before ablation, read asynchronously (for WebGPU, where a synchronous read can lose the device). */
  async beforeAsync(): Promise<Float32Array> {
    if (!this.beforeRead) {
      const t = this.beforeT!;
      this.beforeRead = (await t.data()) as Float32Array;
      if (this.beforeT === t) this.dropBefore();
    }
    return this.beforeRead;
  }

  /**
   * Probabilities and logits (tensors, the caller disposes) with the channel mask (C) applied at
   * the layer, then `add` (C, broadcast over positions) added to it when given (steering).
   */
  private masked(mask: Float32Array, add?: Float32Array): [tf.Tensor, tf.Tensor] {
    check(mask.length === this.channels, () => `AblationSession: mask has ${mask.length} entries, the layer ${this.layer} has ${this.channels} channels.`);
    check(!add || add.length === this.channels, () => `AblationSession: the added direction has ${add!.length} entries, the layer ${this.layer} has ${this.channels} channels.`);
    return tf.tidy(() => {
      const m = tf.tensor1d(mask);
      const probes = add ? new Map([[this.layer, tf.tensor1d(add)]]) : undefined;
      const zz = asMatrix(this.exec.runFrom(this.frontier, { masks: new Map([[this.layer, m]]), probes }).outputs[0]);
      return [tf.softmax(zz), zz];
    });
  }

  /** Outputs with the channel mask (C) applied at the layer. */
  withMask(mask: Float32Array, add?: Float32Array): { probs: Float32Array; logits: Float32Array } {
    const [p, z] = this.masked(mask, add);
    try {
      return { probs: p.dataSync() as Float32Array, logits: z.dataSync() as Float32Array };
    } finally {
      tf.dispose([p, z]);
    }
  }

  /** withMask with asynchronous reads (for WebGPU, where a synchronous read can lose the device). */
  async withMaskAsync(mask: Float32Array, add?: Float32Array): Promise<{ probs: Float32Array; logits: Float32Array }> {
    const [p, z] = this.masked(mask, add);
    try {
      return { probs: (await p.data()) as Float32Array, logits: (await z.data()) as Float32Array };
    } finally {
      tf.dispose([p, z]);
    }
  }

  /** Ablates the top pct% channels by `scores` (a mode's atom over channels). */
  ablate(scores: Float32Array, pct: number, kind: AblationKind): AblationOutputs {
    const top = topChannels(scores, pct);
    const r = this.withMask(channelMask(this.channels, top.channels, kind));
    return { before: this.beforeProbs, after: r.probs, afterLogits: r.logits, numClasses: this.numClasses, channels: top.channels, fraction: top.fraction };
  }

  get before(): Float32Array {
    return this.beforeProbs;
  }

  dispose(): void {
    disposeFrontier(this.frontier);
    this.dropBefore();
  }
}
