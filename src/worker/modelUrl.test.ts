/**
 * The worker's URL loading (Session.loadModelUrl: fetchModelFiles, then loadModel) of a GraphModel
 * ending in a softmax, with fetch stubbed to serve a folder: the format is found before anything
 * parses model.json as a LayersModel (it was refused before), the shard is fetched by its manifest
 * name (no .bin suffix), ModelInfo names the logits, and a missing shard is named in the error.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useNodeBackend } from '../cli/nodeBackend';
import { residualGraphFiles } from '../../tests/helpers/graphModels';
import { residualCnn } from '../../tests/helpers/models';
import { Session } from './session';

/** A GraphModel folder served at http://test/models/g/: model.json and `group1-shard1of1` (renamed, no .bin). */
function served(base: tf.LayersModel, { dropShard = false } = {}): Map<string, Uint8Array> {
  const { files } = residualGraphFiles(base, { softmax: true });
  const json = JSON.parse(new TextDecoder().decode(files.get('model.json')!));
  json.weightsManifest[0].paths = ['group1-shard1of1'];
  const out = new Map<string, Uint8Array>([['/models/g/model.json', new TextEncoder().encode(JSON.stringify(json))]]);
  if (!dropShard) out.set('/models/g/group1-shard1of1', files.get('group1-shard1of1.bin')!);
  return out;
}

function stubFetch(site: Map<string, Uint8Array>) {
  vi.stubGlobal('self', { location: { href: 'http://test/app/' } });
  vi.stubGlobal('fetch', async (u: URL | string) => {
    const body = site.get(new URL(String(u)).pathname);
    return body ? new Response(body as BlobPart, { status: 200, headers: { 'content-type': 'application/octet-stream' } }) : new Response('not found', { status: 404 });
  });
}

describe('Session.loadModelUrl', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });
  afterEach(() => vi.unstubAllGlobals());

  it('loadModelUrl loads a GraphModel by URL and takes the input of its final Softmax as the logits', async () => {
    const base = residualCnn(5, [8, 8, 3], 3);
    stubFetch(served(base));
    const s = new Session();
    const info = await s.loadModelUrl('/models/g/model.json');
    expect(info.format).toBe('graph-model');
    expect(info.numClasses).toBe(3);
    expect(info.logits).toEqual({ layer: 'logits/BiasAdd', fromSoftmax: true, softmax: 'Softmax' });
    expect(info.layers.map((l) => l.className)).not.toContain('Softmax');
    // The model's output is the logits: the same network without its softmax, through tfjs' predict.
    const exec = (s as unknown as { model: { exec: { predict(x: tf.Tensor): tf.Tensor } } }).model.exec;
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3);
    const got = exec.predict(x).dataSync();
    const want = (base.predict(x) as tf.Tensor).dataSync();
    want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-5));
  });

  it('loadModelUrl names a shard the server does not have', async () => {
    stubFetch(served(residualCnn(5, [8, 8, 3], 3), { dropShard: true }));
    await expect(new Session().loadModelUrl('/models/g/model.json')).rejects.toThrow(/^group1-shard1of1: weight shard is missing \(named in model\.json's weightsManifest; \/models\/g\/group1-shard1of1 answered 404\)\.$/);
  });
});
