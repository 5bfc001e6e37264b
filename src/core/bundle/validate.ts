/**
 * Checks a parsed manifest before anything reads it: format and version, that every array it
 * names exists with the byte length its shape and dtype need (when sizes are known), and that
 * per-image arrays have one row per image. Each problem is one line naming the file.
 */
import { CodecError } from '../errors';
import { DTYPE_BYTES, elementCount } from './arrays';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type ArrayRef, type BundleManifest, type CsrRef } from './manifest';

function fail(msg: string): never {
  throw new CodecError('BundleError', `bundle: ${msg}`);
}

/** Every ArrayRef in the manifest, with where it sits. */
export function arrayRefs(m: BundleManifest): { where: string; ref: ArrayRef; perImage: boolean }[] {
  const out: { where: string; ref: ArrayRef; perImage: boolean }[] = [];
  const csr = (where: string, c: CsrRef) => {
    out.push({ where: `${where}.rowPtr`, ref: c.rowPtr, perImage: false }, { where: `${where}.colIdx`, ref: c.colIdx, perImage: false }, { where: `${where}.values`, ref: c.values, perImage: false });
  };
  for (const [k, ref] of Object.entries(m.outputs ?? {})) if (ref) out.push({ where: `outputs.${k}`, ref, perImage: true });
  for (const l of m.layers ?? []) {
    for (const [k, ref] of Object.entries(l.arrays ?? {})) out.push({ where: `${l.name}.${k}`, ref, perImage: true });
    for (const [src, s] of Object.entries(l.sae ?? {})) {
      if (!s) continue;
      out.push({ where: `${l.name}.sae.${src}.atoms`, ref: s.arrays.atoms, perImage: false });
      csr(`${l.name}.sae.${src}.codes`, s.arrays.codes);
      if (s.classCorr) out.push({ where: `${l.name}.sae.${src}.classCorr`, ref: s.classCorr, perImage: false });
    }
  }
  return out;
}

export function validateManifest(json: unknown, sizeOf?: (file: string) => number | undefined): BundleManifest {
  const m = json as BundleManifest;
  if (!m || typeof m !== 'object') fail('manifest.json: not a JSON object.');
  if (m.format !== BUNDLE_FORMAT) fail(`manifest.json: format must be "${BUNDLE_FORMAT}", but got ${JSON.stringify(m.format)}.`);
  if (m.version !== BUNDLE_VERSION) fail(`manifest.json: unsupported version ${JSON.stringify(m.version)} (this app reads version ${BUNDLE_VERSION}).`);
  if (!Array.isArray(m.images)) fail('manifest.json: images must be a list of image names.');
  if (!Array.isArray(m.layers)) fail('manifest.json: layers must be a list.');
  if (!Array.isArray(m.classNames)) fail('manifest.json: classNames must be a list.');
  if (m.labels && (!Array.isArray(m.labels) || m.labels.length !== m.images.length)) fail(`manifest.json: ${m.labels.length} labels for ${m.images.length} images.`);
  const n = m.images.length;
  for (const { where, ref, perImage } of arrayRefs(m)) {
    if (!ref || typeof ref.file !== 'string' || !Array.isArray(ref.shape) || !(ref.dtype in DTYPE_BYTES)) fail(`manifest.json: ${where} is not a valid array entry.`);
    if (ref.file.includes('..') || ref.file.startsWith('/')) fail(`${ref.file}: path leaves the bundle.`);
    if (ref.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`${ref.file}: bad shape [${ref.shape}].`);
    if (perImage && ref.shape[0] !== n) fail(`${ref.file}: ${ref.shape[0]} rows, but the bundle has ${n} images.`);
    if (sizeOf) {
      const size = sizeOf(ref.file);
      if (size === undefined) fail(`${ref.file}: missing (the manifest lists it for ${where}).`);
      const need = elementCount(ref.shape) * DTYPE_BYTES[ref.dtype];
      if (size !== need) fail(`${ref.file}: ${size} bytes, but shape [${ref.shape}] of ${ref.dtype} needs ${need}.`);
    }
  }
  return m;
}
