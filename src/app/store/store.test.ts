import { describe, expect, it } from 'vitest';
import { withoutTitle } from '../panels/Banner';
import type { BundleSummary, LayerView } from '../../worker/api';
import { sortCards } from '../controller';
import { filteredImages } from './selectors';
import { createAppStore } from './store';

function layer(name: string, index: number): LayerView {
  const metrics = { hoyerContrib: 0.5, hoyerAct: 0.3, dimContrib: 3, dimAct: 2, pnCorr: 0.9, completenessMedian: 0.01 };
  return { name, className: 'Conv2D', outputShape: [4, 4, 8], isCut: true, index, channels: 8, metrics, modes: { contributions: 8 }, modeKind: { contributions: 'channels' }, dictionaries: {}, reduction: 'net' };
}

function analysis(id: string, layers: string[], n = 6): BundleSummary {
  return {
    id,
    origin: 'demo',
    modelName: 'm',
    modelHash: 'h',
    hasModel: true,
    settings: { method: 'conductance', target: 'logit', steps: 10, baseline: 'zeros', reduction: 'net', backend: 'wasm' },
    classNames: ['a', 'b', 'c'],
    images: {
      count: n,
      names: Array.from({ length: n }, (_, i) => `img${i}`),
      labels: Int32Array.from({ length: n }, (_, i) => i % 3),
      predicted: Int32Array.from({ length: n }, (_, i) => (i === 4 ? 0 : i % 3)),
      F: new Float32Array(n),
      F0: new Float32Array(n),
      targetClass: new Int32Array(n),
    },
    layers: layers.map(layer),
    sprite: null,
    partial: false,
    cutShort: null,
    createdAt: '',
  };
}

describe('app store', () => {
  it('setAnalysis picks the deepest layer and image 0, and keeps valid picks on a new analysis', () => {
    const store = createAppStore();
    store.getState().setAnalysis(analysis('one', ['c1', 'c2', 'c3']));
    expect(store.getState().layer).toBe('c3');
    expect(store.getState().image).toBe(0);
    store.getState().pickLayer('c2');
    store.getState().pickMode(5);
    store.getState().pickImage(4);
    store.getState().setAnalysis(analysis('two', ['c1', 'c2'], 10));
    expect(store.getState()).toMatchObject({ layer: 'c2', mode: 5, image: 4 });
    store.getState().setAnalysis(analysis('three', ['d1'], 3));
    expect(store.getState()).toMatchObject({ layer: 'd1', mode: null, image: 0 });
  });

  it('notes about an analysis go when another opens; others stay', () => {
    const store = createAppStore();
    store.getState().setAnalysis(analysis('one', ['c1']));
    store.getState().pushMessage({ level: 'warning', title: 'Link', message: 'link: mode 9 of c1 is not alive', analysisId: 'one' });
    store.getState().pushMessage({ level: 'info', title: 'Restored', message: 'kept' });
    store.getState().setAnalysis(analysis('one', ['c1']));
    expect(store.getState().messages.map((m) => m.title)).toEqual(['Link', 'Restored']);
    store.getState().setAnalysis(analysis('two', ['c1']));
    expect(store.getState().messages.map((m) => m.title)).toEqual(['Restored']);
  });

  it('a banner does not repeat its title ("Link link: ...")', () => {
    expect(withoutTitle('Link', 'link: mode 3 is not alive')).toBe('mode 3 is not alive');
    expect(withoutTitle('Analysis cancelled', 'analyze: cancelled')).toBe('analyze: cancelled');
  });

  it('setAnalysis prefers the deepest layer that has modes', () => {
    const store = createAppStore();
    const a = analysis('one', ['c1', 'c2', 'c3']);
    a.layers[2].modes = { contributions: 0 };
    store.getState().setAnalysis(a);
    expect(store.getState().layer).toBe('c2');
  });

  it('pickLayer clears the mode; the same layer keeps it', () => {
    const store = createAppStore();
    store.getState().setAnalysis(analysis('one', ['c1', 'c2']));
    store.getState().pickMode(3, 'activations');
    store.getState().pickLayer('c2');
    expect(store.getState().mode).toBe(3);
    store.getState().pickLayer('c1');
    expect(store.getState()).toMatchObject({ layer: 'c1', mode: null, source: 'activations' });
  });

  it('hiding activation modes returns the pick to contribution modes', () => {
    const store = createAppStore();
    store.getState().setShowActivations(true);
    store.getState().pickMode(1, 'activations');
    store.getState().setShowActivations(false);
    expect(store.getState().source).toBe('contributions');
  });

  it('setOpacity clamps to [0, 1]', () => {
    const store = createAppStore();
    store.getState().setOpacity(3);
    expect(store.getState().opacity).toBe(1);
    store.getState().setOpacity(-1);
    expect(store.getState().opacity).toBe(0);
  });

  it('setProgress only applies while analyzing', () => {
    const store = createAppStore();
    const p = { stage: 'contributions', done: 1, total: 2, unit: 'images', layersDone: [], elapsedMs: 5, fraction: 0, etaMs: null };
    store.getState().setProgress(p);
    expect(store.getState().job).toEqual({ kind: 'idle' });
    store.getState().setJob({ kind: 'analyzing', progress: null, cancelling: false });
    store.getState().setProgress(p);
    expect(store.getState().job).toEqual({ kind: 'analyzing', progress: p, cancelling: false });
  });

  it('pushMessage drops duplicates and keeps the last four', () => {
    const store = createAppStore();
    for (let i = 0; i < 6; i++) store.getState().pushMessage({ level: 'error', title: 't', message: `m${i}` });
    store.getState().pushMessage({ level: 'error', title: 't', message: 'm5' });
    expect(store.getState().messages.map((m) => m.message)).toEqual(['m2', 'm3', 'm4', 'm5']);
    store.getState().clearMessages('error');
    expect(store.getState().messages).toEqual([]);
  });

  it('holds no tensors: the whole state survives structuredClone minus its functions', () => {
    const store = createAppStore();
    store.getState().setAnalysis(analysis('one', ['c1']));
    const plain = Object.fromEntries(Object.entries(store.getState()).filter(([, v]) => typeof v !== 'function'));
    expect(() => structuredClone(plain)).not.toThrow();
  });
});

