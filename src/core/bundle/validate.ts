/**
 * Checks a parsed manifest before anything reads it: format and version; images, labels and
 * class names; the preprocessing; every array entry (a safe relative path, a known dtype, a
 * valid shape, and, when file sizes are known, that the file exists with product(shape) * dtype
 * size bytes); and that shapes agree: per-image arrays have one row per image, SAE codes are
 * (images x K) as CSR with K rows of atoms. Each problem is one BundleError line naming the
 * file: `bundle: <file>: ...` (`bundle: manifest.json: ...` for the manifest's own fields).
 */
import { CodecError } from '../errors';
import { checkPreprocessing } from '../image/checkPreprocessing';
import { DTYPE_BYTES, elementCount } from './arrays';
import { BUNDLE_FORMAT, BUNDLE_VERSION, READABLE_VERSIONS, type ArrayRef, type BundleManifest, type CsrRef, type DType } from './manifest';
import { isSafeBundlePath } from './paths';
import { checkPartialRecord } from './shardRecord';

function fail(msg: string): never {
  throw new CodecError('BundleError', `bundle: ${msg}`);
}

const M = 'manifest.json';
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isIntArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x));

/** One array entry, where it sits in the manifest, and what its shape must agree with. */
export interface ArrayRefAt {
  where: string;
  ref: ArrayRef;
  /** First dimension is the number of images. */
  perImage: boolean;
}

/** Every ArrayRef in the manifest (outputs, inputs, layer arrays, SAE atoms, codes, classCorr, weights). */
export function arrayRefs(m: BundleManifest): ArrayRefAt[] {
  const out: ArrayRefAt[] = [];
  const csr = (where: string, c: CsrRef) => {
    out.push({ where: `${where}.rowPtr`, ref: c?.rowPtr, perImage: false }, { where: `${where}.colIdx`, ref: c?.colIdx, perImage: false }, { where: `${where}.values`, ref: c?.values, perImage: false });
  };
  for (const [k, ref] of Object.entries(m.outputs ?? {})) if (ref) out.push({ where: `outputs.${k}`, ref, perImage: true });
  if (m.inputs) out.push({ where: 'inputs', ref: m.inputs, perImage: true });
  for (const l of m.layers ?? []) {
    for (const [k, ref] of Object.entries(l?.arrays ?? {})) out.push({ where: `${l.name}.${k}`, ref, perImage: true });
    for (const [src, s] of Object.entries(l?.sae ?? {})) {
      if (!s) continue;
      out.push({ where: `${l.name}.sae.${src}.atoms`, ref: s.arrays?.atoms, perImage: false });
      csr(`${l.name}.sae.${src}.codes`, s.arrays?.codes);
      if (s.classCorr) out.push({ where: `${l.name}.sae.${src}.classCorr`, ref: s.classCorr, perImage: false });
      for (const [i, ref] of (s.weights ?? []).entries()) out.push({ where: `${l.name}.sae.${src}.weights[${i}]`, ref, perImage: false });
    }
  }
  return out;
}

function checkRef(where: string, ref: ArrayRef, n: number, perImage: boolean, sizeOf?: (file: string) => number | undefined): void {
  if (!isObj(ref) || typeof ref.file !== 'string' || !Array.isArray(ref.shape) || typeof ref.dtype !== 'string') fail(`${M}: ${where} must be {file, dtype, shape}, but got ${JSON.stringify(ref)?.slice(0, 120)}.`);
  if (!isSafeBundlePath(ref.file)) fail(`${M}: ${where}: file ${JSON.stringify(ref.file)} is not a relative path inside the bundle.`);
  if (!Object.hasOwn(DTYPE_BYTES, ref.dtype)) fail(`${ref.file}: unknown dtype ${JSON.stringify(ref.dtype)} (expected one of ${Object.keys(DTYPE_BYTES).join(', ')}).`);
  if (!ref.shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`${ref.file}: shape must be integers >= 0, but got ${JSON.stringify(ref.shape)}.`);
  if (perImage && ref.shape[0] !== n) fail(`${ref.file}: ${ref.shape.length ? ref.shape[0] : 'no'} rows (shape [${ref.shape}]), but the bundle has ${n} images.`);
  if (sizeOf) {
    const size = sizeOf(ref.file);
    if (size === undefined) fail(`${ref.file}: missing (the manifest lists it for ${where}).`);
    const need = elementCount(ref.shape) * DTYPE_BYTES[ref.dtype];
    if (size !== need) fail(`${ref.file}: ${size} bytes, but shape [${ref.shape}] of ${ref.dtype} needs ${need}.`);
  }
}

function expectShape(ref: ArrayRef, shape: number[], dtype?: DType): void {
  if (ref.shape.length !== shape.length || ref.shape.some((d, i) => d !== shape[i])) fail(`${ref.file}: shape [${ref.shape}], but expected [${shape}].`);
  if (dtype && ref.dtype !== dtype) fail(`${ref.file}: dtype ${ref.dtype}, but expected ${dtype}.`);
}

