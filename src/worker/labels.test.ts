/**
 * Labels of an uploaded image folder: from a CSV or the sub-folder names, matched to the model's
 * classes; when none can be given, the reason. And the image set's cache identity changes with its
 * labels and class names, not only its pixels.
 */
import { describe, expect, it } from 'vitest';
import { imageSetHash, labelsFor } from './images';

const classes = ['T-shirt', 'Trouser', 'Bag'];
const p = { height: 2, width: 2, channels: 1, scale: 1 / 255, offset: 0, mean: [0], std: [1], grayscale: true } as never;

describe('labelsFor', () => {
  it('matches folder names to the model classes (case-insensitive) and reads numeric labels', () => {
    expect(labelsFor(['bag/a.png', 'trouser/b.png'], null, classes)).toMatchObject({ labels: [2, 1] });
    expect(labelsFor(['a.png', 'b.png'], new Map([['a.png', '0'], ['b.png', '2']]), classes)).toMatchObject({ labels: [0, 2] });
    expect(labelsFor(['x/a.png', 'y/b.png'], null, null)).toMatchObject({ labels: [0, 1], classNames: ['x', 'y'] });
  });

  it('says why there are no labels', () => {
    expect(labelsFor(['a.png', 'b.png'], null, classes).why).toMatch(/not in class sub-folders and no labels CSV/);
    expect(labelsFor(['a.png', 'b.png'], new Map([['a.png', '0']]), classes).why).toMatch(/the CSV has no row for 1 of 2 images \(first: b\.png\)/);
    expect(labelsFor(['shoes/a.png', 'bag/b.png'], null, classes).why).toMatch(/folder names "shoes" are not among the model's classes/);
    expect(labelsFor(['a.png'], new Map([['a.png', '7']]), classes).why).toMatch(/label 7 is not a class index of the 3 classes/);
    expect(labelsFor(['x/a.png', 'x/b.png'], null, null).why).toMatch(/every image has the same label "x"/);
    // Whether labels were given at all (a warning when they were and could not be used).
    expect(labelsFor(['a.png', 'b.png'], null, classes).given).toBe(false);
    expect(labelsFor(['a.png', 'b.png'], new Map([['a.png', '0']]), classes).given).toBe(true);
    expect(labelsFor(['shoes/a.png', 'b.png'], null, classes).given).toBe(true);
  });
});

describe('imageSetHash', () => {
  it('changes with labels, class names and names, not only pixels', async () => {
    const px = new Float32Array([0, 1, 2, 3]);
    const h = await imageSetHash(px, p, ['a.png'], [0], classes);
    expect(await imageSetHash(px, p, ['a.png'], [0], classes)).toBe(h);
    expect(await imageSetHash(px, p, ['a.png'], [1], classes)).not.toBe(h);
    expect(await imageSetHash(px, p, ['a.png'], [0], ['x', 'y', 'z'])).not.toBe(h);
    expect(await imageSetHash(px, p, ['b.png'], [0], classes)).not.toBe(h);
    expect(await imageSetHash(new Float32Array([0, 1, 2, 4]), p, ['a.png'], [0], classes)).not.toBe(h);
  });
});
