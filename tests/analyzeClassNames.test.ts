/**
 * The engine's analyze refuses class names that do not name every model output, with one line,
 * before it collects anything (the worker and the CLI both pass names from files or folders).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { CodecError } from '../src/core/errors';
import { Executor } from '../src/core/model/executor';
import { analyze } from '../src/core/pipeline/analyze';
import { chainCnn } from './helpers/models';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('analyze and class names', () => {
  it('refuses 2 names for a 3-output model before any contribution is computed, leaving no tensor', async () => {
    const model = chainCnn();
    const exec = new Executor(model);
    expect((model.outputs[0].shape as number[]).at(-1)).toBe(3);
    const set = { data: new Float32Array(4 * 36).fill(0.5), n: 4, height: 6, width: 6, channels: 1, names: ['p', 'q', 'r', 's'] };
    const stages: string[] = [];
    const before = tf.memory().numTensors;
    const err = await analyze(exec, set, {
      layers: ['a'],
      steps: 2,
      sae: 'none',
      classNames: ['x', 'y'],
      preprocessing: { height: 6, width: 6, channels: 1, scale: 1, offset: 0, mean: [0], std: [1] },
      model: { path: 'model.json', sha256: '0'.repeat(64) },
      backend: tf.getBackend(),
      onProgress: (p) => stages.push(p.stage),
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CodecError);
    expect((err as Error).message).toBe('analyze: 2 class names given, but the model has 3 outputs; give one name per output, in output order.');
    expect(stages).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
