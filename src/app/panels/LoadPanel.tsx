/** The sidebar: demo picker, model / images / bundle inputs, analysis settings, run and progress. */
import { useState } from 'react';
import type { Baseline, Method, Target } from '../../worker/api';
import { passBytes } from '../../core/attribution/memoryBudget';
import { useApp, useController } from '../context';
import { duration } from '../draw/format';
import { DEMO_SET_SHAPES, imageSetFit } from '../imageSetFit';
import { DropZone } from './DropZone';
import { AnalyzeEstimate, LayerPicker } from './LayerPicker';
import { LiveLossCurve } from './LiveLossCurve';
import { PresetSelect, PreprocessPreview } from './PreprocessPreview';
import { SaeAdvanced } from './SaeAdvanced';

export function LoadPanel() {
  const controller = useController();
  const demos = useApp((s) => s.demos);
  const analysis = useApp((s) => s.analysis);
  const model = useApp((s) => s.model);
  const images = useApp((s) => s.images);
  const job = useApp((s) => s.job);
  const busy = job.kind !== 'idle';
  return (
    <aside className="sidebar">
      <section className="side-section">
        <h2>Demo</h2>
        {demos.length ? (
          <div className="demo-list">
            {demos.map((d) => (
              <button key={d.name} type="button" disabled={busy} className={analysis?.id.endsWith(d.bundle) ? 'active' : ''} onClick={() => void controller.openBundleUrl(d.bundle)} data-testid={`demo-${d.name}`}>
                {d.label}
              </button>
            ))}
          </div>
        ) : (
          <p className="muted small">No demo bundle in this build.</p>
        )}
      </section>
      <section className="side-section">
        <h2>Your model</h2>
        {/* Any file: the shards are the ones model.json names (group1-shard1of1 without .bin too), so no accept filter hides them. */}
        <DropZone label="model.json + weight shards" hint="the shards model.json names (any file name), optional card.json: class names, preprocessing; or the model's folder" folder disabled={busy} testId="model" onFiles={(f) => void controller.loadModel(f)} />
        {demos.some((d) => d.model) && (
          <div className="demo-models small">
            <span className="muted">or analyze a demo model afresh:</span>
            {demos
              .filter((d) => d.model)
              .map((d) => (
                <button key={d.name} type="button" className="small" disabled={busy} data-testid={`demo-model-${d.name}`} title={`Loads ${d.model} to analyze it with your settings and images (the demo bundle has its analysis precomputed)`} onClick={() => void controller.loadModelUrl(d.model!, d.label)}>
                  {d.label}
                </button>
              ))}
          </div>
        )}
        {model && (
          <p className="small" data-testid="model-info">
            <b>{model.name}</b> · {model.format === 'graph-model' ? 'GraphModel · ' : ''}input {model.inputShape.join('×')} · {model.numClasses} classes · {model.params.toLocaleString()} params · {model.layers.length} layers
            {model.logits && (
              <span data-testid="model-logits" title={model.logits.fromSoftmax ? `The model ends in a softmax (${model.logits.softmax}); CODEC does not run it and takes its input as the logits: the logit target is z_k, probabilities apply the softmax once.` : 'No final softmax: the model output is taken as the logits.'}>
                {' '}
                · logits: {model.logits.layer}
                {model.logits.fromSoftmax ? ' (before softmax)' : ''}
              </span>
            )}
          </p>
        )}
        {model?.notes.map((n) => (
          <p key={n} className="small warn" data-testid="model-note">
            {n}
          </p>
        ))}
        <DropZone label="Images" hint="files or a folder (sub-folders = classes; labels.csv; classes.txt)" accept="image/*,.csv,.txt" folder disabled={busy || !model} testId="images" onFiles={(f) => void controller.loadImages(f)} />
        {model && <PreprocessingForm />}
        <DemoImages />
        {images && (
          <p className="small" data-testid="images-info">
            {images.count} images at {images.preprocessing.height}×{images.preprocessing.width}×{images.preprocessing.channels}
            {images.labels ? ' · labelled' : ' · no labels'}
            {images.skipped.length ? ` · ${images.skipped.length} skipped` : ''}
          </p>
        )}
        <PreprocessPreview />
      </section>
      {model && <Settings />}
      <section className="side-section">
        <h2>Bundle</h2>
        <DropZone label="An exported analysis" hint="a folder with manifest.json and its .bin files, or its .zip (Export bundle)" folder disabled={busy} testId="bundle" onFiles={(f) => void controller.openBundleFiles(f)} />
      </section>
      {job.kind === 'loading' && (
        <p className="small loading-line" data-testid="loading">
          <span className="spinner" /> {job.what}…
        </p>
      )}
    </aside>
  );
}

