/**
 * Image set files on disk (the format is src/core/data/imageset.ts: a JSON header beside one uint8
 * binary, N x H x W x C row-major): reading checks the header and the binary's size, each problem a
 * one-line DataError naming the file; writing checks the header before anything is written.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkImageSetData, makeImageSetHeader, parseImageSetHeader, type ImageSet, type ImageSetFields } from '../core/data/imageset';
import { CodecError } from '../core/errors';

/** Reads the header at `jsonPath` and the binary it names (beside it). */
export async function readImageSetFile(jsonPath: string): Promise<ImageSet> {
  let text: string;
  try {
    text = await fs.readFile(jsonPath, 'utf8');
  } catch {
    throw new CodecError('DataError', `imageset: ${jsonPath}: cannot read the file (does it exist?).`);
  }
  const header = parseImageSetHeader(text, path.basename(jsonPath));
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path.join(path.dirname(jsonPath), header.data));
  } catch {
    throw new CodecError('DataError', `imageset: ${header.data}: missing (named by ${path.basename(jsonPath)}).`);
  }
  return checkImageSetData(header, bytes);
}

/**
 * Writes `jsonPath` and its binary (`fields.data`, default `<json base name>.bin`, beside it);
 * `pixels` must hold count x height x width x channels bytes. Returns the header written.
 */
export async function writeImageSetFile(jsonPath: string, fields: Omit<ImageSetFields, 'data'> & { data?: string }, pixels: Uint8Array): Promise<ImageSet> {
  const data = fields.data ?? `${path.basename(jsonPath).replace(/\.json$/i, '')}.bin`;
  const set = checkImageSetData(makeImageSetHeader({ ...fields, data }, path.basename(jsonPath)), pixels);
  await fs.mkdir(path.dirname(jsonPath), { recursive: true });
  await fs.writeFile(path.join(path.dirname(jsonPath), data), pixels);
  await fs.writeFile(jsonPath, JSON.stringify(set.header));
  return set;
}
