/**
 * The IDX format of (Fashion-)MNIST: a big-endian header (magic 2051 for images with count, rows,
 * cols; 2049 for labels with count) followed by uint8 data. Parsing checks the magic, the counts
 * and the sizes, and names the file in a one-line DataError.
 */
import { CodecError } from '../errors';

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  data: Uint8Array; // count x rows x cols
}

function fail(file: string, msg: string): never {
  throw new CodecError('DataError', `idx: ${file}: ${msg}`);
}

function u32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

export function parseIdxImages(bytes: Uint8Array, file = 'images'): IdxImages {
  if (bytes.length < 16) fail(file, `truncated header (${bytes.length} bytes, expected at least 16).`);
  const magic = u32(bytes, 0);
  if (magic !== 2051) fail(file, `wrong magic number ${magic} (expected 2051 for an image file).`);
  const count = u32(bytes, 4);
  const rows = u32(bytes, 8);
  const cols = u32(bytes, 12);
  const need = 16 + count * rows * cols;
  if (bytes.length !== need) fail(file, `${bytes.length} bytes, expected ${need} for ${count} images of ${rows}x${cols} (truncated or corrupt).`);
  return { count, rows, cols, data: bytes.subarray(16) };
}

export function parseIdxLabels(bytes: Uint8Array, file = 'labels'): Uint8Array {
  if (bytes.length < 8) fail(file, `truncated header (${bytes.length} bytes, expected at least 8).`);
  const magic = u32(bytes, 0);
  if (magic !== 2049) fail(file, `wrong magic number ${magic} (expected 2049 for a label file).`);
  const count = u32(bytes, 4);
  if (bytes.length !== 8 + count) fail(file, `${bytes.length} bytes, expected ${8 + count} for ${count} labels (truncated or corrupt).`);
  return bytes.subarray(8);
}
