import jpeg from 'jpeg-js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Preprocessing } from '../core/bundle/manifest';
import { readImageFolder } from './imageFolder';

const pre: Preprocessing = { height: 2, width: 2, channels: 1, scale: 1, offset: 0, mean: [0], std: [1] };
let dir: string;

/** A constant-gray 4x4 PNG (or a constant-gray 8x8 JPEG) written to `dir/rel`. */
function writeGray(rel: string, v: number): void {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  if (/\.png$/i.test(rel)) {
    const png = new PNG({ width: 4, height: 4 });
    png.data = Buffer.from(Array.from({ length: 64 }, (_, i) => (i % 4 === 3 ? 255 : v)));
    writeFileSync(p, PNG.sync.write(png));
  } else {
    const data = Buffer.from(Array.from({ length: 256 }, (_, i) => (i % 4 === 3 ? 255 : v)));
    writeFileSync(p, jpeg.encode({ data, width: 8, height: 8 }, 100).data);
  }
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'codec-folder-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readImageFolder', () => {
  it('readImageFolder reads PNG and JPEG files in file-name order, resized and preprocessed', async () => {
    writeGray('b.png', 51);
    writeGray('a.JPG', 102);
    writeGray('c.jpeg', 204);
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    writeFileSync(path.join(dir, '.hidden.png'), 'not an image');
    const r = await readImageFolder(dir, { preprocessing: { ...pre, scale: 2, offset: -1 } });
    expect(r.files).toEqual(['a.JPG', 'b.png', 'c.jpeg']);
    expect(r.labels).toBeUndefined();
    expect(r.classNames).toBeUndefined();
    expect(r.pixels.length).toBe(12);
    expect(Array.from(r.pixels.subarray(4, 8))).toEqual([51, 51, 51, 51]); // PNG: exact
    for (const v of r.pixels.subarray(0, 4)) expect(Math.abs(v - 102)).toBeLessThanOrEqual(2); // JPEG: lossy
    expect(r.images[4]).toBeCloseTo((51 / 255) * 2 - 1, 6);
    expect(r.images.length).toBe(12);
  });

  it('readImageFolder takes labels from a CSV, as indices or class names', async () => {
    writeGray('x.png', 1);
    writeGray('y.png', 2);
    const csv = path.join(dir, 'labels.csv');
    writeFileSync(csv, 'file,label\nx.png,3\n"y.png",0\n');
    expect(await readImageFolder(dir, { preprocessing: pre, labelsCsv: csv })).toMatchObject({ labels: [3, 0] });
    writeFileSync(csv, 'y.png,dog\nx.png,cat\n');
    expect(await readImageFolder(dir, { preprocessing: pre, labelsCsv: csv })).toMatchObject({ labels: [0, 1], classNames: ['cat', 'dog'] });
    expect(await readImageFolder(dir, { preprocessing: pre, labelsCsv: csv, classNames: ['dog', 'cat'] })).toMatchObject({ labels: [1, 0], classNames: ['dog', 'cat'] });
    writeFileSync(csv, 'x.png,cat\n');
    await expect(readImageFolder(dir, { preprocessing: pre, labelsCsv: csv })).rejects.toThrow(/^readImageFolder: labels\.csv: no label for y\.png\.$/);
    writeFileSync(csv, 'x.png,cat\ny.png,bird\n');
    await expect(readImageFolder(dir, { preprocessing: pre, labelsCsv: csv, classNames: ['cat', 'dog'] })).rejects.toThrow(/^readImageFolder: labels\.csv: label bird of y\.png is not a class index below 2 or a known class name\.$/);
    writeFileSync(csv, 'x.png,cat,extra\n');
    await expect(readImageFolder(dir, { preprocessing: pre, labelsCsv: csv })).rejects.toThrow(/^readImageFolder: labels\.csv: line 1: expected "file,label", but got "x\.png,cat,extra"\.$/);
  });

  it('readImageFolder takes labels from sorted class sub-folders', async () => {
    writeGray('zebra/1.png', 10);
    writeGray('ant/2.png', 20);
    writeGray('ant/1.jpg', 30);
    mkdirSync(path.join(dir, 'empty'));
    const r = await readImageFolder(dir, { preprocessing: pre });
    expect(r.files).toEqual(['ant/1.jpg', 'ant/2.png', 'zebra/1.png']);
    expect(r.classNames).toEqual(['ant', 'zebra']);
    expect(r.labels).toEqual([0, 0, 1]);
    expect((await readImageFolder(dir, { preprocessing: pre, classNames: ['zebra', 'ant'] })).labels).toEqual([1, 1, 0]);
    expect((await readImageFolder(dir, { preprocessing: pre, limit: 1 })).files).toEqual(['ant/1.jpg']);
  });

  it('readImageFolder reads integer sub-folder names as the labels themselves', async () => {
    writeGray('10/a.png', 1);
    writeGray('2/a.png', 1);
    const r = await readImageFolder(dir, { preprocessing: pre });
    expect(r.files).toEqual(['10/a.png', '2/a.png']);
    expect(r.labels).toEqual([10, 2]);
    expect(r.classNames).toBeUndefined();
  });

  it('readImageFolder refuses an empty or missing folder and names a bad image', async () => {
    await expect(readImageFolder(dir, { preprocessing: pre })).rejects.toThrow(new RegExp(`^readImageFolder: ${dir.replace(/[.\\]/g, '\\$&')}: no PNG or JPEG images found\\.$`));
    await expect(readImageFolder(path.join(dir, 'nope'), { preprocessing: pre })).rejects.toThrow(/^readImageFolder: .*nope: no such folder\.$/);
    writeFileSync(path.join(dir, 'fake.png'), 'GIF89a');
    await expect(readImageFolder(dir, { preprocessing: pre })).rejects.toThrow(/^decodeImage: fake\.png: a GIF image; only PNG and JPEG are read\.$/);
  });
});
