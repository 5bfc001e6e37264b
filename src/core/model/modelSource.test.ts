import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { residualGraphFiles } from '../../../tests/helpers/graphModels';
import { residualCnn } from '../../../tests/helpers/models';
import { loadHookableModel } from './graphModel';
import { collectModelFiles, modelJsonFormat, parseAnyModelJson } from './modelSource';

const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

describe('modelSource', () => {
  it('modelJsonFormat: the format field, else a GraphDef node list means a GraphModel', () => {
    expect(modelJsonFormat({ format: 'graph-model' })).toBe('graph-model');
    expect(modelJsonFormat({ format: 'layers-model', modelTopology: { node: [] } })).toBe('layers-model');
    expect(modelJsonFormat({ modelTopology: { node: [{ name: 'x', op: 'Placeholder' }] } })).toBe('graph-model');
    expect(modelJsonFormat({ modelTopology: { class_name: 'Sequential' } })).toBe('layers-model');
  });

  it('parseAnyModelJson and loadHookableModel take a GraphModel whose model.json has no format (older converters)', async () => {
    await tf.setBackend('cpu');
    const { files } = residualGraphFiles(residualCnn(3, [8, 8, 3], 3));
    const json = JSON.parse(new TextDecoder().decode(files.get('model.json')!));
    delete json.format;
    files.set('model.json', enc(json));
    expect(parseAnyModelJson(files.get('model.json')!).format).toBe('graph-model');
    const g = await loadHookableModel(files);
    expect(g.format).toBe('graph-model');
    g.dispose();
  });

  it('collectModelFiles reads the manifest paths as named and names one that cannot be read', async () => {
    const json = { format: 'layers-model', modelTopology: {}, weightsManifest: [{ paths: ['w/a', 'b.weights'], weights: [] }] };
    const asked: string[] = [];
    await expect(collectModelFiles(enc(json), 'dir/model.json', async (p) => (asked.push(p), p === 'w/a' ? new Uint8Array(4) : { missing: 'gone' }))).rejects.toThrow(
      /^b\.weights: weight shard is missing \(named in model\.json's weightsManifest; gone\)\.$/,
    );
    expect(asked).toEqual(['w/a', 'b.weights']);
    const ok = await collectModelFiles(enc(json), 'model.json', async () => new Uint8Array(2));
    expect([...ok.files.keys()]).toEqual(['model.json', 'w/a', 'b.weights']);
    expect(ok.shards).toEqual(['w/a', 'b.weights']);
    expect(ok.format).toBe('layers-model');
  });
});
