/**
 * Image set cases: the demo image set's header and binary through readImageSetFile (the CLI: cut,
 * flipped, nested, wrong sizes and fields), then a small header of its own with its binary through
 * parseImageSetHeader and checkImageSetData (the worker), from the former tests/hostileInputs.test.ts.
 */
import { concat, dec, enc, flip, nested, truncate } from './mutations';
import type { FuzzCase, FuzzSources } from './types';

/** Through readImageSetFile (the CLI). */
export function imagesetCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const J = 'test2000.json';
  const B = 'test2000.bin';
  const add = (id: string, json: Uint8Array | string, bin: Uint8Array | null, names: string, expect: FuzzCase['expect'] = 'error', binName = B) => {
    const files = new Map<string, Uint8Array>([[J, typeof json === 'string' ? enc(json) : json]]);
    if (bin) files.set(binName, bin);
    out.push({ id: `imageset/${id}`, target: 'imageset', entry: J, files, names, expect });
  };
  const h = () => JSON.parse(dec(src.imagesetJson)) as Record<string, unknown>;
  const edit = (id: string, f: (x: Record<string, unknown>) => void, names: string, expect: FuzzCase['expect'] = 'error') => {
    const x = h();
    f(x);
    add(id, JSON.stringify(x), src.imagesetBin, names, expect);
  };
  const L = src.imagesetJson.length;
  for (const n of [0, 1, 30, Math.floor(L / 2), L - 1]) add(`json-truncated-${n}`, truncate(src.imagesetJson, n), src.imagesetBin, J);
  for (let k = 0; k < 4; k++) add(`json-flip-${k}`, flip(src.imagesetJson, [Math.floor(r() * 200)]), src.imagesetBin, J, 'any');
  add('json-nested', nested(100_000), src.imagesetBin, J);
  const bin = src.imagesetBin;
  for (const n of [0, 1, 784, bin.length - 1]) add(`bin-truncated-${n}`, src.imagesetJson, truncate(bin, n), B);
  add('bin-padded', src.imagesetJson, concat(bin, new Uint8Array(1)), B);
  add('bin-missing', src.imagesetJson, null, B);
  add('bin-wrong-name', src.imagesetJson, bin, B, 'error', 'test2000.png');
  edit('count-huge', (x) => (x.count = 1e12), J);
  edit('dims-huge', (x) => ((x.width = 100000), (x.height = 100000)), J);
  edit('channels-5', (x) => (x.channels = 5), J);
  edit('labels-short', (x) => (x.labels = (x.labels as number[]).slice(1)), J);
  edit('version-9', (x) => (x.version = 9), J);
  edit('data-escapes', (x) => (x.data = '../../etc/passwd'), J);
  edit('format-wrong', (x) => (x.format = 'idx'), J);
  return out;
}

/** A 4-image header and its binary through parseImageSetHeader and checkImageSetData (the worker's dropped files). */
export function workerImagesetCases(): FuzzCase[] {
  const out: FuzzCase[] = [];
  const header = { format: 'codec-imageset', version: 1, count: 4, height: 28, width: 28, channels: 1, data: 'set.bin', labels: [0, 1, 2, 3] };
  const bytes = new Uint8Array(4 * 784);
  const add = (id: string, text: string, bin: Uint8Array, names = 'set.json', expect: FuzzCase['expect'] = 'error') =>
    out.push({ id: `imageset-files/${id}`, target: 'imageset-files', entry: 'set.json', files: new Map([['set.json', enc(text)], ['set.bin', bin]]), names, expect });
  const edited = (fields: Record<string, unknown>) => JSON.stringify({ ...header, ...fields });
  add('valid', JSON.stringify(header), bytes, 'set.json', 'ok');
  add('bin-one-byte-short', JSON.stringify(header), bytes.subarray(1), 'set.bin');
  add('bin-empty', JSON.stringify(header), new Uint8Array(), 'set.bin');
  add('count-1e12', edited({ count: 1e12 }), bytes);
  add('count-negative', edited({ count: -4 }), bytes);
  add('dims-10000', edited({ height: 10_000, width: 10_000 }), bytes, 'set.bin');
  add('channels-5', edited({ channels: 5 }), bytes);
  add('labels-too-few', edited({ labels: [0] }), bytes);
  add('labels-not-integers', edited({ labels: ['a', 'b', 'c', 'd'] }), bytes);
  add('data-escapes', edited({ data: '../../secret.bin' }), bytes);
  add('header-truncated-30', JSON.stringify(header).slice(0, 30), bytes);
  add('header-array', '[]', bytes);
  add('header-nested-100000', '['.repeat(100_000) + ']'.repeat(100_000), bytes);
  add('format-wrong', edited({ format: 'something' }), bytes);
  add('version-99', edited({ version: 99 }), bytes);
  return out;
}
