/** `codec predict --model <model.json> --images <dir|imageset.json>`: CSV `file,class,prob`, one line per image. */
import * as tf from '@tensorflow/tfjs';
import { CodecError, keyword } from '../../core/errors';
import { batchTensor } from '../../core/pipeline/imageBatch';
import { parse, required } from '../args';
import { loadInputSet } from '../inputs';
import { readModelCard, resolvePreprocessing } from '../modelCard';
import { loadHookableFromDisk } from '../modelFiles';
import { outputNames, readClassNamesFile } from '../outputNames';
import { useNodeBackend } from '../nodeBackend';

export async function predictCommand(argv: string[]): Promise<number> {
  const cmd = 'predict';
  const { values: v } = parse(cmd, argv, { model: { type: 'string' }, images: { type: 'string' }, preprocess: { type: 'string' }, 'preprocess-preset': { type: 'string' }, labels: { type: 'string' }, classes: { type: 'string' }, backend: { type: 'string' } });
  const modelPath = required(cmd, v, 'model');
  await useNodeBackend(v.backend ? keyword(String(v.backend), 'backend', ['wasm', 'cpu'] as const) : undefined);
  const { exec } = await loadHookableFromDisk(modelPath);
  
  const card = readModelCard(modelPath);
  const given = v.classes ? readClassNamesFile(cmd, String(v.classes)) : undefined;
  const set = await loadInputSet(required(cmd, v, 'images'), resolvePreprocessing(exec.inputShape, card, v.preprocess as string | undefined, v['preprocess-preset'] as string | undefined), { labelsCsv: v.labels as string | undefined });
  let names: string[] | undefined;
  console.log('file,class,prob');
  for (let s = 0; s < set.n; s += 256) {
    const e = Math.min(set.n, s + 256);
    let outputs = 0;
    const [cls, prob] = tf.tidy(() => {
      const p = tf.softmax(exec.predict(batchTensor(set, s, e)));
      outputs = p.shape[1] ?? 0;
      return [tf.argMax(p, 1), tf.max(p, 1)];
    });
    // Names only from a list with one name per output (outputNames.ts); else indices throughout.
    if (given && given.length !== outputs) throw new CodecError('InputError', `${cmd}: --classes gives ${given.length} class names, but the model has ${outputs} outputs; give one name per output, in output order.`);
    names ??= outputNames(outputs, given, card.classNames, set.classNames);
    const c = cls.dataSync();
    const pr = prob.dataSync();
    tf.dispose([cls, prob]);
    for (let i = 0; i < e - s; i++) console.log(`${set.names[s + i]},${names?.[c[i]] ?? c[i]},${pr[i].toFixed(6)}`);
  }
  return 0;
}
