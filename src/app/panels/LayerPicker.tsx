/**
 * The layers to analyze (#17): a tall list with full names (wrapped, and in the tooltip with the
 * layer's class and shape), the suggested few (defaultLayers.ts) pre-checked, none / all /
 * suggested buttons, and the estimated time of the selection next to Analyze.
 */
import { useEffect, useState } from 'react';
import { useApp, useController } from '../context';
import { defaultLayers } from '../defaultLayers';
import { duration } from '../draw/format';

export function LayerPicker() {
  const model = useApp((s) => s.model)!;
  const settings = useApp((s) => s.settings);
  const setSettings = useApp((s) => s.setSettings);
  const analyzing = useApp((s) => s.job.kind === 'analyzing');
  const toggle = (name: string, on: boolean) => setSettings({ layers: on ? [...settings.layers, name] : settings.layers.filter((l) => l !== name) });
  const analyzable = model.layers.filter((l) => l.analyzable).map((l) => l.name);
  return (
    <>
      <div className="layer-pick-bar small">
        <span data-testid="layer-count">
          {settings.layers.length} of {analyzable.length} layers
        </span>
        <button type="button" className="small" disabled={analyzing} data-testid="layers-suggested" title="A few sensible layers: block outputs (Add, Concatenate), the last layer before each shrink of the map, and the last hidden layer" onClick={() => setSettings({ layers: defaultLayers(model.layers) })}>
          suggested
        </button>
        <button type="button" className="small" disabled={analyzing} data-testid="layers-none" onClick={() => setSettings({ layers: [] })}>
          none
        </button>
        <button type="button" className="small" disabled={analyzing} data-testid="layers-all" title="Every analyzable layer (a long run on a big model)" onClick={() => setSettings({ layers: analyzable })}>
          all
        </button>
      </div>
      <div className="layer-pick tall" role="group" aria-label="Layers to analyze" data-testid="layer-pick">
        {model.layers.map((l) => (
          <label key={l.name} className={l.analyzable ? '' : 'muted'} title={`${l.name}: ${l.className}, output ${l.outputShape.join('×')}${l.isCut ? ', a cut: contributions sum to F(x) - F(x0)' : ', not a cut (a skip path bypasses it)'}`}>
            <input type="checkbox" checked={settings.layers.includes(l.name)} disabled={analyzing} onChange={(e) => toggle(l.name, e.target.checked)} />
            <span className="lp-name">{l.name}</span>
            <span className="lp-meta">
              {l.className} {l.outputShape.join('×')}
              {l.isCut ? <span className="lp-cut"> · cut</span> : ''}
            </span>
          </label>
        ))}
      </div>
    </>
  );
}

/** The estimated time of the picked analysis from a one-image probe (speedProbe.ts), before it starts. */
export function AnalyzeEstimate() {
  const controller = useController();
  const model = useApp((s) => s.model);
  const images = useApp((s) => s.images);
  const settings = useApp((s) => s.settings);
  const idle = useApp((s) => s.job.kind === 'idle');
  // ms: undefined while the probe runs, null when it could not run (no estimate then).
  const [probe, setProbe] = useState<{ key: string; ms: number | null | undefined } | null>(null);
  const key = model && images ? `${model.hash}|${images.hash}` : null;
  const layer = settings.layers[0] ?? model?.layers.find((l) => l.analyzable)?.name;
  useEffect(() => {
    if (!key || !layer || !idle || probe?.key === key) return;
    let live = true;
    setProbe({ key, ms: undefined });
    void controller.speedProbe(layer).then((ms) => live && setProbe({ key, ms }));
    return () => {
      live = false;
    };
    // The probe is per model and image set; the layer it ran at stands for the others.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, idle]);
  if (!images || !settings.layers.length || probe?.key !== key) return null;
  const points = settings.steps + 1;
  if (probe.ms === undefined) return <span className="muted small" data-testid="analyze-estimate">timing one image…</span>;
  if (probe.ms === null) return null;
  const ms = probe.ms * images.count * settings.layers.length * points;
  return (
    <span className="muted small" data-testid="analyze-estimate" data-ms={Math.round(ms)} title={`Measured: ${probe.ms.toFixed(2)} ms per image and path point (one image through one gradient pass, here, now); × ${images.count} images × ${settings.layers.length} layers × ${points} points${settings.modes ? '; the SAE training of the modes comes on top' : ''}`}>
      about {duration(ms)}
      {settings.modes ? ' + modes' : ''}
    </span>
  );
}
