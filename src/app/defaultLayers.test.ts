/**
 * The layers pre-checked after a model loads (defaultLayers.ts, #17): on a MobileNetV2-shaped
 * model, a few block outputs and stage ends and the last hidden layer, never a BatchNorm,
 * pooling, padding or Dropout layer; before, every analyzable layer was checked.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../cli/nodeBackend';
import { mobileNetV2Like } from '../../tests/helpers/architectures';
import { modelToFiles } from '../../tests/helpers/modelFiles';
import { loadModel } from '../worker/model';
import type { LayerSummary } from '../worker/api';
import { defaultLayers } from './defaultLayers';

describe('defaultLayers', () => {
  let layers: LayerSummary[] = [];
  beforeAll(async () => {
    await useNodeBackend('wasm');
    const m = await loadModel(await modelToFiles(mobileNetV2Like({ size: 32 })), 'mobilenetv2');
    layers = m.info.layers;
    m.dispose();
  }, 60_000);

  it('pre-checks a few sensible MobileNetV2 layers', () => {
    const picked = defaultLayers(layers);
    const byName = new Map(layers.map((l) => [l.name, l]));
    const analyzable = layers.filter((l) => l.analyzable).length;
    expect(analyzable).toBeGreaterThan(50);
    expect(picked.length).toBeGreaterThanOrEqual(4);
    expect(picked.length).toBeLessThanOrEqual(9);
    for (const n of picked) expect(byName.get(n)!.className, n).not.toMatch(/BatchNormalization|Pooling|Dropout|ZeroPadding/);
    // The last hidden layer (the last ReLU before the pooling and the classifier), in model order.
    expect(picked.at(-1)).toBe('out_relu');
    expect(picked).toEqual(layers.filter((l) => picked.includes(l.name)).map((l) => l.name));
    // Block outputs (Add merges) are among them, and one layer before each shrink of the map.
    expect(picked.some((n) => byName.get(n)!.className === 'Add')).toBe(true);
    const sizes = new Set(picked.map((n) => byName.get(n)!.outputShape.slice(0, 2).join('x')));
    expect(sizes.size).toBeGreaterThanOrEqual(4);
    console.log(`picked ${picked.length} of ${analyzable}: ${picked.join(', ')}`);
  });

  it('never returns more than max + 1 and keeps a one-layer model usable', () => {
    expect(defaultLayers(layers, 3).length).toBeLessThanOrEqual(4);
    const one: LayerSummary = { name: 'dense', className: 'Dense', outputShape: [10], isCut: true, index: 0, nested: false, analyzable: true };
    expect(defaultLayers([one])).toEqual(['dense']);
    expect(defaultLayers([{ ...one, className: 'BatchNormalization' }])).toEqual([]);
  });
});
