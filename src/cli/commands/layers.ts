/** `codec layers --model <model.json>`: the layer list with classes, shapes and cuts. */
import { describeLogits } from '../../core/model/logits';
import { parse, required } from '../args';
import { loadHookableFromDisk } from '../modelFiles';
import { useNodeBackend } from '../nodeBackend';

export async function layersCommand(argv: string[]): Promise<number> {
  const { values } = parse('layers', argv, { model: { type: 'string' }, json: { type: 'boolean' } });
  await useNodeBackend();
  const { exec } = await loadHookableFromDisk(required('layers', values, 'model'));
  const layers = exec.layers();
  const logits = exec.logits;
  if (values.json) {
    // The layer list; the entry whose output is taken as the logits carries `logits`.
    console.log(JSON.stringify(layers.map((l) => (logits && l.name === logits.layer ? { ...l, logits: { fromSoftmax: logits.fromSoftmax, softmax: logits.softmax } } : l)), null, 2));
    return 0;
  }
  console.log('index\tname\tclass\toutputShape\tcut');
  for (const l of layers) console.log(`${l.index}\t${l.name}\t${l.className}\t[${l.outputShape.join(',')}]\t${l.isCut ? 'yes' : 'no'}`);
  if (logits) console.log(describeLogits(logits));
  return 0;
}
