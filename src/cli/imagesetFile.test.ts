import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readImageSetFile, writeImageSetFile } from './imagesetFile';

const dir = mkdtempSync(path.join(os.tmpdir(), 'codec-imageset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('image set files', () => {
  it('writeImageSetFile then readImageSetFile round-trips header and pixels', async () => {
    const pixels = Uint8Array.from({ length: 3 * 2 * 4 * 3 }, (_, i) => (i * 37) % 256);
    const file = path.join(dir, 'rt', 'set.json');
    const written = await writeImageSetFile(file, { count: 3, height: 2, width: 4, channels: 3, labels: [2, 0, 1], classNames: ['a', 'b', 'c'], names: ['p', 'q', 'r'] }, pixels);
    expect(written.header.data).toBe('set.bin');
    expect(readFileSync(path.join(dir, 'rt', 'set.bin')).length).toBe(pixels.length);
    const back = await readImageSetFile(file);
    expect(back.header).toEqual(written.header);
    expect(Array.from(back.pixels)).toEqual(Array.from(pixels));
  });

  it('readImageSetFile names a truncated binary, a missing binary, a truncated header and a missing file in one line', async () => {
    const file = path.join(dir, 'bad.json');
    await writeImageSetFile(file, { count: 2, height: 2, width: 2, channels: 1 }, new Uint8Array(8));
    writeFileSync(path.join(dir, 'bad.bin'), new Uint8Array(5));
    await expect(readImageSetFile(file)).rejects.toThrow(/^imageset: bad\.bin: 5 bytes, expected 8 \(2 x 2 x 2 x 1\)\.$/);
    rmSync(path.join(dir, 'bad.bin'));
    await expect(readImageSetFile(file)).rejects.toThrow(/^imageset: bad\.bin: missing \(named by bad\.json\)\.$/);
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 20));
    await expect(readImageSetFile(file)).rejects.toThrow(/^imageset: bad\.json: not valid JSON/);
    await expect(readImageSetFile(path.join(dir, 'none.json'))).rejects.toThrow(/^imageset: .*none\.json: cannot read the file \(does it exist\?\)\.$/);
  });

  it('writeImageSetFile refuses pixels of the wrong size before writing', async () => {
    const file = path.join(dir, 'w.json');
    await expect(writeImageSetFile(file, { count: 2, height: 2, width: 2, channels: 1 }, new Uint8Array(7))).rejects.toThrow(/^imageset: w\.bin: 7 bytes, expected 8/);
    await expect(readImageSetFile(file)).rejects.toThrow(/cannot read the file/);
  });
});
