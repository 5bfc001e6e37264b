/**
 * Shared tail of every attribution method: the forward pass at x (output probabilities, the
 * target class per image) and the per-layer reductions and completeness of a finished map.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import type { HookableModel } from '../model/runner';
import { eiReduce, netReduce } from './reductions';
import { plainError, symmetricError } from './completeness';
import type { LayerAttribution } from './result';
import { needsClass, type TargetSpec } from './targets';

/** The model output as (N, K), flattening any trailing axes. */
export function asMatrix(y: tf.Tensor): tf.Tensor2D {
  return (y.rank === 2 ? y : tf.reshape(y, [y.shape[0], -1])) as tf.Tensor2D;
}

export interface ForwardAtX {
  probs: Float32Array;
  numClasses: number;
  classIdx: Int32Array;
}

/** Forward pass at x: softmax probabilities and each image's target class (fixed along the path). */
export async function forwardAtX(exec: HookableModel, x: tf.Tensor, target: TargetSpec): Promise<ForwardAtX> {
  const b = x.shape[0];
  const [probsT, predT] = tf.tidy(() => {
    const z = asMatrix(exec.predict(x));
    return [tf.softmax(z), tf.argMax(z, 1)];
  });
  const numClasses = probsT.shape[1]!;
  // Asynchronous reads throughout: a synchronous one loses the WebGPU device in some browsers.
  const probs = (await probsT.data()) as Float32Array;
  const pred = (await predT.data()) as Int32Array;
  probsT.dispose();
  predT.dispose();
  let classIdx: Int32Array = Int32Array.from(pred);
  const given = givenClasses(target, b);
  if (given) {
    checkClassRange(given, numClasses);
    classIdx = given;
  } else if (!needsClass(target)) {
    classIdx = new Int32Array(b).fill(-1);
  }
  return { probs, numClasses, classIdx };
}

/**
 * The classes a class target names, one per image (checked against the batch: count, integers,
 * not negative), or null where none are given (the path then takes the class predicted at x, or
 * the target has no class).
 */
export function givenClasses(target: TargetSpec, b: number): Int32Array<ArrayBuffer> | null {
  if (!needsClass(target) || !('classIndex' in target) || target.classIndex === undefined) return null;
  const ci = target.classIndex;
  const k = Int32Array.from(typeof ci === 'number' ? Array(b).fill(ci) : ci);
  check(k.length === b, () => `attribution: target.classIndex has ${k.length} entries for ${b} images.`);
  for (const c of typeof ci === 'number' ? [ci] : ci) check(Number.isInteger(c) && c >= 0, () => `attribution: target class ${c} is out of range [0, K).`);
  return k;
}

/** Refuses a given class past the model's outputs. */
export function checkClassRange(k: Int32Array, numClasses: number): void {
  for (const c of k) check(c < numClasses, () => `attribution: target class ${c} is out of range [0, ${numClasses}).`);
}

/** Reductions and completeness of one layer's map M (B, ...shape); disposes nothing it is given. */
export async function finishLayer(
  name: string,
  m: tf.Tensor,
  actAtX: tf.Tensor,
  dF: Float32Array | null,
  isCut: boolean,
  keepMaps: boolean,
): Promise<LayerAttribution> {
  const b = m.shape[0];
  const shape = m.shape.slice(1);
  const channels = shape[shape.length - 1];
  const [net, ei, actNet, total, totalAbs] = tf.tidy(() => {
    const flat = tf.reshape(m, [b, -1]);
    return [netReduce(m), eiReduce(m), netReduce(actAtX), tf.sum(flat, 1), tf.sum(tf.abs(flat), 1)];
  });
  const out: LayerAttribution = {
    name,
    shape,
    channels,
    net: (await net.data()) as Float32Array,
    ei: (await ei.data()) as Float32Array,
    actNet: (await actNet.data()) as Float32Array,
    total: (await total.data()) as Float32Array,
    completeness: null,
  };
  const abs = await totalAbs.data();
  tf.dispose([net, ei, actNet, total, totalAbs]);
  if (keepMaps) {
    out.map = (await m.data()) as Float32Array;
    out.actMap = (await actAtX.data()) as Float32Array;
  }
  if (isCut && dF) setCompleteness(out, dF, abs);
  return out;
}

/**
 * finishLayer on host arrays (the WASM and CPU backends' conductance): the same reductions and
 * completeness in one JavaScript pass over M (B, ...shape) and the activation at x, with no
 * tensors. `m` and `act` are read, not kept, unless keepMaps (then copied).
 */
export function finishLayerHost(
  name: string,
  m: Float32Array,
  actAtX: Float32Array,
  b: number,
  shape: number[],
  dF: Float32Array | null,
  isCut: boolean,
  keepMaps: boolean,
): LayerAttribution {
  const channels = shape[shape.length - 1];
  const perImage = shape.reduce((p, d) => p * d, 1);
  const positions = perImage / channels;
  const net = new Float64Array(b * channels);
  const ei = new Float64Array(b * 2 * channels);
  const actNet = new Float64Array(b * channels);
  const total = new Float32Array(b);
  const abs = new Float64Array(b);
  for (let n = 0; n < b; n++) {
    let t = 0;
    let ta = 0;
    for (let p = 0; p < positions; p++) {
      const off = n * perImage + p * channels;
      for (let c = 0; c < channels; c++) {
        const v = m[off + c];
        net[n * channels + c] += v;
        ei[n * 2 * channels + (v < 0 ? c : channels + c)] += v;
        actNet[n * channels + c] += actAtX[off + c];
        t += v;
        ta += Math.abs(v);
      }
    }
    total[n] = t;
    abs[n] = ta;
  }
  const out: LayerAttribution = { name, shape, channels, net: Float32Array.from(net), ei: Float32Array.from(ei), actNet: Float32Array.from(actNet), total, completeness: null };
  if (keepMaps) {
    out.map = Float32Array.from(m);
    out.actMap = Float32Array.from(actAtX);
  }
  if (isCut && dF) setCompleteness(out, dF, abs);
  return out;
}

/** The plain error, the absolute gap and the symmetric measure (an extra) of a cut layer's sums against dF. */
function setCompleteness(out: LayerAttribution, dF: ArrayLike<number>, abs: ArrayLike<number>): void {
  out.completeness = Float32Array.from(out.total, (s, i) => plainError(s, dF[i]));
  out.completenessGap = Float32Array.from(out.total, (s, i) => Math.abs(s - dF[i]));
  out.completenessSymmetric = Float32Array.from(out.total, (s, i) => symmetricError(s, dF[i], abs[i]));
}
