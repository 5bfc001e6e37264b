/**
 * Typed arrays <-> the little-endian, row-major bytes of a bundle dtype, as
 * `numpy.fromfile(file, dtype='<f4' | '<f2' | '<i4' | '<u1' | '<u2').reshape(shape)` reads them.
 * The byte length is always checked against product(shape) * dtype size; errors name the file.
 */
import { CodecError } from '../errors';
import { decodeHalf, encodeHalf } from './float16';
import type { DType } from './manifest';

export const DTYPE_BYTES: Record<DType, number> = { float32: 4, float16: 2, int32: 4, uint8: 1, uint16: 2 };

export type NumArray = Float32Array | Int32Array | Uint8Array | Uint16Array;

/** Integer ranges of the integer dtypes (values outside are refused, not wrapped). */
const INT_RANGE: Partial<Record<DType, [number, number]>> = { int32: [-(2 ** 31), 2 ** 31 - 1], uint8: [0, 255], uint16: [0, 65535] };

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function fail(file: string, msg: string): never {
  throw new CodecError('BundleError', `bundle: ${file}: ${msg}`);
}

export function elementCount(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function checkShape(shape: number[], file: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) fail(file, `shape must be a list of integers >= 0, but got ${JSON.stringify(shape)}.`);
}

function checkDtype(dtype: DType, file: string): void {
  if (!Object.hasOwn(DTYPE_BYTES, dtype)) fail(file, `unknown dtype ${JSON.stringify(dtype)} (expected one of ${Object.keys(DTYPE_BYTES).join(', ')}).`);
}

export interface EncodeOptions {
  /** When given, the number of values must equal its product. */
  shape?: number[];
  /** Names the array in errors (default 'array'). */
  file?: string;
}

/**
 * The bytes of `a` stored as `dtype` (a new buffer). float16 rounds to nearest even (|v| >= 65520
 * becomes Inf); integer dtypes refuse non-integers and values out of range instead of wrapping.
 */
export function encodeArray(a: ArrayLike<number>, dtype: DType, { shape, file = 'array' }: EncodeOptions = {}): Uint8Array {
  if (!LITTLE) fail(file, 'big-endian machines are not supported.');
  checkDtype(dtype, file);
  if (shape) {
    checkShape(shape, file);
    if (a.length !== elementCount(shape)) fail(file, `${a.length} values, but shape [${shape}] needs ${elementCount(shape)}.`);
  }
  const range = INT_RANGE[dtype];
  if (range && !(a instanceof Uint8Array && dtype === 'uint8') && !(a instanceof Int32Array && dtype === 'int32') && !(a instanceof Uint16Array && dtype === 'uint16')) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) fail(file, `value ${v} at index ${i} does not fit ${dtype} (integers ${range[0]}..${range[1]}).`);
    }
  }
  let typed: NumArray;
  switch (dtype) {
    case 'float32':
      typed = Float32Array.from(a);
      break;
    case 'float16':
      typed = encodeHalf(a);
      break;
    case 'int32':
      typed = Int32Array.from(a);
      break;
    case 'uint8':
      typed = Uint8Array.from(a);
      break;
    case 'uint16':
      typed = Uint16Array.from(a);
      break;
  }
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/**
 * The array in `bytes` (copied, so it is aligned and owned; float16 decoded to float32). Its
 * byte length must be product(shape) * dtype size.
 */
export function decodeArray(bytes: Uint8Array, dtype: DType, shape: number[], file: string): NumArray {
  if (!LITTLE) fail(file, 'big-endian machines are not supported.');
  checkDtype(dtype, file);
  checkShape(shape, file);
  const size = DTYPE_BYTES[dtype];
  const n = elementCount(shape);
  if (bytes.length !== n * size) fail(file, `${bytes.length} bytes, but shape [${shape}] of ${dtype} needs ${n * size}.`);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf);
    case 'float16':
      return decodeHalf(new Uint16Array(buf));
    case 'int32':
      return new Int32Array(buf);
    case 'uint8':
      return new Uint8Array(buf);
    case 'uint16':
      return new Uint16Array(buf);
  }
}
