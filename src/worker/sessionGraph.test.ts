/**
 * The worker API on a GraphModel (model.json with format "graph-model", as files dropped on the
 * page) and the worker's refusals. The GraphModel is the residual CNN's LayersModel written as
 * a converted graph with the same weights (residual add included), so the LayersModel session
 * is the independent reference: the same contributions, decomposition and ablation at the same
 * layer. Refusals: an unknown layer class, a Lambda layer and a graph op without a gradient each
 * give one line naming it and the layers that remain usable, and the session still works after.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../cli/nodeBackend';
import { residualGraphFiles } from '../../tests/helpers/graphModels';
import { modelToFiles } from '../../tests/helpers/modelFiles';
import { residualCnn } from '../../tests/helpers/models';
import type { AnalyzeSettings } from './api';
import { Session } from './session';
import { fileEntries as entries, imageSetEntries as imageSet } from '../../tests/helpers/workerFiles';

/** This file's image set: n 6x6x1 images from seed 11. */
const imageSetEntries = (n = 6) => imageSet(n, 11);

const SETTINGS: AnalyzeSettings = { layers: [], method: 'conductance', target: 'logit', baseline: 'zeros', steps: 6, modes: false, useCache: false };

let layersFiles: Map<string, Uint8Array>;
let graphFiles: Map<string, Uint8Array>;
let d2sFiles: Map<string, Uint8Array>;

beforeAll(async () => {
  await useNodeBackend('wasm');
  const m = residualCnn(5, [6, 6, 1], 3);
  layersFiles = await modelToFiles(m);
  graphFiles = residualGraphFiles(m).files;
  d2sFiles = residualGraphFiles(m, { head: 'DepthToSpace' }).files;
  m.dispose();
});

function withClass(className: string): Map<string, Uint8Array> {
  const json = JSON.parse(new TextDecoder().decode(layersFiles.get('model.json')!));
  const layer = (json.modelTopology.model_config ?? json.modelTopology).config.layers.find((l: { name: string }) => l.name === 'c2');
  layer.class_name = className;
  return new Map([...layersFiles, ['model.json', new TextEncoder().encode(JSON.stringify(json))]]);
}

describe('Session on a GraphModel', () => {
  it('lists the graph nodes as layers, and analysis and ablation equal the LayersModel of the same weights', async () => {
    const g = new Session();
    const info = await g.loadModel(entries(graphFiles));
    expect(info.format).toBe('graph-model');
    expect(info.notes).toEqual([]);
    expect(info.inputShape).toEqual([6, 6, 1]);
    expect(info.numClasses).toBe(3);
    const names = info.layers.map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['c1/Relu', 'c2/Relu', 'add/add', 'r/Relu', 'c3/Relu', 'gap/Mean']));
    const add = info.layers.find((l) => l.name === 'add/add')!;
    expect([add.className, add.outputShape, add.analyzable]).toEqual(['AddV2', [6, 6, 4], true]);
    // The residual add is bypassed by nothing after it (a cut); c2 is bypassed by the skip path.
    expect(add.isCut).toBe(true);
    expect(info.layers.find((l) => l.name === 'c2/Relu')!.isCut).toBe(false);
    // Parameters: the manifest's weights (c1 3*3*1*4+4, c2 3*3*4*4+4, c3 3*3*4*6+6, logits 6*3+3).
    expect(info.params).toBe(40 + 148 + 222 + 21);

    const l = new Session();
    expect((await l.loadModel(entries(layersFiles))).format).toBe('layers-model');
    await g.loadImages(imageSetEntries());
    await l.loadImages(imageSetEntries());
    const sg = await g.analyze({ ...SETTINGS, layers: ['add/add', 'c3/Relu'] }, () => undefined);
    await l.analyze({ ...SETTINGS, layers: ['add', 'c3'] }, () => undefined);
    expect(sg.layers.map((x) => x.name)).toEqual(['add/add', 'c3/Relu']);
    for (const [gl, ll] of [['add/add', 'add'], ['c3/Relu', 'c3']]) {
      for (const image of [0, 4]) {
        const dg = await g.decomposition(image, gl, 'contributions');
        const dl = await l.decomposition(image, ll, 'contributions');
        expect([dg.predicted, dg.targetClass, dg.bars.length]).toEqual([dl.predicted, dl.targetClass, dl.bars.length]);
        expect(dg.F).toBeCloseTo(dl.F, 4);
        expect(dg.dF).toBeCloseTo(dl.dF, 4);
        expect(dg.residual).toBeCloseTo(dl.residual, 4);
        dg.bars.forEach((b, i) => {
          expect(b.mode).toBe(dl.bars[i].mode);
          expect(b.share).toBeCloseTo(dl.bars[i].share, 4);
        });
      }
    }
    // Ablation at the residual add: the channel "modes" (no SAE), the same channels destroyed.
    const grid = await g.modeGrid('add/add', 'contributions');
    const req = { source: 'contributions' as const, mode: grid.cards[0].id, image: 2, pct: 50, kind: 'destroy' as const };
    const rg = await g.ablate({ ...req, layer: 'add/add' });
    const rl = await l.ablate({ ...req, layer: 'add' });
    expect(rg.channels).toEqual(rl.channels);
    for (let k = 0; k < 3; k++) {
      expect(rg.before[k]).toBeCloseTo(rl.before[k], 5);
      expect(rg.after[k]).toBeCloseTo(rl.after[k], 5);
    }
    expect(Math.max(...rg.after.map((v, k) => Math.abs(v - rg.before[k])))).toBeGreaterThan(1e-4); // the ablation did something
  });
});

