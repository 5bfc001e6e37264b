import { describe, expect, it } from 'vitest';
import type { BundleSummary, LayerView } from '../../worker/api';
import { analysisTag, onlyAblationDiffers, parseHash, resolveView, serializeView, type UrlView } from './urlState';

function layer(name: string, K: number, actK = 0): LayerView {
  return {
    name,
    className: 'Conv2D',
    outputShape: [4, 4, 8],
    isCut: true,
    index: 0,
    channels: 8,
    metrics: { hoyerContrib: null, hoyerAct: null, dimContrib: null, dimAct: null, pnCorr: null, completenessMedian: null },
    modes: actK ? { contributions: K - 2, activations: actK } : { contributions: K - 2 },
    modeKind: actK ? { contributions: 'dictionary', activations: 'dictionary' } : { contributions: 'dictionary' },
    dictionaries: { contributions: { kind: 'stsae', K, alive: K - 2, r2: 0.9, trainLoss: [], valLoss: [], epochs: 1 }, ...(actK ? { activations: { kind: 'stsae', K: actK, alive: actK, r2: 0.9, trainLoss: [], valLoss: [], epochs: 1 } } : {}) },
    reduction: 'net',
  };
}
const analysis: Pick<BundleSummary, 'layers' | 'images'> = {
  layers: [layer('conv1', 24), layer('conv2', 36), layer('conv3', 48, 4)],
  images: { count: 200 } as BundleSummary['images'],
};
const fallback = { layer: 'conv3', ablKind: 'destroy' as const, ablPct: 10 };

describe('URL state', () => {
  it('round-trips every field', () => {
    const views: UrlView[] = [
      { bundle: 'demo/bundles/fashion-cnn/', layer: 'conv3', source: 'contributions', mode: 12, image: 40, ablate: { kind: 'destroy', pct: 10 } },
      { bundle: 'https://example.org/x y/bundle/', layer: 'block1/conv&2', source: 'activations', mode: 0, image: 0, ablate: { kind: 'preserve', pct: 99 } },
      { layer: 'dense', mode: 3 },
      { image: 7 },
      { ablate: { kind: 'preserve', pct: 1 } },
      { analysis: analysisTag('analysis:abc:def:{}'), layer: 'conv1', res: 'input', mask: true, sort: 'share', act: true },
      {},
    ];
    for (const v of views) {
      const h = serializeView(v);
      const { view, notices } = parseHash(h);
      expect(notices).toEqual([]);
      // 'contributions' is the default and is not written.
      const expected = { ...v };
      if (expected.source === 'contributions') delete expected.source;
      expect(view).toEqual(expected);
      expect(serializeView(view)).toBe(h);
    }
  });

  it('names an analysis that is not a hosted bundle by a stable 8-digit tag', () => {
    const a = analysisTag('analysis:0123456789ab:ba9876543210:{"steps":10}');
    expect(a).toMatch(/^[0-9a-f]{8}$/);
    expect(analysisTag('analysis:0123456789ab:ba9876543210:{"steps":10}')).toBe(a);
    expect(analysisTag('analysis:0123456789ab:ba9876543210:{"steps":11}')).not.toBe(a);
    // FNV-1a of "a" is e40c292c (the published test vector).
    expect(analysisTag('a')).toBe('e40c292c');
    // A bundle wins over an analysis tag; the display fields are left out at their defaults.
    expect(serializeView({ bundle: 'b/', analysis: a, layer: 'x', res: 'layer', mask: false, sort: 'frequency', act: false })).toBe('#bundle=b/&layer=x');
    expect(parseHash('#analysis=zz&sort=size&mask=2').notices.length).toBe(3);
    expect(onlyAblationDiffers('#layer=a&mode=1', '#layer=a&mode=1&sort=share&res=input')).toBe(true);
  });

  it('writes the documented form', () => {
    expect(serializeView({ bundle: 'demo/bundles/fashion-cnn/', layer: 'conv3', mode: 12, image: 40, ablate: { kind: 'destroy', pct: 10 } })).toBe('#bundle=demo/bundles/fashion-cnn/&layer=conv3&mode=12&image=40&ablate=destroy:10');
  });

  it('drops malformed fields with a notice and never throws', () => {
    const { view, notices } = parseHash('#layer=conv2&mode=-3&image=abc&ablate=melt:5&source=x&foo=1&bundle=%E0%A4%A');
    expect(view).toEqual({ layer: 'conv2' });
    expect(notices.length).toBe(6);
    expect(parseHash('').view).toEqual({});
    expect(parseHash('#').view).toEqual({});
    expect(parseHash('#&&').notices).toEqual([]);
  });

  it('clamps the ablation p to 1-99 whole percents with a notice', () => {
    expect(parseHash('#ablate=destroy:150')).toMatchObject({ view: { ablate: { kind: 'destroy', pct: 99 } } });
    expect(parseHash('#ablate=preserve:0').view.ablate).toEqual({ kind: 'preserve', pct: 1 });
    expect(parseHash('#ablate=preserve:0').notices.length).toBe(1);
    expect(parseHash('#ablate=destroy:12.4').view.ablate).toEqual({ kind: 'destroy', pct: 12 });
  });

  it('resolves a valid view as it is', () => {
    const r = resolveView({ layer: 'conv2', mode: 30, image: 199, ablate: { kind: 'preserve', pct: 25 } }, analysis, fallback);
    expect(r).toEqual({ layer: 'conv2', source: 'contributions', mode: 30, image: 199, ablKind: 'preserve', ablPct: 25, notices: [] });
    expect(resolveView({ layer: 'conv3', source: 'activations', mode: 3 }, analysis, fallback)).toMatchObject({ source: 'activations', mode: 3, notices: [] });
  });

  it('falls back from an unknown layer, a mode or image out of range, with notices', () => {
    const r = resolveView({ layer: 'conv9', mode: 12, image: 5 }, analysis, fallback);
    expect(r).toMatchObject({ layer: 'conv3', mode: null, image: 5 });
    expect(r.notices.length).toBe(2);
    expect(r.notices[0]).toContain('no layer "conv9"');
    const m = resolveView({ layer: 'conv1', mode: 24, image: 200 }, analysis, fallback);
    expect(m).toMatchObject({ layer: 'conv1', mode: null, image: 0 });
    expect(m.notices.join(' ')).toMatch(/mode 24 is out of range.*image 200 is out of range/);
    const s = resolveView({ layer: 'conv1', source: 'activations', mode: 1 }, analysis, fallback);
    expect(s).toMatchObject({ source: 'contributions', mode: 1 });
    expect(s.notices.length).toBe(1);
    // No view at all: the fallback.
    expect(resolveView({}, analysis, fallback)).toEqual({ layer: 'conv3', source: 'contributions', mode: null, image: 0, ablKind: 'destroy', ablPct: 10, notices: [] });
  });

  it('tells slider moves from picks', () => {
    expect(onlyAblationDiffers('#layer=a&mode=1&ablate=destroy:10', '#layer=a&mode=1&ablate=destroy:11')).toBe(true);
    expect(onlyAblationDiffers('#layer=a&mode=1&ablate=destroy:10', '#layer=a&mode=2&ablate=destroy:10')).toBe(false);
    expect(onlyAblationDiffers('#layer=a', '#layer=a')).toBe(false);
  });
});
