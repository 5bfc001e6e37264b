/**
 * Version 1 bundles (the symmetric completeness measure in `completeness`) are read as version 2:
 * the plain error |sum C - dF| / |dF| recomputed from contrib_net, F and F0, checked here against a
 * computation by hand, in the engine's reader and in the worker's.
 */
import { describe, expect, it } from 'vitest';
import { BundleFiles } from '../../worker/bundleFiles';
import { BUNDLE_FORMAT, type BundleManifest } from './manifest';
import { readBundle } from './reader';
import { BundleWriter } from './writer';

/** 4 images, 2 channels; F - F0 = [2, 1, 0.001, -4], sums of contrib_net = [2.2, 0.5, 0.5, -4]. */
function v1(method: BundleManifest['settings']['method'] = 'conductance'): { files: Map<string, Uint8Array>; m: BundleManifest } {
  const w = new BundleWriter();
  const n = 4;
  const net = [1, 1.2, 0.25, 0.25, 3, -2.5, -1, -3];
  const sym = [0.05, 0.3, 0.09, 0];
  const m = {
    format: BUNDLE_FORMAT,
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    model: { path: 'model.json', sha256: '0'.repeat(64) },
    settings: { method, target: 'logit', targetClass: null, steps: 10, baseline: 'zeros', reduction: 'net', seed: 0, backend: 'cpu' },
    preprocessing: { height: 2, width: 2, channels: 1, scale: 1, offset: 0, mean: [0], std: [1] },
    images: ['a', 'b', 'c', 'd'],
    classNames: ['x', 'y'],
    outputs: {
      F: w.add('outputs/F.bin', [3, 1, 1.001, -3], 'float32', [n]),
      F0: w.add('outputs/F0.bin', [1, 0, 1, 1], 'float32', [n]),
      targetClass: w.add('outputs/target_class.bin', new Int32Array(n), 'int32', [n]),
    },
    layers: [
      {
        name: 'l', className: 'Conv2D', outputShape: [1, 1, 2], isCut: true,
        arrays: { contrib_net: w.add('layers/l/contrib_net.bin', net, 'float32', [n, 2]) },
        completeness: sym,
        metrics: { hoyerContrib: 0, hoyerAct: 0, dimContrib: 1, dimAct: 1, prContrib: 1, prAct: 1, pnCorr: 0, completenessMedian: 0.07 },
      },
    ],
  } as unknown as BundleManifest;
  return { files: w.finish({ ...m, version: 2 } as BundleManifest) && new Map([...w.files, ['manifest.json', new TextEncoder().encode(JSON.stringify(m))]]), m };
}

// By hand: gaps |2.2 - 2|, |0.5 - 1|, |0.5 - 0.001|, |-4 - -4| = .2, .5, .499, 0; errors .1, .5, 499, 0.
// Median |dF| = (1 + 2) / 2 = 1.5, so the tiny threshold is .015 and image c (|dF| .001) is tiny.
const errs = [0.1, 0.5, 0.499 / 0.001, 0];

function check(m: BundleManifest, settings = true) {
  const l = m.layers[0];
  expect(m.version).toBe(2);
  expect(l.completenessSymmetric).toEqual([0.05, 0.3, 0.09, 0]);
  l.completeness!.forEach((e, i) => expect(Math.abs(e! - errs[i])).toBeLessThan(1e-3 * Math.max(1, errs[i])));
  expect(l.completenessGap![2]).toBeCloseTo(0.499, 4);
  expect(l.metrics!.completenessTiny).toBe(1);
  expect(l.metrics!.completenessTinyGapMax).toBeCloseTo(0.499, 4);
  // Median of .1, .5, 0 (the tiny image left out) = .1; the symmetric median kept as the extra.
  expect(l.metrics!.completenessMedian).toBeCloseTo(0.1, 5);
  expect(l.metrics!.completenessSymmetricMedian).toBeCloseTo(0.07, 12);
  if (settings) expect(m.settings.tinyDF).toBeCloseTo(0.015, 6);
}

describe('reading version 1 bundles', () => {
  it('the engine reader recomputes the plain error from the arrays', async () => {
    const { files } = v1();
    check((await readBundle(files)).manifest);
  });

  it('the worker reader does the same', async () => {
    const { files } = v1();
    const { validateManifest } = await import('./validate');
    const m = validateManifest(JSON.parse(new TextDecoder().decode(files.get('manifest.json'))));
    check(new BundleFiles(m, files).manifest);
  });

  it('a layer cached by the worker in format 1 is upgraded when the layers are merged', async () => {
    const { files } = v1();
    const { mergeBundles } = await import('../../worker/session');
    // A layer analysed now (format 2) first, then one from the cache in format 1: the merged manifest says 2.
    const m2 = JSON.parse(new TextDecoder().decode(files.get('manifest.json')));
    m2.version = 2;
    m2.layers[0].name = 'k';
    const fresh = new Map(files);
    fresh.set('manifest.json', new TextEncoder().encode(JSON.stringify(m2)));
    const merged = mergeBundles([fresh, files]).manifest;
    expect(merged.layers.map((l) => l.name)).toEqual(['k', 'l']);
    // (The merged settings are the first part's.)
    check({ ...merged, layers: [merged.layers[1]] }, false);
  });

  it('for a method whose dF per layer was not stored, keeps only the symmetric measure, named as such', async () => {
    const { files } = v1('hidden-ig');
    const m = (await readBundle(files)).manifest;
    expect(m.layers[0].completeness).toBeNull();
    expect(m.layers[0].completenessSymmetric).toEqual([0.05, 0.3, 0.09, 0]);
    expect(m.layers[0].metrics!.completenessMedian).toBeNull();
    expect(m.layers[0].metrics!.completenessSymmetricMedian).toBeCloseTo(0.07, 12);
  });
});
