/**
 * Image labels resolved against the model's classes when the images load (#17): which folder (or
 * CSV) names matched which output, which did not, and how to fix it, said at once instead of at
 * Analyze. Over labelsFor (images.ts), one rule more: class names taken from the folders alone
 * (the model has none and no classes.txt came with the images) name outputs only when there is
 * one folder per output; 2 folders for a 5-class model would make folder k output k, so those
 * labels are left out.
 */
import type { ImageSetInfo } from './api';
import { labelsFor } from './images';

type Note = ImageSetInfo['notes'][number];
type Labels = ReturnType<typeof labelsFor>;

const FIX = 'add a classes.txt to the images (one class name per model output, in output order) or classNames to the model\'s card.json';
const list = (xs: string[], n = 6) => xs.slice(0, n).join(', ') + (xs.length > n ? `, ... (${xs.length})` : '');

/** The names each image is labelled with (its CSV value, else its parent folder), null where none. */
function rawLabels(names: string[], csv: Map<string, string> | null): (string | null)[] {
  const base = (p: string) => p.split('/').pop() ?? p;
  return names.map((n) => {
    if (csv) return csv.get(base(n)) ?? null;
    const parts = n.split('/');
    return parts.length >= 2 ? parts[parts.length - 2] : null;
  });
}

/**
 * labelsFor, checked against the model's `outputs`, with a note on what happened. `classNames`:
 * the model's or classes.txt's (null when neither); `fromFile`: classes.txt's name when it gave them.
 */
export function labelsAgainstModel(names: string[], csv: Map<string, string> | null, classNames: string[] | null, outputs: number | undefined, fromFile: string | null): Labels & { note: Note | null } {
  const r = labelsFor(names, csv, classNames);
  const what = csv ? 'CSV labels' : 'folders';
  const vals = [...new Set(rawLabels(names, csv).filter((v): v is string => v !== null))];
  const named = vals.filter((v) => !/^\d+$/.test(v));
  if (!r.given || named.length === 0) return { ...r, note: null };
  const source = fromFile ? fromFile : 'the model\'s class names';
  if (classNames) {
    const lower = classNames.map((c) => c.toLowerCase());
    const matched = named.filter((v) => lower.includes(v.toLowerCase()));
    const unmatched = named.filter((v) => !lower.includes(v.toLowerCase()));
    const m = matched.map((v) => `${v} → class ${lower.indexOf(v.toLowerCase())}`);
    if (r.labels) return { ...r, note: { level: 'info', title: 'Labels', message: `labels: ${what} ${list(m)} (matched to ${source}, ${classNames.length} classes)` } };
    if (unmatched.length) {
      return { ...r, note: { level: 'warning', title: 'Labels', message: `no labels: ${what} ${list(unmatched)} match none of ${source} (${list(classNames, 5)})${matched.length ? `; matched: ${list(m)}` : ''}; rename them to class names, or ${FIX}` } };
    }
    return { ...r, note: null };
  }
  // No class names but the folders': they are the outputs only with one folder per output.
  if (r.labels && r.classNames && outputs !== undefined && r.classNames.length !== outputs) {
    return {
      labels: null,
      classNames: null,
      given: true,
      why: `the ${r.classNames.length} ${what} (${list(r.classNames)}) are not the model's ${outputs} classes, and the model has no class names to match them to`,
      note: { level: 'warning', title: 'Labels', message: `no labels: the ${r.classNames.length} ${what} (${list(r.classNames)}) cannot be matched to the model's ${outputs} outputs (it has no class names, and folder k is not output k); ${FIX}` },
    };
  }
  if (r.labels && r.classNames) return { ...r, note: { level: 'info', title: 'Labels', message: `labels: the model has no class names, so the ${r.classNames.length} ${what} sorted (${list(r.classNames)}) are taken as outputs 0-${r.classNames.length - 1}; if that is not the output order, ${FIX}` } };
  return { ...r, note: null };
}
