/**
 * `npm run data:fashion`: writes the committed demo subset of Fashion-MNIST to public/demo/fashion/:
 * test2000.json + test2000.bin (the first 200 test images of each class, in test-set order, as an
 * image set file; `testIndices` and `names` give each image's index in the test set) and sprite.png
 * (28x28 thumbnails, 50 per row, in the same order).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { writeImageSetFile } from '../src/cli/imagesetFile';
import { FASHION_CLASSES, readFashion } from './fashionData';

const OUT = 'public/demo/fashion';
const PER_CLASS = 200;
const COLS = 50;

const test = readFashion('t10k');
const picked: number[] = [];
const seen = new Array(10).fill(0);
for (let i = 0; i < test.count; i++) {
  const y = test.labels[i];
  if (seen[y] < PER_CLASS) {
    seen[y]++;
    picked.push(i);
  }
}
const n = picked.length;
const pixels = new Uint8Array(n * 784);
picked.forEach((src, j) => pixels.set(test.images.subarray(src * 784, (src + 1) * 784), j * 784));
mkdirSync(OUT, { recursive: true });
await writeImageSetFile(`${OUT}/test2000.json`, {
  count: n,
  height: 28,
  width: 28,
  channels: 1,
  data: 'test2000.bin',
  labels: picked.map((i) => test.labels[i]),
  classNames: FASHION_CLASSES,
  names: picked.map((i) => `t10k-${String(i).padStart(5, '0')}`),
  source: 'Fashion-MNIST test set (Debian package dataset-fashion-mnist), first 200 images of each class; MIT licence',
  testIndices: picked,
}, pixels);
const rows = Math.ceil(n / COLS);
const png = new PNG({ width: COLS * 28, height: rows * 28 });
png.data = Buffer.alloc(COLS * 28 * rows * 28 * 4);
for (let j = 0; j < n; j++) {
  const ox = (j % COLS) * 28;
  const oy = Math.floor(j / COLS) * 28;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = pixels[j * 784 + y * 28 + x];
      const o = ((oy + y) * COLS * 28 + ox + x) * 4;
      png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
      png.data[o + 3] = 255;
    }
  }
}
// Written as 8-bit grayscale (the RGBA buffer's first channel).
writeFileSync(`${OUT}/sprite.png`, PNG.sync.write(png, { colorType: 0, inputColorType: 6 }));
console.log(`wrote ${n} images to ${OUT}/test2000.{json,bin} and sprite.png (${COLS} per row)`);