describe('filteredImages', () => {
  const a = analysis('one', ['c1'], 6);
  it('filters by label, prediction and misclassification', () => {
    expect(filteredImages(a, { kind: 'all' })).toEqual([0, 1, 2, 3, 4, 5]);
    expect(filteredImages(a, { kind: 'class', cls: 1 })).toEqual([1, 4]);
    expect(filteredImages(a, { kind: 'predicted', cls: 0 })).toEqual([0, 3, 4]);
    expect(filteredImages(a, { kind: 'misclassified' })).toEqual([4]);
  });
  it('filteredImages(null) is empty', () => {
    expect(filteredImages(null, { kind: 'all' })).toEqual([]);
  });
});

describe('sortCards', () => {
  it('sortCards orders by the field, NaN last, ties by id', () => {
    const cards = [
      { id: 3, frequency: 0.5, selectivity: NaN, share: 1 },
      { id: 1, frequency: 0.5, selectivity: 0.2, share: 3 },
      { id: 2, frequency: 0.9, selectivity: 0.7, share: 2 },
    ];
    expect(sortCards(cards, 'frequency').map((c) => c.id)).toEqual([2, 1, 3]);
    expect(sortCards(cards, 'selectivity').map((c) => c.id)).toEqual([2, 1, 3]);
    expect(sortCards(cards, 'share').map((c) => c.id)).toEqual([1, 2, 3]);
  });
});

describe('live SAE loss curves', () => {
  it('setProgress appends each SAE epoch to its layer and source, and ignores progress without one', () => {
    const store = createAppStore();
    const base = { stage: 'sparse autoencoders', done: 4, total: 4, unit: 'images', layersDone: [], elapsedMs: 1, fraction: 0, etaMs: null };
    store.getState().setJob({ kind: 'analyzing', progress: null, cancelling: false });
    const pts = [
      { layer: 'c1', source: 'contributions', epoch: 1, trainLoss: 3, valLoss: 4 },
      { layer: 'c1', source: 'contributions', epoch: 2, trainLoss: 2, valLoss: 3.5 },
      { layer: 'c1', source: 'activations', epoch: 1, trainLoss: 9, valLoss: 8 },
    ];
    for (const sae of pts) store.getState().setProgress({ ...base, sae });
    store.getState().setProgress(base);
    const j = store.getState().job;
    if (j.kind !== 'analyzing') throw new Error('not analyzing');
    expect(j.curves).toEqual({ 'c1 · contributions': { train: [3, 2], val: [4, 3.5] }, 'c1 · activations': { train: [9], val: [8] } });
    store.getState().setJob({ kind: 'idle' });
    store.getState().setProgress({ ...base, sae: pts[0] });
    expect(store.getState().job).toEqual({ kind: 'idle' });
  });
});
