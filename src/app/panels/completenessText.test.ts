import { describe, expect, it } from 'vitest';
import type { BundleSummary, LayerView } from '../../worker/api';
import { layerCompletenessShort } from './completenessText';

const settings = { method: 'conductance', target: 'logit', steps: 10, baseline: 'zeros', reduction: 'net', backend: 'wasm' } as BundleSummary['settings'];
const layer = (median: number, p90: number) => ({ name: 'l', isCut: true, metrics: { completenessMedian: median, completenessP90: p90 } }) as unknown as LayerView;

describe('the completeness line', () => {
  it('leads with "not converged" when the median passes 5% or the 90th percentile 20%', () => {
    expect(layerCompletenessShort(layer(0.031, 0.24), settings)).toMatch(/^⚠ not converged/);
    expect(layerCompletenessShort(layer(0.06, 0.1), settings)).toMatch(/^⚠ not converged/);
    expect(layerCompletenessShort(layer(0.031, 0.12), settings)).toMatch(/^completeness error/);
  });
});
