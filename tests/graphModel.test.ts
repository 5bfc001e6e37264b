/**
 * GraphModels (converted from SavedModels): loaded from files a test script writes in
 * tfjs-converter's format, run with hooks by GraphExecutor, and checked against the LayersModel
 * with the same weights (tests/helpers/models.ts' residualCnn) run by the LayersModel Executor.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { AblationSession } from '../src/core/ablation/ablate';
import { attribute } from '../src/core/attribution/attribute';
import { conductance } from '../src/core/attribution/conductance';
import { CodecError } from '../src/core/errors';
import { Executor } from '../src/core/model/executor';
import { loadGraphModelFromFiles, loadHookableModel } from '../src/core/model/graphModel';
import { GraphExecutor } from '../src/core/model/graphModelExecutor';
import { disposeFrontier, frontierOutput } from '../src/core/model/runner';
import { GraphBuilder, residualGraphFiles } from './helpers/graphModels';
import { modelToFiles } from './helpers/modelFiles';
import { randomImages, residualCnn } from './helpers/models';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** Graph node -> the equivalent layer of residualCnn. */
const SAME: [string, string][] = [
  ['c1/Relu', 'c1'],
  ['c2/Relu', 'c2'],
  ['add/add', 'add'],
  ['r/Relu', 'r'],
  ['c3/Relu', 'c3'],
  ['gap/Mean', 'gap'],
];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function setup(opts: Parameters<typeof residualGraphFiles>[1] = {}) {
  const model = residualCnn(3);
  const { files, nodes } = residualGraphFiles(model, opts);
  const { model: gm, graph } = await loadGraphModelFromFiles(files);
  return { model, exec: new Executor(model), graph: new GraphExecutor(gm, graph), nodes, files };
}