/** The preprocessing images get (from the model card), editable before the images are loaded. */
function PreprocessingForm() {
  const model = useApp((s) => s.model)!;
  const over = useApp((s) => s.preprocessing);
  const setOver = useApp((s) => s.setPreprocessing);
  const p = { ...model.preprocessing, ...over };
  const list = (v: string) => v.split(/[,\s]+/).filter(Boolean).map(Number);
  const num = (k: 'height' | 'width' | 'scale' | 'offset', v: string) => Number.isFinite(Number(v)) && setOver({ ...over, [k]: Number(v) });
  return (
    <>
    <PresetSelect p={p} />
    <details className="prep small" data-testid="preprocessing">
      <summary>
        preprocessing: {p.height}×{p.width}×{p.channels}, (px/255·{p.scale}{p.offset ? ` + ${p.offset}` : ''} − mean)/std{p.channelOrder === 'bgr' ? ', BGR order' : ''}
      </summary>
      <div className="form-grid">
        <label>
          height
          <input type="number" min={1} value={p.height} onChange={(e) => num('height', e.target.value)} />
        </label>
        <label>
          width
          <input type="number" min={1} value={p.width} onChange={(e) => num('width', e.target.value)} />
        </label>
        <label>
          channels
          <select value={p.channels} onChange={(e) => setOver({ ...over, channels: Number(e.target.value) as 1 | 3, mean: undefined, std: undefined })}>
            <option value={1}>1 (grayscale)</option>
            <option value={3}>3 (RGB)</option>
          </select>
        </label>
        <label>
          scale
          <input type="number" step="any" value={p.scale} onChange={(e) => num('scale', e.target.value)} />
        </label>
        <label>
          mean
          <input key={`mean-${p.channels}-${(over.mean ?? []).join(',')}`} defaultValue={(over.mean ?? (p.channels === model.preprocessing.channels ? model.preprocessing.mean : Array(p.channels).fill(0))).join(', ')} onBlur={(e) => setOver({ ...over, mean: list(e.target.value) })} />
        </label>
        <label>
          std
          <input key={`std-${p.channels}-${(over.std ?? []).join(',')}`} defaultValue={(over.std ?? (p.channels === model.preprocessing.channels ? model.preprocessing.std : Array(p.channels).fill(1))).join(', ')} onBlur={(e) => setOver({ ...over, std: list(e.target.value) })} />
        </label>
      </div>
      <p className="muted">Applied to the images loaded next. The model expects {model.inputShape.join('×')}.</p>
    </details>
    </>
  );
}

/** The image set shipped with the build, for a model of the same input size. */
function DemoImages() {
  const sets = useApp((s) => s.demoImageSets);
  const model = useApp((s) => s.model);
  const busy = useApp((s) => s.job.kind !== 'idle');
  const controller = useController();
  const [count, setCount] = useState(200);
  if (!sets.length || !model) return null;
  // Offered only where the set fits the model's input and classes (imageSetFit.ts); else why not.
  const why = (url: string) => (DEMO_SET_SHAPES[url] ? imageSetFit(DEMO_SET_SHAPES[url], model) : null);
  const fitting = sets.filter((d) => why(d.url) === null);
  const unfit = sets.filter((d) => why(d.url) !== null);
  const notes = unfit.map((d) => (
    <p key={d.url} className="small muted" data-testid="demo-images-unfit">
      {d.label}: not offered, {why(d.url)}.
    </p>
  ));
  if (!fitting.length) return <>{notes}</>;
  return (
    <>
    {notes}
    <div className="demo-images small">
      {fitting.map((d) => (
        <button key={d.url} type="button" disabled={busy} onClick={() => void controller.loadImageSet(d.url, count)} data-testid="demo-images">
          {d.label}
        </button>
      ))}
      <select value={count} onChange={(e) => setCount(Number(e.target.value))} aria-label="How many images" disabled={busy}>
        {[50, 200, 500, 2000].map((n) => (
          <option key={n} value={n}>
            first {n}
          </option>
        ))}
      </select>
    </div>
    </>
  );
}