describe('the worker refuses what it cannot run, in one line, and keeps working', () => {
  it.each([
    ['an unknown layer class', 'MyCustomLayer'],
    ['a Lambda layer', 'Lambda'],
  ])('%s: the message names it and the layers before it', async (_, cls) => {
    const s = new Session();
    const err = await s.loadModel(entries(withClass(cls))).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(new RegExp(`^model\\.json: layer class ${cls} \\(layer c2\\) is not supported by tfjs .*; the layers before it are inp \\(InputLayer\\), c1 \\(Conv2D\\) `));
    // The same session loads and analyzes a good model afterwards.
    await s.loadModel(entries(layersFiles));
    await s.loadImages(imageSetEntries(3));
    expect((await s.analyze({ ...SETTINGS, layers: ['c3'], steps: 2 }, () => undefined)).layers.length).toBe(1);
  });

  it('a graph op without a gradient: the model loads, a note names the op and the usable layers, analysis there is refused, ablation works', async () => {
    const s = new Session();
    const info = await s.loadModel(entries(d2sFiles));
    expect(info.notes).toHaveLength(1);
    expect(info.notes[0]).toMatch(/^op DepthToSpace \(node d2s\/DepthToSpace\) has no gradient in tfjs, so the layers before it cannot be analyzed; usable layers: .*c3\/Relu.* \(ablation works at every layer\)\.$/);
    const usable = info.layers.filter((l) => l.analyzable).map((l) => l.name);
    expect(usable).toContain('c3/Relu');
    expect(usable).not.toContain('add/add');
    expect(info.layers.some((l) => l.name === 'add/add')).toBe(true); // listed, only not analyzable
    await s.loadImages(imageSetEntries(3));
    await expect(s.analyze({ ...SETTINGS, layers: ['add/add'], steps: 2 }, () => undefined)).rejects.toThrow(/op DepthToSpace \(node d2s\/DepthToSpace\) has no gradient in tfjs, so gradient methods cannot reach add\/add; they work at: .*c3\/Relu/);
    // Not stuck: a usable layer analyzes next, and ablation runs on it.
    const sum = await s.analyze({ ...SETTINGS, layers: ['c3/Relu'], steps: 2 }, () => undefined);
    expect(sum.layers.map((l) => l.name)).toEqual(['c3/Relu']);
    const grid = await s.modeGrid('c3/Relu', 'contributions');
    const r = await s.ablate({ layer: 'c3/Relu', source: 'contributions', mode: grid.cards[0].id, image: 0, pct: 50, kind: 'destroy' });
    expect(r.after.length).toBe(3);
  });
});
