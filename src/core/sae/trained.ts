/**
 * The trained model: plain weights (no tensors held between calls, so nothing to dispose and
 * nothing leaks), encode/decode on raw Float32Array rows, save to and load from plain data.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import { inference, type TensorWeights } from './arch';
import { ARCHS } from './kinds';
import type { SavedSae, SaeWeights, TrainedSae } from './types';

/** Rows per tensor chunk in encode/decode. */
const CHUNK = 2048;

function toTensors(weights: SaeWeights): TensorWeights {
  const out: TensorWeights = {};
  for (const [name, w] of Object.entries(weights)) out[name] = tf.tensor(w.data, w.shape, 'float32');
  return out;
}

type RowFn = (w: TensorWeights, rows: tf.Tensor2D) => tf.Tensor2D;

/**
 * `fn` on chunks of rows of `x` (n x inDim) with the weights as tensors: yields each chunk's first
 * row and its output, which is disposed when the consumer moves on (or stops).
 */
function* mapChunks(weights: SaeWeights, x: Float32Array, n: number, inDim: number, fn: RowFn): Generator<[number, tf.Tensor2D]> {
  const w = toTensors(weights);
  try {
    for (let r = 0; r < n; r += CHUNK) {
      const m = Math.min(CHUNK, n - r);
      const y = tf.tidy(() => fn(w, tf.tensor2d(x.subarray(r * inDim, (r + m) * inDim), [m, inDim])));
      try {
        yield [r, y];
      } finally {
        y.dispose();
      }
    }
  } finally {
    tf.dispose(w);
  }
}

/** mapChunks concatenated (n x outDim), read synchronously. */
function mapRows(weights: SaeWeights, x: Float32Array, n: number, inDim: number, outDim: number, fn: RowFn): Float32Array {
  const out = new Float32Array(n * outDim);
  for (const [r, y] of mapChunks(weights, x, n, inDim, fn)) out.set(y.dataSync(), r * outDim);
  return out;
}

/** mapRows with asynchronous reads (a synchronous read loses the WebGPU device in some browsers). */
async function mapRowsAsync(weights: SaeWeights, x: Float32Array, n: number, inDim: number, outDim: number, fn: RowFn): Promise<Float32Array> {
  const out = new Float32Array(n * outDim);
  for (const [r, y] of mapChunks(weights, x, n, inDim, fn)) out.set(await y.data(), r * outDim);
  return out;
}

/** Wraps saved plain data as a TrainedSae (no validation: see loadSae). */
export function makeTrainedSae(saved: SavedSae): TrainedSae {
  const { config, std, weights, summary } = saved;
  const { d, K } = config;
  const arch = ARCHS[config.kind];
  const encodeRows: RowFn = (w, rows) => arch.encode(w, rows.div(std), config, inference);
  const decodeRows: RowFn = (w, rows) => arch.decode(w, rows).mul(std);
  const checkRows = (where: string, name: string, v: Float32Array, n: number, dim: number) =>
    check(Number.isInteger(n) && n >= 0 && v.length === n * dim, () => `${where}: ${name} must hold n x ${dim} values with n = ${n}, but got ${v.length}.`);
  return {
    ...summary,
    config,
    d,
    K,
    std,
    atoms: weights.atoms.data,
    encode(x: Float32Array, n: number): Float32Array {
      checkRows('encode', 'x', x, n, d);
      return mapRows(weights, x, n, d, K, encodeRows);
    },
    decode(z: Float32Array, n: number): Float32Array {
      checkRows('decode', 'z', z, n, K);
      return mapRows(weights, z, n, K, d, decodeRows);
    },
    encodeAsync(x: Float32Array, n: number): Promise<Float32Array> {
      checkRows('encode', 'x', x, n, d);
      return mapRowsAsync(weights, x, n, d, K, encodeRows);
    },
    decodeAsync(z: Float32Array, n: number): Promise<Float32Array> {
      checkRows('decode', 'z', z, n, K);
      return mapRowsAsync(weights, z, n, K, d, decodeRows);
    },
    save(): SavedSae {
      return copySaved(saved);
    },
    dispose(): void {},
  };
}

/** A deep copy, so that the saved data and the model never share arrays. */
function copySaved(s: SavedSae): SavedSae {
  const weights: SaeWeights = {};
  for (const [name, w] of Object.entries(s.weights)) weights[name] = { data: w.data.slice(), shape: w.shape.slice() };
  const h = s.summary.history;
  const history = { trainLoss: h.trainLoss.slice(), valLoss: h.valLoss.slice(), lr: h.lr.slice() };
  const summary = { ...s.summary, aliveModes: s.summary.aliveModes.slice(), history };
  return { format: 'codec-sae', version: 1, config: { ...s.config }, std: s.std, weights, summary };
}

/** A TrainedSae from its saved form, after checking the format and every weight's shape. */
export function loadSae(saved: SavedSae): TrainedSae {
  check(saved?.format === 'codec-sae' && saved.version === 1, () => `loadSae: format must be codec-sae version 1, but got ${saved?.format} version ${saved?.version}.`);
  const { config } = saved;
  check(config.kind in ARCHS, () => `loadSae: kind must be one of ${Object.keys(ARCHS).join(', ')}, but got ${config.kind}.`);
  check(Number.isFinite(saved.std) && saved.std > 0, () => `loadSae: std must be a finite number > 0, but got ${saved.std}.`);
  // The expected names and shapes are those of a fresh initialisation of the same config.
  const want = ARCHS[config.kind].init(config, () => 0.5, new Float32Array(config.d));
  for (const [name, w] of Object.entries(want)) {
    const got = saved.weights[name];
    check(got !== undefined, () => `loadSae: weight ${name} is missing.`);
    const size = w.shape.reduce((a, b) => a * b, 1);
    check(
      got.shape.join(',') === w.shape.join(',') && got.data instanceof Float32Array && got.data.length === size,
      () => `loadSae: weight ${name} must be a Float32Array of shape [${w.shape}], but got shape [${got.shape}] with ${got.data?.length} values.`,
    );
  }
  return makeTrainedSae(copySaved(saved));
}
