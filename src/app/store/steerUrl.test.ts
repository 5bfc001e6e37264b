import { describe, expect, it } from 'vitest';
import { onlyAblationDiffers, parseHash, resolveView, serializeView, type UrlView } from './urlState';
import { clampSteer, steerSpec } from './steerSlice';

describe('steering in the link', () => {
  it('round-trips the factor and the kind', () => {
    const views: UrlView[] = [
      { layer: 'conv3', mode: 2, image: 4, ablate: { kind: 'destroy', pct: 10 }, steer: { kind: 'scale', factor: 1.5 } },
      { layer: 'conv3', source: 'activations', mode: 1, ablate: { kind: 'destroy', pct: 25 }, steer: { kind: 'add', factor: -2 } },
      { steer: { kind: 'scale', factor: 0 } },
      { steer: { kind: 'scale', factor: 3 } },
      { steer: { kind: 'add', factor: 0.05 } },
    ];
    for (const v of views) {
      const h = serializeView(v);
      const { view, notices } = parseHash(h);
      expect(notices).toEqual([]);
      expect(view).toEqual(v);
    }
    expect(serializeView({ ablate: { kind: 'destroy', pct: 10 }, steer: { kind: 'scale', factor: 1.5 } })).toBe('#ablate=destroy:10&steer=1.5');
    expect(serializeView({ steer: { kind: 'add', factor: 0.15000000000000002 } })).toBe('#steer=add:0.15');
  });

  it('clamps a factor out of [-2, 3] with a notice; drops text that is not a factor', () => {
    expect(parseHash('#steer=7')).toEqual({ view: { steer: { kind: 'scale', factor: 3 } }, notices: ['link: steering factor 7 is outside -2 to 3; using 3.'] });
    expect(parseHash('#steer=add:-2.5')).toEqual({ view: { steer: { kind: 'add', factor: -2 } }, notices: ['link: steering factor -2.5 is outside -2 to 3; using -2.'] });
    expect(parseHash('#steer=lots')).toEqual({ view: {}, notices: ['link: steer "lots" is not a factor (e.g. steer=1.5 or steer=add:1.5); not steering.'] });
  });

  it('resolveView carries the steering (absent when the link has none); a factor move only replaces the history entry', () => {
    const a = { layers: [], images: { count: 3 } } as never;
    const fb = { layer: null, ablKind: 'destroy' as const, ablPct: 10 };
    expect(resolveView(parseHash('#steer=2').view, a, fb).steer).toEqual({ kind: 'scale', factor: 2 });
    expect(resolveView(parseHash('#image=1').view, a, fb).steer).toBeUndefined();
    expect(onlyAblationDiffers('#layer=a&ablate=destroy:10&steer=1.5', '#layer=a&ablate=destroy:10&steer=2')).toBe(true);
  });

  it('the slider grid and the request: add on a contribution mode scales', () => {
    expect(clampSteer(9)).toBe(3);
    expect(clampSteer(-1.234)).toBeCloseTo(-1.25, 12);
    expect(steerSpec({ steerKind: null, source: 'activations' }, 2)).toBeUndefined();
    expect(steerSpec({ steerKind: 'add', source: 'contributions' }, 2)).toEqual({ kind: 'scale', factor: 2 });
    expect(steerSpec({ steerKind: 'add', source: 'activations' }, 2)).toEqual({ kind: 'add', factor: 2 });
  });
});
