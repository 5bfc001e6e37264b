/**
 * The preprocessing check before an analysis: one loaded image as the model sees it under a
 * preprocessing (a preset or the user's fields), and the model's top classes on it, so a wrong
 * preset shows at once (a flat or saturated picture, BGR colours, a confident wrong class).
 *
 * The loaded images are model inputs under the preprocessing they were loaded with; the pixels
 * come back exactly by the inverse mapping (they were whole 0..255 values), and are mapped again
 * with the asked value mapping (scale, offset, mean, std, channel order) at the loaded size.
 * The picture shows the model's input channels as R, G, B, stretched by one min..max over all
 * channels (so mean subtraction and BGR order stay visible); `range` gives the values themselves.
 */
import * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../core/bundle/manifest';
import { inputsToPixels } from '../core/image/denormalise';
import { matchPreset, type PresetName } from '../core/image/presets';
import { toModelInput } from '../core/image/preprocess';
import type { InputSet } from '../core/pipeline/imageBatch';
import type { HookableModel } from '../core/model/runner';
import type { LogitsInfo } from '../core/model/logits';

export interface PreviewResult {
  index: number;
  name: string;
  /** The model input as display RGBA (height x width), channels as R, G, B, one min-max stretch. */
  rgba: Uint8Array;
  height: number;
  width: number;
  /** Smallest and largest input value, and the mean of each input channel. */
  range: [number, number];
  channelMeans: number[];
  /** The preprocessing used, and the preset it is (null: custom). */
  preprocessing: Preprocessing;
  preset: PresetName | null;
  /** Whether it differs from the one the images were loaded with (they must be loaded again to use it). */
  differsFromLoaded: boolean;
  /** The model's top classes (at most 3) by softmax of the logits, and which tensor the logits are. */
  top: { classIndex: number; name: string | null; prob: number }[];
  logits: LogitsInfo | null;
}

export interface PreviewSource {
  exec: HookableModel;
  classNames: string[] | null;
  set: InputSet;
  /** The preprocessing the set was loaded with. */
  loaded: Preprocessing;
}

function fail(msg: string): never {
  throw Object.assign(new Error(msg), { name: 'InputError' });
}

const sameMapping = (a: Preprocessing, b: Preprocessing) =>
  a.scale === b.scale && a.offset === b.offset && a.mean.join() === b.mean.join() && a.std.join() === b.std.join() && (a.channelOrder ?? 'rgb') === (b.channelOrder ?? 'rgb');

/** Image `index` of the loaded set under the value mapping of `asked` (at the loaded size), and the model's top 3. */
export async function previewImage(src: PreviewSource, index: number, asked: Preprocessing): Promise<PreviewResult> {
  const { set, loaded } = src;
  if (!(Number.isInteger(index) && index >= 0 && index < set.n)) fail(`preview: image index ${index} is out of range [0, ${set.n}).`);
  if (asked.channels !== loaded.channels) fail(`preview: the images were loaded with ${loaded.channels} channel(s), but the preprocessing has ${asked.channels}; load the images again.`);
  const p: Preprocessing = { ...asked, height: loaded.height, width: loaded.width };
  const per = loaded.height * loaded.width * loaded.channels;
  const pixels = inputsToPixels(set.data.subarray(index * per, (index + 1) * per), loaded);
  const x = toModelInput({ data: pixels, width: p.width, height: p.height, channels: p.channels }, p);
  const [probsT] = tf.tidy(() => {
    const z = src.exec.predict(tf.tensor4d(x, [1, p.height, p.width, p.channels]));
    return [tf.softmax(tf.reshape(z, [1, -1]))];
  });
  const probs = (await probsT.data()) as Float32Array;
  probsT.dispose();
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
  const top = order.slice(0, 3).map((k) => ({ classIndex: k, name: src.classNames?.[k] ?? null, prob: probs[k] }));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const c = p.channels;
  const channelMeans = Array.from({ length: c }, (_, k) => {
    let s = 0;
    for (let i = k; i < x.length; i += c) s += x[i];
    return s / (x.length / c);
  });
  const span = hi > lo ? hi - lo : 1;
  const n = p.height * p.width;
  const rgba = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < 3; d++) rgba[4 * i + d] = Math.round((255 * (x[i * c + (c === 1 ? 0 : d)] - lo)) / span);
    rgba[4 * i + 3] = 255;
  }
  return {
    index,
    name: set.names[index] ?? `image ${index}`,
    rgba,
    height: p.height,
    width: p.width,
    range: [lo, hi],
    channelMeans,
    preprocessing: p,
    preset: matchPreset(p),
    differsFromLoaded: !sameMapping(p, loaded),
    top,
    logits: src.exec.logits ?? null,
  };
}
