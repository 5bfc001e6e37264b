/**
 * `codec ablate <bundle> --layer <name> --mode <k> --pct <p> [--kind destroy|preserve] [--scale <f>]`:
 * the outputs before and after ablating mode k's top p% channels (or, with --scale, multiplying
 * them by f in [-2, 3]: steering, 1 = unchanged, 0 = destroy), per image (CSV, or JSON with
 * --json), and the accuracy over the images when labels are known. The model and images come
 * from the bundle's manifest unless --model / --images say otherwise.
 */
import path from 'node:path';
import { AblationSession } from '../../core/ablation/ablate';
import { atomChannelScores, topChannels } from '../../core/ablation/channels';
import { scaleMask, STEER_MAX, STEER_MIN } from '../../core/ablation/steer';
import { CodecError, keyword } from '../../core/errors';
import { applyPreset } from '../../core/image/presets';
import { batchTensor } from '../../core/pipeline/imageBatch';
import { intOpt, numOpt, parse, required } from '../args';
import { readBundleFromDisk } from '../bundleFiles';
import { deadModeWarning } from '../deadMode';
import { loadInputSet } from '../inputs';
import { loadHookableFromDisk } from '../modelFiles';
import { useNodeBackend } from '../nodeBackend';

export async function ablateCommand(argv: string[]): Promise<number> {
  const cmd = 'ablate';
  const { values: v, positionals } = parse(
    cmd,
    argv,
    { layer: { type: 'string' }, mode: { type: 'string' }, pct: { type: 'string' }, kind: { type: 'string' }, source: { type: 'string' }, model: { type: 'string' }, images: { type: 'string' }, image: { type: 'string' }, 'preprocess-preset': { type: 'string' }, json: { type: 'boolean' }, scale: { type: 'string' }, backend: { type: 'string' } },
    1,
  );
  const dir = positionals[0];
  const bundle = await readBundleFromDisk(dir);
  const m = bundle.manifest;
  const layerName = required(cmd, v, 'layer');
  const layer = m.layers.find((l) => l.name === layerName);
  if (!layer) throw new CodecError('InputError', `${cmd}: the bundle has no layer ${layerName} (it has ${m.layers.map((l) => l.name).join(', ')}).`);
  const source = keyword(String(v.source ?? 'contributions'), 'source', ['contributions', 'activations'] as const);
  const sae = layer.sae?.[source];
  if (!sae) throw new CodecError('InputError', `${cmd}: layer ${layerName} has no SAE on ${source} in this bundle.`);
  const mode = intOpt(cmd, v, 'mode', 0, 0);
  const [K, d] = sae.arrays.atoms.shape;
  if (mode >= K) throw new CodecError('InputError', `${cmd}: --mode ${mode} is out of range (the dictionary has ${K} modes).`);
  const dead = deadModeWarning(cmd, layerName, source, sae, mode, m.images?.length);
  if (dead) console.error(`codec: warning: ${dead}`);
  const pct = numOpt(cmd, v, 'pct', 10);
  const kind = keyword(String(v.kind ?? 'destroy'), 'kind', ['destroy', 'preserve'] as const);
  const scale = v.scale === undefined ? null : numOpt(cmd, v, 'scale', 1);
  if (scale !== null && !(scale >= STEER_MIN && scale <= STEER_MAX)) throw new CodecError('InputError', `${cmd}: --scale must be in [${STEER_MIN}, ${STEER_MAX}] (1 = unchanged, 0 = destroy), but got ${scale}.`);
  if (scale !== null && v.kind !== undefined) throw new CodecError('InputError', `${cmd}: --scale steers the mode's channels; it cannot be combined with --kind.`);
  const atoms = (await bundle.getArray(sae.arrays.atoms)) as Float32Array;
  const channels = layer.outputShape[layer.outputShape.length - 1];
  const scores = atomChannelScores(atoms.subarray(mode * d, (mode + 1) * d), channels);
  await useNodeBackend(v.backend ? keyword(String(v.backend), 'backend', ['wasm', 'cpu'] as const) : undefined);
  const modelPath = (v.model as string | undefined) ?? path.resolve(dir, m.model.path);
  const imagesPath = (v.images as string | undefined) ?? (m.imagesSource ? path.resolve(dir, m.imagesSource) : undefined);
  if (!imagesPath) throw new CodecError('InputError', `${cmd}: the bundle does not say where its images are; pass --images.`);
  const { exec } = await loadHookableFromDisk(modelPath);
  
  // The bundle's preprocessing, or another value mapping at its size (--preprocess-preset).
  const preset = v['preprocess-preset'] as string | undefined;
  // Folder labels name the bundle's classes (its class names, in output order), as they did at analyze.
  const set = await loadInputSet(imagesPath, preset === undefined ? m.preprocessing : applyPreset(m.preprocessing, preset, '--preprocess-preset'), { classNames: m.classNames?.length ? m.classNames : undefined });
  const only = v.image !== undefined ? intOpt(cmd, v, 'image', 0, 0) : undefined;
  if (only !== undefined && only >= set.n) throw new CodecError('InputError', `${cmd}: --image ${only} is out of range (${set.n} images).`);
  const [start, end] = only !== undefined ? [only, only + 1] : [0, set.n];
  const x = batchTensor(set, start, end);
  const session = new AblationSession(exec, x, layerName);
  x.dispose();
  const r = scale === null ? session.ablate(scores, pct, kind) : { ...session.ablate(scores, pct, kind), after: session.withMask(scaleMask(channels, topChannels(scores, pct).channels, scale)).probs };
  session.dispose();
  const k = r.numClasses;
  const top = (p: Float32Array, i: number) => {
    let b = 0;
    for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + b]) b = j;
    return b;
  };
  const rows = Array.from({ length: end - start }, (_, i) => ({
    image: set.names[start + i],
    label: set.labels?.[start + i],
    before: Array.from(r.before.subarray(i * k, (i + 1) * k)),
    after: Array.from(r.after.subarray(i * k, (i + 1) * k)),
    classBefore: top(r.before, i),
    classAfter: top(r.after, i),
  }));
  const { k: nCh, fraction } = topChannels(scores, pct);
  if (v.json) {
    console.log(JSON.stringify({ layer: layerName, source, mode, dead: dead !== null, pct, kind: scale === null ? kind : 'scale', ...(scale === null ? {} : { scale }), channels: r.channels, k: nCh, fraction, classNames: m.classNames, rows }, null, 2));
    return 0;
  }
  console.log(`# ${scale === null ? kind : `scale x${scale}`} ${nCh}/${channels} channels (${(100 * fraction).toFixed(1)}%) of ${source} mode ${mode} at ${layerName}: [${r.channels.join(', ')}]`);
  console.log('image,class_before,prob_before,class_after,prob_after');
  for (const row of rows) console.log(`${row.image},${m.classNames[row.classBefore] ?? row.classBefore},${row.before[row.classBefore].toFixed(4)},${m.classNames[row.classAfter] ?? row.classAfter},${row.after[row.classAfter].toFixed(4)}`);
  if (set.labels && only === undefined) {
    const acc = (key: 'classBefore' | 'classAfter') => rows.filter((row) => row[key] === row.label).length / rows.length;
    console.log(`# accuracy before ${acc('classBefore').toFixed(4)}, after ${acc('classAfter').toFixed(4)}`);
  }
  return 0;
}