/** Shapes the SAE arrays of one layer must agree on: atoms (K, d), codes (n, K) as CSR, classCorr (K, classes). */
function checkSae(where: string, s: NonNullable<NonNullable<BundleManifest['layers'][number]['sae']>['contributions']>, n: number, nClasses: number): void {
  const { atoms, codes } = s.arrays;
  if (atoms.shape.length !== 2) fail(`${atoms.file}: atoms must be (K, d), but shape is [${atoms.shape}].`);
  const K = atoms.shape[0];
  if (!isObj(codes) || !isIntArray(codes.shape) || codes.shape.length !== 2) fail(`${M}: ${where}.codes.shape must be [images, K], but got ${JSON.stringify(codes?.shape)}.`);
  if (codes.shape[0] !== n || codes.shape[1] !== K) fail(`${M}: ${where}.codes is ${codes.shape[0]}x${codes.shape[1]}, but expected ${n} images x ${K} modes (the atoms' rows).`);
  expectShape(codes.rowPtr, [n + 1], 'int32');
  if (codes.colIdx.shape.length !== 1 || codes.colIdx.dtype !== 'int32') fail(`${codes.colIdx.file}: column indices must be 1-D int32, but got ${codes.colIdx.dtype} [${codes.colIdx.shape}].`);
  expectShape(codes.values, codes.colIdx.shape);
  if (s.classCorr && nClasses > 0) expectShape(s.classCorr, [K, nClasses]);
  if (s.aliveModes !== undefined && !(isIntArray(s.aliveModes) && s.aliveModes.every((k) => k >= 0 && k < K))) fail(`${M}: ${where}.aliveModes must be mode ids in [0, ${K}), but got ${JSON.stringify(s.aliveModes).slice(0, 80)}.`);
}

/**
 * Returns the manifest typed when it is valid; `sizeOf(file)` gives a file's byte length or
 * undefined when it is missing (omit it when sizes are unknown, e.g. files fetched lazily).
 */
export function validateManifest(json: unknown, sizeOf?: (file: string) => number | undefined): BundleManifest {
  if (!isObj(json)) fail(`${M}: expected a JSON object, but got ${Array.isArray(json) ? 'a list' : JSON.stringify(json)?.slice(0, 40)}.`);
  const m = json as unknown as BundleManifest;
  if (m.format !== BUNDLE_FORMAT) fail(`${M}: format must be "${BUNDLE_FORMAT}", but got ${JSON.stringify(m.format)}.`);
  if (!READABLE_VERSIONS.includes(m.version)) fail(`${M}: unsupported version ${JSON.stringify(m.version)} (this app reads versions ${READABLE_VERSIONS.join(' and ')}; it writes ${BUNDLE_VERSION}).`);
  if (!Array.isArray(m.images) || !m.images.every((s) => typeof s === 'string')) fail(`${M}: images must be a list of image names.`);
  if (!Array.isArray(m.classNames) || !m.classNames.every((s) => typeof s === 'string')) fail(`${M}: classNames must be a list of strings.`);
  if (!Array.isArray(m.layers) || !m.layers.every(isObj)) fail(`${M}: layers must be a list of layer records.`);
  const n = m.images.length;
  const nClasses = m.classNames.length;
  if (m.labels !== undefined && m.labels !== null) {
    if (!isIntArray(m.labels) || m.labels.length !== n) fail(`${M}: labels must be ${n} integers (one per image), but got ${Array.isArray(m.labels) ? `${m.labels.length} entries` : JSON.stringify(m.labels)}.`);
    const bad = m.labels.findIndex((k) => k < 0 || (nClasses > 0 && k >= nClasses));
    if (bad >= 0) fail(`${M}: label ${m.labels[bad]} of image ${m.images[bad]} is outside [0, ${nClasses}).`);
  }
  try {
    checkPreprocessing(m.preprocessing, `${M}: preprocessing`);
  } catch (e) {
    fail((e as Error).message);
  }
  if (!isObj(m.outputs) || !m.outputs.F || !m.outputs.F0 || !m.outputs.targetClass) fail(`${M}: outputs must name F, F0 and targetClass.`);

  const seen = new Map<string, string>();
  for (const { where, ref, perImage } of arrayRefs(m)) {
    checkRef(where, ref, n, perImage, sizeOf);
    const spec = `${ref.dtype} [${ref.shape}]`;
    const prev = seen.get(ref.file);
    if (prev !== undefined && prev !== spec) fail(`${ref.file}: listed as ${prev} and as ${spec}.`);
    seen.set(ref.file, spec);
  }
  if (m.outputs.probs && nClasses > 0) expectShape(m.outputs.probs, [n, nClasses]);
  if (m.inputs) expectShape(m.inputs, [n, m.preprocessing.height, m.preprocessing.width, m.preprocessing.channels], 'uint8');
  const names = new Set<string>();
  for (const l of m.layers) {
    if (typeof l.name !== 'string' || names.has(l.name)) fail(`${M}: layer names must be distinct strings, but got ${JSON.stringify(l.name)} twice or as a non-string.`);
    names.add(l.name);
    for (const k of ['completeness', 'completenessGap', 'completenessSymmetric', 'stepsUsed'] as const) {
      const v = l[k];
      if (v !== null && v !== undefined && (!Array.isArray(v) || v.length !== n || !v.every((e) => e === null || typeof e === 'number'))) fail(`${M}: ${l.name}.${k} must be null or ${n} numbers (one per image).`);
    }
    for (const [src, s] of Object.entries(l.sae ?? {})) if (s) checkSae(`${l.name}.sae.${src}`, s, n, nClasses);
  }
  if (m.sprite !== undefined) {
    if (!isObj(m.sprite) || !isSafeBundlePath(m.sprite.file)) fail(`${M}: sprite.file must be a relative path inside the bundle.`);
    if (sizeOf && sizeOf(m.sprite.file) === undefined) fail(`${m.sprite.file}: missing (the manifest lists it as the sprite).`);
  }
  checkPartialRecord(m.partial, n);
  return m;
}
