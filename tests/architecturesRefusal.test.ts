/**
 * Models CODEC cannot run get one line naming the culprit, and always as a CodecError (the worker
 * passes only {name, message} on): an unknown layer class, a Lambda layer, a Keras layer tfjs lacks
 * (RandomFourierFeatures), and a hook on a layer the model lacks. (GraphModel refusals: graphModel.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { CodecError } from '../src/core/errors';
import { Executor } from '../src/core/model/executor';
import { loadModelFromFiles } from '../src/core/model/load';
import { modelToFiles } from './helpers/modelFiles';
import { randomImages, residualCnn } from './helpers/models';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

async function withClass(className: string): Promise<unknown> {
  const files = await modelToFiles(residualCnn(3));
  const text = new TextDecoder().decode(files.get('model.json')!);
  // Turn layer c2 (the second Conv2D) into `className`.
  const json = JSON.parse(text);
  const layer = (json.modelTopology.model_config ?? json.modelTopology).config.layers.find((l: { name: string }) => l.name === 'c2');
  layer.class_name = className;
  files.set('model.json', new TextEncoder().encode(JSON.stringify(json)));
  return loadModelFromFiles(files).catch((e: unknown) => e);
}

describe('clear refusals for LayersModels', () => {
  it.each([
    ['MyCustomLayer', /^model\.json: layer class MyCustomLayer \(layer c2\) is not supported by tfjs \(no Lambda or custom layers\), so the model cannot load; the layers before it are inp \(InputLayer\), c1 \(Conv2D\) \(save the model up to there, or replace the layer, to analyze them\)\.$/],
    ['Lambda', /^model\.json: layer class Lambda \(layer c2\) is not supported by tfjs .*; the layers before it are inp \(InputLayer\), c1 \(Conv2D\) /],
    ['RandomFourierFeatures', /^model\.json: layer class RandomFourierFeatures \(layer c2\) is not supported by tfjs/],
  ])('loadModelFromFiles refuses %s in one line', async (cls, re) => {
    const err = await withClass(cls);
    expect(err).toBeInstanceOf(CodecError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).not.toContain('\n');
  });

  it('a hook or a frontier at a layer the model lacks is an InputError naming the layers', () => {
    const exec = new Executor(residualCnn(3));
    const x = randomImages([1, 8, 8, 2]);
    const err = (() => {
      try {
        exec.run(x, { capture: ['nope'] });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CodecError);
    expect((err as CodecError).kind).toBe('InputError');
    expect(() => exec.run(x, { capture: ['nope'] })).toThrow(/^Executor: unknown layer nope \(model layers: c1, c2, add, r, c3, gap, logits\)\.$/);
    expect(() => exec.forwardTo(x, 'nope')).toThrow(/^Executor\.forwardTo: nope is not a top-level layer of the model\.$/);
    x.dispose();
  });
});
