/**
 * The model an exported zip carries (bundleModel.ts): the shards are the ones model.json names,
 * whatever their names (`group1-shard1of1`, no .bin: the old importer kept only *.json|*.bin and
 * dropped the load error), and a missing shard is named in the note instead of failing silently.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../cli/nodeBackend';
import { modelToFiles } from '../../tests/helpers/modelFiles';
import { chainCnn } from '../../tests/helpers/models';
import { modelFromBundleFiles } from './bundleModel';

async function zipFiles(dropShard = false): Promise<Map<string, Uint8Array>> {
  const files = await modelToFiles(chainCnn());
  const json = JSON.parse(new TextDecoder().decode(files.get('model.json')!));
  json.weightsManifest[0].paths = ['group1-shard1of1'];
  const out = new Map<string, Uint8Array>([
    ['manifest.json', new TextEncoder().encode('{}')],
    ['model/model.json', new TextEncoder().encode(JSON.stringify(json))],
    ['model/card.json', new TextEncoder().encode(JSON.stringify({ classNames: ['x', 'y', 'z'] }))],
  ]);
  if (!dropShard) out.set('model/group1-shard1of1', files.get('group1-shard1of1.bin')!);
  return out;
}

describe('modelFromBundleFiles', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });

  it('loads a model whose shard has no .bin, with its card', async () => {
    const { model, note } = await modelFromBundleFiles(await zipFiles(), 'model/model.json');
    expect(note).toBeNull();
    expect(model?.info.classNames).toEqual(['x', 'y', 'z']);
    model?.dispose();
  });

  it('names a missing shard', async () => {
    const { model, note } = await modelFromBundleFiles(await zipFiles(true), 'model/model.json');
    expect(model).toBeNull();
    expect(note).toMatch(/could not be loaded.*group1-shard1of1: weight shard is missing.*the zip has no model\/group1-shard1of1/);
  });
});