function Settings() {
  const controller = useController();
  const model = useApp((s) => s.model)!;
  const images = useApp((s) => s.images);
  const settings = useApp((s) => s.settings);
  const setSettings = useApp((s) => s.setSettings);
  const job = useApp((s) => s.job);
  const analyzing = job.kind === 'analyzing';
  const canRun = !!images && settings.layers.length > 0 && job.kind === 'idle';
  return (
    <section className="side-section">
      <h2>Analysis</h2>
      <LayerPicker />
      <div className="form-grid">
        <label>
          Method
          <select value={settings.method} disabled={analyzing} onChange={(e) => setSettings({ method: e.target.value as Method })} data-testid="method">
            <option value="conductance">conductance</option>
            <option value="hidden-ig">hidden-path IG</option>
            <option value="act-grad">activation × gradient</option>
            <option value="act-grad-norm">act × grad (normalised)</option>
          </select>
        </label>
        <label>
          Target
          <select value={settings.target} disabled={analyzing} onChange={(e) => setSettings({ target: e.target.value as Target })} data-testid="target">
            <option value="logit">class logit</option>
            <option value="prob">probability</option>
            <option value="logprob">log-probability</option>
          </select>
        </label>
        <label>
          Baseline
          <select value={settings.baseline} disabled={analyzing} onChange={(e) => setSettings({ baseline: e.target.value as Baseline })} data-testid="baseline">
            <option value="zeros">zeros</option>
            <option value="blur">blurred image</option>
          </select>
        </label>
        <label title={settings.stepsAuto ? 'Until converged: the steps per image are doubled (from 8) until the completeness error |ΣC − ΔF| / |ΔF| at the analysed cut layers is under 5%, up to this cap (conductance only)' : 'Path steps S (S + 1 passes per image)'}>
          {settings.stepsAuto ? 'Steps (cap)' : 'Steps'}
          <input type="number" min={1} max={512} value={settings.steps} disabled={analyzing} onChange={(e) => setSettings({ steps: Math.max(1, Math.min(512, Math.round(Number(e.target.value) || 1))) })} data-testid="steps" />
        </label>
        <label className="check" title="Raise the steps per image until the completeness error at the analysed cut layers is under 5% (or the cap); the steps used are stored per image (conductance only)">
          <input type="checkbox" checked={Boolean(settings.stepsAuto)} disabled={analyzing || settings.method !== 'conductance'} onChange={(e) => setSettings(e.target.checked ? { stepsAuto: true, steps: Math.max(settings.steps, 128) } : { stepsAuto: false })} data-testid="steps-auto" /> until converged
        </label>
        <label title="Tensor memory one pass may hold: it sets how many images and path points go through the model at once (more is faster, too much runs out of memory)">
          Memory (MiB)
          <input type="number" min={16} max={65536} step={64} value={settings.memoryBudgetMiB ?? 256} disabled={analyzing} onChange={(e) => setSettings({ memoryBudgetMiB: Math.max(16, Math.min(65536, Math.round(Number(e.target.value) || 256))) })} data-testid="memory-budget" />
        </label>
      </div>
      <BudgetHint />
      <label className="check" title="Train sparse dictionaries (the modes) on the contributions and activations of each layer">
        <input type="checkbox" checked={settings.modes} disabled={analyzing} onChange={(e) => setSettings({ modes: e.target.checked })} data-testid="train-modes" /> train modes (SAE)
      </label>
      {settings.modes && <SaeAdvanced disabled={analyzing} />}
      <label className="check">
        <input type="checkbox" checked={settings.useCache} disabled={analyzing} onChange={(e) => setSettings({ useCache: e.target.checked })} data-testid="use-cache" /> reuse cached results
      </label>
      <div className="run-row">
        <button type="button" className="primary" disabled={!canRun} onClick={() => void controller.analyze()} data-testid="analyze" title={images ? '' : 'Load images first'}>
          Analyze {images ? `${images.count} images` : ''}
        </button>
        {!analyzing && <AnalyzeEstimate />}
        {analyzing && (
          <button type="button" onClick={() => void controller.cancel()} disabled={job.cancelling} data-testid="cancel">
            {job.cancelling ? 'Stopping…' : 'Cancel'}
          </button>
        )}
      </div>
    </section>
  );
}

