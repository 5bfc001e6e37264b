/** Files as the worker API takes them (FileEntry), for the Node tests of the worker. */
import type { FileEntry } from '../../src/worker/api';

export const fileEntry = (name: string, data: Uint8Array | string): FileEntry => ({ file: new File([data as BlobPart], name), path: name });

/** Every file of a name -> bytes map (a saved model) as entries. */
export const fileEntries = (files: Map<string, Uint8Array>): FileEntry[] => [...files].map(([k, v]) => fileEntry(k, v));

/** A codec-imageset of n 6x6x1 images (pixels from a seeded LCG), labels i % 3, classes x, y, z. */
export function imageSetEntries(n: number, seed: number): FileEntry[] {
  const px = new Uint8Array(n * 36);
  let a = seed;
  for (let i = 0; i < px.length; i++) px[i] = (a = (a * 1103515245 + 12345) % 2 ** 31) % 256;
  const header = { format: 'codec-imageset', version: 1, count: n, height: 6, width: 6, channels: 1, data: 'set.bin', labels: Array.from({ length: n }, (_, i) => i % 3), classNames: ['x', 'y', 'z'] };
  return [fileEntry('set.json', JSON.stringify(header)), fileEntry('set.bin', px)];
}
