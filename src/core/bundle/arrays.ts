/** Typed arrays <-> little-endian bytes of a bundle dtype, checked against the declared shape. */
import { CodecError } from '../errors';
import type { DType } from './manifest';
import { decodeHalf, encodeHalf } from './float16';

export const DTYPE_BYTES: Record<DType, number> = { float32: 4, float16: 2, int32: 4, uint8: 1, uint16: 2 };

export type NumArray = Float32Array | Int32Array | Uint8Array | Uint16Array;

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function elementCount(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Bytes of `a` stored as `dtype` (float16 is converted from numbers). */
export function encodeArray(a: ArrayLike<number>, dtype: DType): Uint8Array {
  if (!LITTLE) throw new CodecError('BundleError', 'bundle: big-endian machines are not supported.');
  let typed: NumArray;
  switch (dtype) {
    case 'float32':
      typed = a instanceof Float32Array ? a : Float32Array.from(a);
      break;
    case 'float16':
      typed = encodeHalf(a);
      break;
    case 'int32':
      typed = a instanceof Int32Array ? a : Int32Array.from(a);
      break;
    case 'uint8':
      typed = a instanceof Uint8Array ? a : Uint8Array.from(a);
      break;
    case 'uint16':
      typed = a instanceof Uint16Array ? a : Uint16Array.from(a);
      break;
  }
  return new Uint8Array(typed.buffer.slice(typed.byteOffset, typed.byteOffset + typed.byteLength));
}

/** The array in `bytes` (float16 decoded to float32); its length must match the shape. */
export function decodeArray(bytes: Uint8Array, dtype: DType, shape: number[], file: string): NumArray {
  const size = DTYPE_BYTES[dtype];
  if (size === undefined) throw new CodecError('BundleError', `bundle: ${file}: unknown dtype ${dtype}.`);
  const n = elementCount(shape);
  if (bytes.length !== n * size) throw new CodecError('BundleError', `bundle: ${file}: ${bytes.length} bytes, but shape [${shape}] of ${dtype} needs ${n * size}.`);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
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
