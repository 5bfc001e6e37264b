/** Reads Fashion-MNIST from the Debian package dataset-fashion-mnist (gzipped IDX files). */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseIdxImages, parseIdxLabels } from '../src/core/data/idx';
import { CodecError } from '../src/core/errors';

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export interface FashionSplit {
  images: Uint8Array; // N x 28 x 28
  labels: Uint8Array;
  count: number;
}

export function readFashion(split: 'train' | 't10k'): FashionSplit {
  const img = `${FASHION_DIR}/${split}-images-idx3-ubyte.gz`;
  const lab = `${FASHION_DIR}/${split}-labels-idx1-ubyte.gz`;
  if (!existsSync(img) || !existsSync(lab)) {
    console.error(`Fashion-MNIST not found in ${FASHION_DIR}; install it with:`);
    console.error('apt-get install dataset-fashion-mnist');
    process.exit(1);
  }
  const images = parseIdxImages(gunzipSync(readFileSync(img)), img);
  const labels = parseIdxLabels(gunzipSync(readFileSync(lab)), lab);
  if (labels.length !== images.count) throw new CodecError('DataError', `idx: ${lab}: ${labels.length} labels for ${images.count} images.`);
  return { images: images.data, labels, count: images.count };
}
