/**
 * Memory over time: 1,000 ablations (AblationSession, a new session every 100) and 20 whole
 * analyses (contributions, metrics, a tiny SAE on each layer) in a row leave tf.memory()'s
 * tensor count and bytes where they were after a warm-up: nothing accumulates in a long session.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { AblationSession } from '../src/core/ablation/ablate';
import { Executor } from '../src/core/model/executor';
import { analyze } from '../src/core/pipeline/analyze';
import type { InputSet } from '../src/core/pipeline/imageBatch';
import { chainCnn } from './helpers/models';

const memory = () => ({ numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes });

let model: tf.LayersModel;
let exec: Executor;

beforeAll(async () => {
  await useNodeBackend('wasm');
  model = chainCnn();
  exec = new Executor(model);
});

function imageSet(n: number): InputSet {
  const data = new Float32Array(n * 36);
  let a = 11;
  for (let i = 0; i < data.length; i++) data[i] = ((a = (a * 1103515245 + 12345) % 2 ** 31) % 1000) / 1000;
  return { data, n, height: 6, width: 6, channels: 1, names: Array.from({ length: n }, (_, i) => `img${i}`), labels: Array.from({ length: n }, (_, i) => i % 3) };
}

describe('memory stays flat', () => {
  it('over 1,000 ablations', () => {
    const x = tf.tensor4d(imageSet(4).data, [4, 6, 6, 1]);
    const scores = Float32Array.from([0.5, 0.1, 0.9, 0.3]);
    const run = (count: number) => {
      let s = new AblationSession(exec, x, 'b');
      for (let i = 0; i < count; i++) {
        if (i > 0 && i % 100 === 0) {
          s.dispose();
          s = new AblationSession(exec, x, 'b');
        }
        const out = s.ablate(scores, 25 + (i % 4) * 25, i % 2 ? 'destroy' : 'preserve');
        expect(out.after.length).toBe(12);
      }
      s.dispose();
    };
    run(10); // warm-up (kernels, backend caches)
    const start = memory();
    run(1000);
    expect(memory()).toEqual(start);
    x.dispose();
  });

  it('over 20 analyses', async () => {
    const set = imageSet(6);
    const once = () =>
      analyze(exec, set, {
        layers: ['a', 'b'],
        steps: 2,
        sae: 'stsae',
        saeOn: 'both',
        K: 4,
        saeEpochs: 2,
        classNames: ['x', 'y', 'z'],
        preprocessing: { height: 6, width: 6, channels: 1, scale: 1, offset: 0, mean: [0], std: [1] },
        model: { path: 'model.json', sha256: '0'.repeat(64) },
        backend: tf.getBackend(),
      });
    await once(); // warm-up
    const start = memory();
    let bytes = 0;
    for (let i = 0; i < 20; i++) bytes += (await once()).files.size;
    expect(bytes).toBeGreaterThan(20 * 5);
    expect(memory()).toEqual(start);
  }, 60_000);
});