/**
 * What the memory budget buys for the picked layers: path points of one image per pass (the
 * worker's own estimate, memoryBudget.ts), or a warning when even one point exceeds it.
 */
function BudgetHint() {
  const model = useApp((s) => s.model)!;
  const settings = useApp((s) => s.settings);
  const floats = (shape: number[]) => shape.reduce((p, d) => p * Math.max(1, d), 1);
  const perSample = model.layers.reduce((t, l) => t + floats(l.outputShape), 0);
  const picked = model.layers.filter((l) => settings.layers.includes(l.name));
  if (!picked.length) return null;
  const budget = (settings.memoryBudgetMiB ?? 256) * 2 ** 20;
  // Layers run one at a time: the largest picked layer sets the need.
  const layerFloats = Math.max(...picked.map((l) => floats(l.outputShape)));
  const point = passBytes(1, perSample, layerFloats, 1);
  const mib = (b: number) => (b / 2 ** 20 >= 10 ? (b / 2 ** 20).toFixed(0) : (b / 2 ** 20).toFixed(1));
  const points = Math.floor(budget / point);
  return (
    <p className={`small ${points < 1 ? 'warn' : 'muted'}`} data-testid="budget-hint">
      {points < 1
        ? `One image at one path point needs about ${mib(point)} MiB, over the budget: passes run one image and one point at a time and will use more. Raise "Memory (MiB)" to at least ${Math.ceil(point / 2 ** 20)} if the device has it (fewer, larger passes: faster).`
        : `One image at one path point needs about ${mib(point)} MiB: up to ${Math.min(points, settings.steps + 1)} of ${settings.steps + 1} points per pass.`}
    </p>
  );
}

/** The analysis in flight, above the panels: progress with counts and ETA, and Cancel. */
export function JobBar() {
  const job = useApp((s) => s.job);
  const controller = useController();
  if (job.kind !== 'analyzing') return null;
  return (
    <div className="jobbar" data-testid="jobbar">
      <b className="small">Analyzing</b>
      <ProgressBar />
      <LiveLossCurve />
      <button type="button" onClick={() => void controller.cancel()} disabled={job.cancelling} data-testid="cancel-top">
        {job.cancelling ? 'Stopping…' : 'Cancel'}
      </button>
    </div>
  );
}

function ProgressBar() {
  const job = useApp((s) => s.job);
  const n = useApp((s) => s.settings.layers.length);
  if (job.kind !== 'analyzing') return null;
  const p = job.progress;
  const frac = p ? Math.min(1, Math.max(0, p.fraction)) : 0;
  return (
    <div className="progress" data-testid="progress">
      <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        <div style={{ width: `${frac * 100}%` }} />
      </div>
      <div className="progress-text small">
        {p ? (
          <>
            layer {Math.min(n, p.layersDone.length + 1)}/{n}
            {p.layer ? ` (${p.layer})` : ''} · {p.stage === 'contributions' ? `contributions ${p.done}/${p.total} ${p.unit}` : p.stage} · {duration(p.elapsedMs)} elapsed · ETA {duration(p.etaMs)}
          </>
        ) : (
          'starting…'
        )}
      </div>
    </div>
  );
}
