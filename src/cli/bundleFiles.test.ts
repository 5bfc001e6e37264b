import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest } from '../core/bundle/manifest';
import { BundleWriter } from '../core/bundle/writer';
import { readBundleFiles, readBundleFromDisk, writeBundleDir } from './bundleFiles';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'codec-bundle-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function bundle(): Map<string, Uint8Array> {
  const w = new BundleWriter();
  const m: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: 'x',
    model: { path: 'model.json', sha256: 'x' },
    settings: { method: 'conductance', target: 'logit', targetClass: null, steps: 8, baseline: 'zeros', reduction: 'net', seed: 0, backend: 'cpu' },
    preprocessing: { height: 1, width: 1, channels: 1, scale: 1, offset: 0, mean: [0], std: [1] },
    images: ['a', 'b'],
    classNames: [],
    outputs: { F: w.add('outputs/F.bin', [1, 2], 'float32', [2]), F0: w.add('outputs/F0.bin', [0, 0], 'float32', [2]), targetClass: w.add('outputs/k.bin', [3, 4], 'int32', [2]) },
    layers: [],
  };
  return w.finish(m);
}

describe('writeBundleDir / readBundleFiles', () => {
  it('writeBundleDir to a folder then readBundleFiles gives the same file map', async () => {
    const files = bundle();
    await writeBundleDir(path.join(dir, 'out'), files);
    const le = readFileSync(path.join(dir, 'out/outputs/F.bin'));
    expect([le.readFloatLE(0), le.readFloatLE(4)]).toEqual([1, 2]);
    writeFileSync(path.join(dir, 'out/.DS_Store'), 'x');
    const back = await readBundleFiles(path.join(dir, 'out'));
    expect([...back.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [k, v] of files) expect(Array.from(back.get(k)!)).toEqual(Array.from(v));
    expect(Array.from(await (await readBundleFromDisk(path.join(dir, 'out'))).getArray({ file: 'outputs/k.bin', dtype: 'int32', shape: [2] }))).toEqual([3, 4]);
  });

  it('writeBundleDir to a .zip then readBundleFromDisk reads it', async () => {
    await writeBundleDir(path.join(dir, 'b.zip'), bundle());
    const b = await readBundleFromDisk(path.join(dir, 'b.zip'));
    expect(Array.from(await b.getArray(b.manifest.outputs.F))).toEqual([1, 2]);
  });

  it('writeBundleDir refuses unsafe names and readBundleFiles a missing path', async () => {
    await expect(writeBundleDir(path.join(dir, 'x'), new Map([['../evil.bin', new Uint8Array(1)]]))).rejects.toThrow(/^bundle: \.\.\/evil\.bin: not a relative path inside the bundle; nothing written\.$/);
    await expect(readBundleFiles(path.join(dir, 'nope'))).rejects.toThrow(/^bundle: .*nope: no such folder or zip file\.$/);
    writeFileSync(path.join(dir, 'bad.zip'), 'not a zip');
    await expect(readBundleFromDisk(path.join(dir, 'bad.zip'))).rejects.toThrow(/^bundle: bad\.zip: not a readable zip archive/);
  });
});