describe('GraphExecutor on a converted residual CNN', () => {
  it('predict equals the LayersModel with the same weights, also with the batch axis fixed at 1', async () => {
    const x = randomImages([3, 8, 8, 2], 21);
    for (const batch of [-1, 1]) {
      const { model, graph } = await setup({ batch });
      expect(graph.singleSample).toBe(batch === 1);
      expect(maxAbsDiff(graph.predict(x).dataSync(), (model.predict(x) as tf.Tensor).dataSync())).toBeLessThan(1e-5);
    }
    x.dispose();
  });

  it('layers() lists the layer nodes in order with shapes; the residual branch is not a cut', async () => {
    const { graph } = await setup();
    const got = graph.layers().map((l) => [l.name, l.className, l.outputShape.join('x'), l.isCut]);
    expect(got).toEqual([
      ['c1/Conv2D', 'Conv2D', '8x8x4', true],
      ['c1/BiasAdd', 'BiasAdd', '8x8x4', true],
      ['c1/Relu', 'Relu', '8x8x4', true],
      ['c2/Relu', '_FusedConv2D', '8x8x4', false],
      ['add/add', 'AddV2', '8x8x4', true],
      ['r/Relu', 'Relu', '8x8x4', true],
      ['c3/Relu', '_FusedConv2D', '4x4x6', true],
      ['gap/Mean', 'Mean', '6', true],
      ['logits/BiasAdd', '_FusedMatMul', '3', true],
    ]);
    expect(() => graph.layer('nope')).toThrow(/^GraphExecutor: unknown layer node nope \(layer nodes: c1\/Conv2D, /);
  });

  it('reads intermediate nodes, and runs the rest from a fed (replaced) intermediate', async () => {
    const { exec, graph } = await setup();
    const x = randomImages([2, 8, 8, 2], 22);
    tf.tidy(() => {
      const g = graph.run(x, { capture: SAME.map(([n]) => n) }).captured;
      const l = exec.run(x, { capture: SAME.map(([, n]) => n) }).captured;
      for (const [gn, ln] of SAME) expect(maxAbsDiff(g.get(gn)!.dataSync(), l.get(ln)!.dataSync()), gn).toBeLessThan(1e-5);
      // Replace the residual sum by a random tensor: the rest of the network runs from it.
      const rep = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 5);
      const gy = graph.predict(x, { replace: new Map([['add/add', rep]]) });
      const ly = exec.predict(x, { replace: new Map([['add', rep]]) });
      expect(maxAbsDiff(gy.dataSync(), ly.dataSync())).toBeLessThan(1e-5);
    });
    // forwardTo + runFrom reproduces predict, and masks at the frontier's layer apply.
    const before = tf.memory().numTensors;
    const f = graph.forwardTo(x, 'c1/Relu');
    expect(maxAbsDiff(frontierOutput(f).dataSync(), tf.tidy(() => exec.run(x, { capture: ['c1'] }).captured.get('c1')!.dataSync()))).toBeLessThan(1e-5);
    tf.tidy(() => {
      expect(maxAbsDiff(graph.runFrom(f).outputs[0].dataSync(), graph.predict(x).dataSync())).toBeLessThan(1e-6);
      const mask = tf.tensor1d([1, 0, 1, 0]);
      const got = graph.runFrom(f, { masks: new Map([['c1/Relu', mask]]) }).outputs[0];
      const want = exec.predict(x, { masks: new Map([['c1', mask]]) });
      expect(maxAbsDiff(got.dataSync(), want.dataSync())).toBeLessThan(1e-5);
    });
    disposeFrontier(f);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('conductance at graph nodes equals conductance at the LayersModel layers, complete at cuts', async () => {
    const { exec, graph } = await setup();
    const x = randomImages([2, 8, 8, 2], 23);
    const before = tf.memory().numTensors;
    const g = await conductance(graph, x, { layers: ['add/add', 'c2/Relu', 'c3/Relu'], steps: 32 });
    expect(tf.memory().numTensors).toBe(before);
    const l = await conductance(exec, x, { layers: ['add', 'c2', 'c3'], steps: 32 });
    for (const [gn, ln] of [['add/add', 'add'], ['c2/Relu', 'c2'], ['c3/Relu', 'c3']]) {
      expect(maxAbsDiff(g.layers.get(gn)!.net, l.layers.get(ln)!.net), gn).toBeLessThan(1e-4);
    }
    for (const n of ['add/add', 'c3/Relu']) for (const e of g.layers.get(n)!.completeness!) expect(e).toBeLessThan(0.01);
    expect(g.layers.get('c2/Relu')!.completeness).toBeNull();
    // Hidden-path IG runs from the graph's frontier (skip tensors tiled along the path).
    const hg = await attribute(graph, x, { method: 'hidden-ig', layers: ['c1/Relu'], steps: 8 });
    const hl = await attribute(exec, x, { method: 'hidden-ig', layers: ['c1'], steps: 8 });
    expect(maxAbsDiff(hg.layers.get('c1/Relu')!.net, hl.layers.get('c1')!.net)).toBeLessThan(1e-4);
    x.dispose();
  });

  it('ablation at a graph node equals ablation at the LayersModel layer', async () => {
    const { exec, graph } = await setup();
    const x = randomImages([4, 8, 8, 2], 24);
    const scores = Float32Array.from([0.3, -1, 2, 0.5]);
    const before = tf.memory().numTensors;
    const gs = new AblationSession(graph, x, 'r/Relu');
    const ls = new AblationSession(exec, x, 'r');
    for (const kind of ['destroy', 'preserve'] as const) {
      expect(maxAbsDiff(gs.ablate(scores, 50, kind).after, ls.ablate(scores, 50, kind).after)).toBeLessThan(1e-5);
    }
    gs.dispose();
    ls.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('loadHookableModel', () => {
  it('loadHookableModel picks the executor by the model.json format', async () => {
    const model = residualCnn(3);
    const g = await loadHookableModel(residualGraphFiles(model).files);
    const l = await loadHookableModel(await modelToFiles(model));
    expect([g.format, g.exec instanceof GraphExecutor]).toEqual(['graph-model', true]);
    expect([l.format, l.exec instanceof Executor]).toEqual(['layers-model', true]);
    const x = randomImages([2, 8, 8, 2], 26);
    expect(maxAbsDiff(g.exec.predict(x).dataSync(), l.exec.predict(x).dataSync())).toBeLessThan(1e-5);
    g.dispose();
    l.dispose();
    x.dispose();
    await expect(loadHookableModel(new Map([['model.json', new TextEncoder().encode('{"format": "graph-m')]]))).rejects.toThrow(/^model\.json: not valid JSON/);
  });
});

describe('GraphModel refusals', () => {
  it('an op without a gradient: names the op and the nodes where gradient methods still work', async () => {
    const { graph } = await setup({ head: 'DepthToSpace' });
    expect(graph.gradients.blocking).toEqual([{ node: 'd2s/DepthToSpace', op: 'DepthToSpace' }]);
    const x = randomImages([1, 8, 8, 2], 25);
    const err = await conductance(graph, x, { layers: ['add/add'], steps: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodecError);
    expect((err as Error).message).toMatch(
      /^GraphExecutor: op DepthToSpace \(node d2s\/DepthToSpace\) has no gradient in tfjs, so gradient methods cannot reach add\/add; they work at: d2s\/AvgPool, c3\/Relu, gap\/Mean, logits\/BiasAdd \(reading and ablation work at every node\)\.$/,
    );
    // After the op, attribution works; before it, ablation does.
    const ok = await conductance(graph, x, { layers: ['c3/Relu'], steps: 8 });
    expect(ok.layers.get('c3/Relu')!.completeness![0]).toBeLessThan(0.01);
    const s = new AblationSession(graph, x, 'add/add');
    expect(s.ablate(Float32Array.from([1, 2, 3, 4]), 50, 'destroy').after.length).toBe(3);
    s.dispose();
    x.dispose();
  });

  it('loadGraphModelFromFiles names the problem in one line, always as a CodecError', async () => {
    const { files } = residualGraphFiles(residualCnn(3));
    const json = JSON.parse(new TextDecoder().decode(files.get('model.json')!));
    const shard = files.get('group1-shard1of1.bin')!;
    const load = (j: unknown) => loadGraphModelFromFiles(new Map([['model.json', new TextEncoder().encode(JSON.stringify(j))], ['group1-shard1of1.bin', shard]]));
    const cases: [unknown, RegExp][] = [
      [{ ...json, format: 'layers-model' }, /^model\.json: expected a GraphModel \(format "graph-model"\), but format is "layers-model"\.$/],
      [{ ...json, modelTopology: { node: [] } }, /^model\.json: modelTopology has no node list/],
      [{ ...json, modelTopology: { ...json.modelTopology, node: json.modelTopology.node.map((n: { op: string }) => (n.op === 'DepthToSpace' || n.op === 'AddV2' ? { ...n, op: 'FancyAdd' } : n)) } }, /^model\.json: op FancyAdd \(node add\/add\) is not supported by tfjs, so no node of this model can run/],
      [{ ...json, weightsManifest: [{ ...json.weightsManifest[0], weights: json.weightsManifest[0].weights.slice(1) }] }, /weight shards hold \d+ bytes, but model\.json declares weights of \d+ bytes/],
      [{ ...json, modelTopology: { ...json.modelTopology, node: [...json.modelTopology.node, { name: 'inp2', op: 'Placeholder', attr: {} }] }, signature: undefined }, /^model\.json: the graph has 2 inputs \(inp, inp2\); CODEC analyses models with one image input\.$/],
      [{ ...json, modelTopology: { ...json.modelTopology, node: [...json.modelTopology.node, { name: 'w', op: 'Merge', input: ['c1/Relu', 'inp'] }] }, signature: undefined }, /^model\.json: node w \(op Merge\) needs asynchronous execution/],
    ];
    for (const [j, re] of cases) {
      const err = await load(j).catch((e: unknown) => e);
      expect(err, String(re)).toBeInstanceOf(CodecError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain('\n');
    }
    // A NaN weight: refused from the shard's bytes, naming the weight.
    const nanShard = new Float32Array(shard.slice().buffer);
    nanShard[0] = NaN;
    const nanErr = await loadGraphModelFromFiles(new Map([['model.json', files.get('model.json')!], ['group1-shard1of1.bin', new Uint8Array(nanShard.buffer)]])).catch((e: unknown) => e);
    expect(nanErr).toBeInstanceOf(CodecError);
    expect((nanErr as Error).message).toMatch(new RegExp(`^model\\.json: weight ${json.weightsManifest[0].weights[0].name} contains NaN or Inf values`));
    // A weight node with no manifest entry.
    const g = new GraphBuilder();
    const x = g.placeholder('x', [-1, 2]);
    g.op('y', 'MatMul', [x, 'w'], { transpose_a: { b: false }, transpose_b: { b: false } });
    const f = g.files();
    const j2 = JSON.parse(new TextDecoder().decode(f.get('model.json')!));
    j2.modelTopology.node.push({ name: 'w', op: 'Const', attr: {} });
    const err = await loadGraphModelFromFiles(new Map([['model.json', new TextEncoder().encode(JSON.stringify(j2))], ['group1-shard1of1.bin', f.get('group1-shard1of1.bin')!]])).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^model\.json: weight node w has no entry in weightsManifest\.$/);
  });
});
