/**
 * One rule for naming a model's outputs in CLI output (`codec predict`): a list of class names
 * names the outputs only when it has one name per output; the first such list of the candidates
 * (--classes, the model card, the image folders' names) wins, and otherwise every class is
 * printed as its output index. A subset (2 class folders for a 5-class model) never names
 * outputs, since folder k is not output k.
 */
import { readFileSync } from 'node:fs';
import { CodecError } from '../core/errors';

export function outputNames(outputs: number, ...candidates: (string[] | undefined)[]): string[] | undefined {
  return candidates.find((c) => c !== undefined && c.length === outputs);
}

/** The class names file of --classes: one name per line, blank lines skipped. */
export function readClassNamesFile(cmd: string, file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  } catch {
    throw new CodecError('InputError', `${cmd}: ${file}: cannot read the class names file.`);
  }
}
