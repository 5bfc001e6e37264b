/** An image set already in the model's input space: N x H x W x C float32, row-major. */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';

export interface InputSet {
  data: Float32Array;
  n: number;
  height: number;
  width: number;
  channels: number;
  /** File names or ids, in order. */
  names: string[];
  labels?: number[];
}

export function checkInputSet(s: InputSet, inputShape: number[]): void {
  check(s.n > 0, () => `analyze: the image set is empty (0 images).`, 'InputError');
  check(s.data.length === s.n * s.height * s.width * s.channels, () => `analyze: image data has ${s.data.length} values, expected ${s.n}x${s.height}x${s.width}x${s.channels}.`);
  const [h, w, c] = inputShape;
  check(
    (h === -1 || h === s.height) && (w === -1 || w === s.width) && (c === -1 || c === s.channels),
    () => `analyze: images are ${s.height}x${s.width}x${s.channels} but the model expects ${inputShape.join('x')}.`,
  );
  check(s.names.length === s.n, () => `analyze: ${s.names.length} names for ${s.n} images.`);
  if (s.labels) check(s.labels.length === s.n, () => `analyze: ${s.labels!.length} labels for ${s.n} images.`);
}

/** Images [start, end) as a tensor (caller disposes). */
export function batchTensor(s: InputSet, start: number, end: number): tf.Tensor4D {
  const per = s.height * s.width * s.channels;
  return tf.tensor4d(s.data.subarray(start * per, end * per), [end - start, s.height, s.width, s.channels]);
}
