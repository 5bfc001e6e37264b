/**
 * Before an analysis: the first loaded image as the model sees it under the preprocessing in the
 * form (the worker's preview: the input channels as R, G, B with one min-max stretch, its value
 * range) and the model's top 3 classes on it, so a wrong preset shows at once. Also the preset
 * picker that fills the preprocessing form (core/image/presets.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { PRESET_NAMES, PRESETS, matchPreset, presetFields, type PresetName } from '../../core/image/presets';
import type { Preprocessing, PreviewResult } from '../../worker/api';
import { useApp, useController } from '../context';

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The preset select: picking one sets scale, offset, mean, std and channel order in the form. */
export function PresetSelect({ p }: { p: Preprocessing }) {
  const over = useApp((s) => s.preprocessing);
  const setOver = useApp((s) => s.setPreprocessing);
  const current = matchPreset(p);
  const pick = (name: PresetName) => setOver({ ...over, ...presetFields(name, p.channels) });
  return (
    <label className="preset-row small" title="How pixels become model inputs; the preview below shows the result on the first image">
      preset{' '}
      <select value={current ?? 'custom'} onChange={(e) => e.target.value !== 'custom' && pick(e.target.value as PresetName)} data-testid="preprocess-preset">
        <option value="custom" disabled>
          custom
        </option>
        {PRESET_NAMES.map((n) => (
          <option key={n} value={n} disabled={p.channels !== 3 && !!(PRESETS[n].mean || PRESETS[n].std)}>
            {PRESETS[n].label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function PreprocessPreview() {
  const controller = useController();
  const images = useApp((s) => s.images);
  const model = useApp((s) => s.model);
  const over = useApp((s) => s.preprocessing);
  const idle = useApp((s) => s.job.kind === 'idle');
  const [res, setRes] = useState<PreviewResult | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const key = JSON.stringify([model?.hash, images?.hash, over]);
  useEffect(() => {
    if (!images || !model || !idle) return;
    let live = true;
    controller.client.api.preview(0, over).then(
      (r) => live && (setRes(r), setErr(null)),
      (e: Error) => live && (setRes(null), setErr(e.message.split('\n')[0])),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, idle]);
  useEffect(() => {
    const c = canvas.current;
    if (!c || !res) return;
    c.width = res.width;
    c.height = res.height;
    c.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(res.rgba), res.width, res.height), 0, 0);
  }, [res]);
  if (!images || !model) return null;
  if (err) return <p className="small warn" data-testid="preprocess-preview-error">preview: {err}</p>;
  if (!res) return null;
  return (
    <div className="prep-preview small" data-testid="preprocess-preview" data-preset={res.preset ?? 'custom'}>
      <canvas ref={canvas} className="prep-canvas" aria-label={`${res.name} as the model sees it`} />
      <div>
        <div className="muted">
          {res.name} as the model sees it ({res.preset ?? 'custom'}
          {res.preprocessing.channelOrder === 'bgr' ? ', BGR' : ''})
        </div>
        <div data-testid="preview-range">
          values {fmt(res.range[0])} .. {fmt(res.range[1])}; channel means {res.channelMeans.map(fmt).join(', ')}
        </div>
        <ol className="prep-top" data-testid="preview-top">
          {res.top.map((t) => (
            <li key={t.classIndex}>
              {t.name ?? `class ${t.classIndex}`} <b>{(100 * t.prob).toFixed(1)}%</b>
            </li>
          ))}
        </ol>
        {res.differsFromLoaded && (
          <div className="warn" data-testid="preview-reload">
            The images were loaded with another preprocessing: load them again to analyze with this one.
          </div>
        )}
      </div>
    </div>
  );
}
