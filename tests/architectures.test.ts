/**
 * The hookable executor on the Keras application architectures people convert (ResNet-50,
 * MobileNetV2, VGG-16, an EfficientNet-style net, and every other layer class tfjs has), at 64x64
 * and a quarter of the width: equal to tfjs' predict, equal after a save/load round trip, cuts
 * where the architecture says, and conductance complete at cuts (plain error under 5%, steps raised until converged).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { attribute } from '../src/core/attribution/attribute';
import { conductance } from '../src/core/attribution/conductance';
import { Executor } from '../src/core/model/executor';
import { loadModelFromFiles } from '../src/core/model/load';
import { allLayersModel, calibrateBatchNorm, efficientNetLike, mobileNetV2Like, resnet50Like, vgg16Like } from './helpers/architectures';
import { modelToFiles } from './helpers/modelFiles';
import { randomImages } from './helpers/models';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

interface ArchCase {
  build: () => tf.LayersModel;
  /** Cut layers where completeness is checked. */
  cutsToAttribute: string[];
  /** The expected cut set, from the architecture's own rule (not from findCuts). */
  isCut: (name: string, all: string[]) => boolean;
}

const prefixOf = (n: string, re: RegExp) => re.exec(n)?.[1] ?? '';

const CASES: Record<string, ArchCase> = {
  'ResNet-50': {
    build: resnet50Like,
    cutsToAttribute: ['pool1_pool', 'conv2_block3_out', 'conv3_block4_add', 'conv4_block6_out'],
    // Everything inside a bottleneck block is bypassed (by the identity or the projection shortcut).
    isCut: (n) => !/^conv\d_block\d+_/.test(n) || /_(add|out)$/.test(n),
  },
  MobileNetV2: {
    build: mobileNetV2Like,
    cutsToAttribute: ['Conv1_relu', 'block_2_add', 'block_6_project_BN', 'block_12_add'],
    // Layers of a block with a residual Add are bypassed; blocks without one are a chain.
    isCut: (n, all) => {
      const p = prefixOf(n, /^(block_\d+_|expanded_conv_)/);
      return !p || n === p + 'add' || !all.includes(p + 'add');
    },
  },
  'VGG-16': {
    build: vgg16Like,
    cutsToAttribute: ['block2_pool', 'block4_conv2', 'fc1'],
    isCut: () => true,
  },
  'EfficientNet block': {
    build: efficientNetLike,
    cutsToAttribute: ['stem_activation', 'block2_se_excite', 'block3_add', 'top_activation'],
    // The squeeze-excitation branch is bypassed by the tensor it rescales; residual blocks as above.
    isCut: (n, all) => {
      const p = prefixOf(n, /^(block\d+_)/);
      if (!p) return true;
      if (/_se_(squeeze|reshape|reduce|expand)$/.test(n)) return false;
      return n === p + 'add' || !all.includes(p + 'add');
    },
  },
  'every other layer class': {
    build: allLayersModel,
    cutsToAttribute: ['merge', 'inner_seq/seq_gelu', 'inner_model/inner_tanh', 'joined'],
    isCut: (n) =>
      ['rescale', 'pad', 'stem', 'stem_act', 'merge', 'pool_avg', 'inner_seq', 'inner_model', 'joined', 'heads', 'reshape', 'flat', 'fc', 'drop', 'logits'].includes(n) ||
      n.startsWith('inner_seq/') ||
      ['inner_model/inner_add', 'inner_model/inner_tanh'].includes(n),
  },
};

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe.each(Object.entries(CASES))('%s', (name, c) => {
  let model: tf.LayersModel;
  let exec: Executor;
  beforeAll(() => {
    const calib = randomImages([8, 64, 64, 3], 11);
    model = calibrateBatchNorm(c.build(), calib);
    calib.dispose();
    exec = new Executor(model);
  });

  it('Executor.predict equals model.predict and survives a save/load round trip', async () => {
    const x = randomImages([2, 64, 64, 3], 5);
    const want = model.predict(x) as tf.Tensor;
    const got = exec.predict(x);
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-4);
    const { model: back } = await loadModelFromFiles(await modelToFiles(model));
    const again = new Executor(back).predict(x);
    expect(maxAbsDiff(again, want)).toBeLessThan(1e-4);
    expect(new Executor(back).layers().map((l) => l.name)).toEqual(exec.layers().map((l) => l.name));
    tf.dispose([x, want, got, again]);
    back.dispose();
  });

  it('findCuts marks exactly the layers the architecture puts on every path', () => {
    const names = exec.layers().map((l) => l.name);
    const want = names.filter((n) => c.isCut(n, names));
    expect([...exec.cuts].sort()).toEqual(want.sort());
  });

  it('conductance is complete (plain error < 5%) at cut layers with steps raised until converged', async () => {
    const x = randomImages([1, 64, 64, 3], 3);
    // At a fixed 32 steps the plain error |sum C - dF| / |dF| was 1.9-9.1% at some cuts of four of these
    // (the symmetric measure once reported hid it; the test said < 1%): the steps are raised per image
    // until under 5%. Under 1% took 128 (ResNet), 256 (VGG), 64 (all layers) steps, and more than 1024 on
    // this random MobileNetV2 (random deep nets are far rougher along the path than trained ones).
    const r = await attribute(exec, x, { layers: c.cutsToAttribute, autoSteps: { target: 0.05, start: 32, cap: 512 } });
    console.log(`[architectures] ${name}: steps used ${r.stepsUsed![0]}`);
    expect(r.stepsUsed![0]).toBeLessThan(512);
    const dF = r.F[0] - r.F0[0];
    for (const l of c.cutsToAttribute) {
      const err = r.layers.get(l)!.completeness;
      expect(err, l).not.toBeNull();
      expect(err![0], l).toBeLessThan(0.05);
      // Independent of the stored error: the layer's sum against F(x) - F(x0).
      expect(Math.abs(r.layers.get(l)!.total[0] - dF) / Math.abs(dF), l).toBeLessThan(0.05);
    }
    x.dispose();
  });
});

describe('executor on nested models and shared layers', () => {
  it('hooks reach a shared layer per application and inside nested models', () => {
    const model = allLayersModel();
    const exec = new Executor(model);
    const names = exec.layers().map((l) => l.name);
    expect(names.filter((n) => n.startsWith('shared'))).toEqual(['shared', 'shared@1']);
    const x = randomImages([2, 64, 64, 3], 9);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      // joined = shared(a) + shared(b): zeroing the second application leaves the first.
      const c = exec.run(x, { masks: new Map([['shared@1', tf.zeros([8])]]), capture: ['shared', 'joined', 'inner_seq', 'inner_model/inner_tanh', 'inner_model'] }).captured;
      expect(maxAbsDiff(c.get('joined')!, c.get('shared')!)).toBe(0);
      // The nested model's last layer is its output, and equals the nested model run on its input.
      expect(maxAbsDiff(c.get('inner_model/inner_tanh')!, c.get('inner_model')!)).toBe(0);
      const inner = model.getLayer('inner_model') as unknown as tf.LayersModel;
      expect(maxAbsDiff(inner.predict(c.get('inner_seq')!) as tf.Tensor, c.get('inner_model')!)).toBeLessThan(1e-5);
    });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
