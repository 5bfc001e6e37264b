/** The analysis on screen with its images' pixels (model input space), and reading them back per image. */
import * as tf from '@tensorflow/tfjs';
import type { Analysis } from './analysis';
import type { Preprocessing } from './api';
import { fail } from './fail';
import type { BundleFiles } from './bundleFiles';
import { fetchImageSet, indicesOf, pickPixels, pixelsToInputs } from './imageSet';
import type { LoadedWorkerModel } from './model';

/** Where the current analysis' images come from, in model input space. */
export type Inputs = { kind: 'set'; data: Float32Array; p: Preprocessing } | { kind: 'pixels'; u8: Uint8Array; h: number; w: number; c: number; p: Preprocessing } | null;

/** What the analysis slot holds (Session.current). */
export type Current = { analysis: Analysis; inputs: Inputs; model: LoadedWorkerModel | null; modelFiles: Map<string, Uint8Array> | null };

/** The image in model input space (H, W, C). */
export function inputOf(c: Current | null, index: number): { x: Float32Array; p: Preprocessing } {
  if (!c || !c.inputs) fail('this analysis has no image pixels (the bundle holds no inputs and no image set is loaded).');
  const n = c.analysis.count;
  if (!(Number.isInteger(index) && index >= 0 && index < n)) fail(`image index ${index} is out of range [0, ${n}).`);
  const p = c.inputs.p;
  const per = p.height * p.width * p.channels;
  if (c.inputs.kind === 'set') return { x: c.inputs.data.subarray(index * per, (index + 1) * per), p };
  const { u8, h, w, c: ch } = c.inputs;
  return { x: pixelsToInputs(u8.subarray(index * h * w * ch, (index + 1) * h * w * ch), 1, h, w, ch, p), p };
}

/** Input tensor of the images `idx` (model input space). */
export function batchOf(cur: Current | null, idx: number[]): tf.Tensor4D {
  const first = inputOf(cur, idx[0] ?? 0);
  const { height: h, width: w, channels: c } = first.p;
  const per = h * w * c;
  const data = new Float32Array(idx.length * per);
  idx.forEach((i, j) => data.set(inputOf(cur, i).x, j * per));
  return tf.tensor4d(data, [idx.length, h, w, c]);
}

/** A bundle's pixels (model input space via its preprocessing): inside it, or in the image set it names (null: none reachable). */
export async function bundleInputs(bundle: BundleFiles, baseUrl: string | null): Promise<Inputs> {
  const man = bundle.manifest;
  let inputs: Inputs = null;
  if (man.inputs) {
    const [, h, w, c] = man.inputs.shape;
    inputs = { kind: 'pixels', u8: bundle.array(man.inputs) as Uint8Array, h, w, c, p: man.preprocessing };
  } else if (man.imagesSource && baseUrl) {
    try {
      const set = await fetchImageSet(new URL(man.imagesSource, baseUrl).href);
      const { height: h, width: w, channels: c } = set.header;
      inputs = { kind: 'pixels', u8: pickPixels(set, indicesOf(set, man.images)), h, w, c, p: man.preprocessing };
    } catch {
      /* browsing works without pixels; heatmaps will say so */
    }
  }
  return inputs;
}
