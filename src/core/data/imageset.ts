/**
 * The image set file: a JSON header beside one uint8 binary of N x H x W x C pixels (row-major),
 * for sets too large for a folder of PNGs.
 *   {"format": "codec-imageset", "version": 1, "count", "height", "width", "channels",
 *    "data": "<file>.bin", "labels"?: [...], "classNames"?: [...], "names"?: [...]}
 */
import { CodecError, oneLine } from '../errors';

export interface ImageSetHeader {
  format: 'codec-imageset';
  version: 1;
  count: number;
  height: number;
  width: number;
  channels: number;
  data: string;
  labels?: number[];
  classNames?: string[];
  names?: string[];
  [k: string]: unknown;
}

export interface ImageSet {
  header: ImageSetHeader;
  pixels: Uint8Array;
}

function fail(file: string, msg: string): never {
  throw new CodecError('DataError', `imageset: ${file}: ${msg}`);
}

/** Parses and checks the JSON header (`file` names it in errors). */
export function parseImageSetHeader(text: string, file = 'imageset.json'): ImageSetHeader {
  let h: ImageSetHeader;
  try {
    h = JSON.parse(text) as ImageSetHeader;
  } catch (e) {
    fail(file, `not valid JSON (${oneLine((e as Error).message)}).`);
  }
  if (h?.format !== 'codec-imageset') fail(file, `format must be "codec-imageset", but got ${JSON.stringify(h?.format)}.`);
  if (h.version !== 1) fail(file, `unsupported version ${JSON.stringify(h.version)} (expected 1).`);
  for (const k of ['count', 'height', 'width', 'channels'] as const) {
    if (!Number.isInteger(h[k]) || h[k] <= 0) fail(file, `${k} must be a positive integer, but got ${JSON.stringify(h[k])}.`);
  }
  if (h.channels !== 1 && h.channels !== 3) fail(file, `channels must be 1 or 3, but got ${h.channels}.`);
  if (h.count * h.height * h.width * h.channels > 2 ** 31) fail(file, `declares ${h.count} images of ${h.height}x${h.width}x${h.channels}: over 2 GiB.`);
  if (typeof h.data !== 'string' || h.data.includes('..') || h.data.startsWith('/')) fail(file, `data must name a file beside the header, but got ${JSON.stringify(h.data)}.`);
  if (h.labels !== undefined && (!Array.isArray(h.labels) || h.labels.length !== h.count || h.labels.some((l) => !Number.isInteger(l) || l < 0))) fail(file, `labels must be ${h.count} non-negative integers.`);
  if (h.names !== undefined && (!Array.isArray(h.names) || h.names.length !== h.count)) fail(file, `names must have ${h.count} entries.`);
  if (h.classNames !== undefined) {
    if (!Array.isArray(h.classNames) || h.classNames.some((c) => typeof c !== 'string')) fail(file, 'classNames must be an array of strings.');
    const top = (h.labels ?? []).reduce((m, l) => Math.max(m, l), -1);
    if (top >= h.classNames.length) fail(file, `label ${top} has no class name (${h.classNames.length} classNames).`);
  }
  return h;
}

/** The fields of a header a writer supplies (format and version are added). */
export type ImageSetFields = Omit<ImageSetHeader, 'format' | 'version'>;

/** A checked header for `fields` (the same checks as parseImageSetHeader), for writers. */
export function makeImageSetHeader(fields: ImageSetFields, file = 'imageset.json'): ImageSetHeader {
  return parseImageSetHeader(JSON.stringify({ format: 'codec-imageset', version: 1, ...fields }), file);
}

/** Pairs a parsed header with its binary, checking the byte count (count x height x width x channels). */
export function checkImageSetData(h: ImageSetHeader, pixels: Uint8Array, file = h.data): ImageSet {
  const need = h.count * h.height * h.width * h.channels;
  if (pixels.length !== need) fail(file, `${pixels.length} bytes, expected ${need} (${h.count} x ${h.height} x ${h.width} x ${h.channels}).`);
  return { header: h, pixels };
}
