/**
 * Folder labels resolved against the model's classes at load (folderLabels.ts, #17): a subset of
 * the classes maps to their outputs with a note saying which; folders that are not classes are
 * named with how to fix it; folder names alone label a model without class names only with one
 * folder per output (2 folders for 5 outputs were labels 0 and 1 before).
 */
import { describe, expect, it } from 'vitest';
import { labelsAgainstModel } from './folderLabels';

const classes = ['Anime', 'Drawing', 'Hentai', 'Neutral', 'Porn'];
const files = ['Neutral/a.jpg', 'Drawing/b.jpg', 'Neutral/c.jpg'];

describe('labelsAgainstModel', () => {
  it('maps a subset of the model classes to their outputs and says which', () => {
    const r = labelsAgainstModel(files, null, classes, 5, 'classes.txt');
    expect(r.labels).toEqual([3, 1, 3]);
    expect(r.note).toMatchObject({ level: 'info' });
    expect(r.note!.message).toMatch(/folders Neutral → class 3, Drawing → class 1 \(matched to classes\.txt, 5 classes\)/);
  });

  it('names folders that are not classes, the ones that matched, and the fix', () => {
    const r = labelsAgainstModel(['Neutral/a.jpg', 'Sketch/b.jpg'], null, classes, 5, null);
    expect(r.labels).toBeNull();
    expect(r.note!.level).toBe('warning');
    expect(r.note!.message).toMatch(/folders Sketch match none of the model's class names .*matched: Neutral → class 3; .*classes\.txt .*card\.json/);
  });

  it('leaves out folder labels that cannot be the outputs of a model without class names', () => {
    const r = labelsAgainstModel(files, null, null, 5, null);
    expect(r.labels).toBeNull();
    expect(r.why).toMatch(/the 2 folders \(Drawing, Neutral\) are not the model's 5 classes/);
    expect(r.note!.message).toMatch(/cannot be matched to the model's 5 outputs.*classes\.txt/);
    // One folder per output: taken in sorted order, said so.
    const ok = labelsAgainstModel(files, null, null, 2, null);
    expect(ok.labels).toEqual([1, 0, 1]);
    expect(ok.note!.message).toMatch(/sorted \(Drawing, Neutral\) are taken as outputs 0-1/);
  });
});
