/** Title, what is loaded, and the backend with the reasons for the choice (and a switch). */
import { useState } from 'react';
import { MAX_WASM_THREADS, type BackendName } from '../../worker/api';
import { useApp, useController } from '../context';
import { download } from '../draw/exportFig';
import { RETINA_HASH } from '../retina/route';

export function Header() {
  const backend = useApp((s) => s.backend);
  const analysis = useApp((s) => s.analysis);
  const model = useApp((s) => s.model);
  const busy = useApp((s) => s.job.kind !== 'idle');
  const controller = useController();
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const share = async () => {
    const link = controller.shareLink();
    window.__codecLastShare = link;
    let ok = true;
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      ok = false;
    }
    // No clipboard (an insecure origin, a denied permission): show the link to copy by hand.
    if (!ok) window.prompt('Copy this link to the view:', link);
    setCopied(ok ? 'Link copied' : 'Share');
    setTimeout(() => setCopied(null), 2500);
  };
  const exportZip = async () => {
    setExporting(true);
    try {
      const r = await controller.exportBundle();
      if (r) download(new Blob([r.bytes as BlobPart], { type: 'application/zip' }), r.name);
    } finally {
      setExporting(false);
    }
  };
  return (
    <header className="header">
      <h1>
        CODEC <span>Explorer</span>
      </h1>
      <div className="header-what" data-testid="loaded">
        {analysis ? (
          <>
            <b>{analysis.modelName}</b> · {analysis.images.count} images · {analysis.settings.method}, {analysis.settings.target}, {analysis.settings.stepsAuto ? `steps until converged (≤ ${analysis.settings.steps})` : `${analysis.settings.steps} steps`}
            {analysis.partial && <span className="tag warn">partial</span>}
            {/* A model loaded for a new analysis: what the panels show is still the previous one. */}
            {model && model.hash !== analysis.modelHash && (
              <span className="tag warn" data-testid="previous-analysis" title={`The panels show the previous analysis (${analysis.modelName}); ${model.name} is loaded: press Analyze to analyze it.`}>
                previous analysis · {model.name} loaded, not yet analyzed
              </span>
            )}
          </>
        ) : (
          <span className="muted">nothing loaded</span>
        )}
      </div>
      <a className="header-link" href={RETINA_HASH} data-testid="retina-link" title="The model retina with known interneurons: CODEC modes against the planted ground truth">
        Model retina
      </a>
      {analysis && (
        <div className="header-actions">
          <button type="button" className="small header-btn" data-testid="share" onClick={() => void share()} title="Copy a link to exactly this view (bundle, layer, mode, image, ablation)">
            {copied ?? 'Share'}
          </button>
          <button type="button" className="small header-btn" data-testid="export-bundle" disabled={exporting || busy} onClick={() => void exportZip()} title="Download this analysis as a bundle .zip (with its model and image pixels when at hand); drop it back on the page to open it">
            {exporting ? 'Exporting…' : 'Export bundle'}
          </button>
        </div>
      )}
      <div className="backend">
        <button type="button" className="backend-badge" data-testid="backend" aria-expanded={open} onClick={() => setOpen(!open)} title="Which tfjs backend runs the model, and why">
          {backend ? (
            <>
              <span className={`dot ${backend.active}`} /> {backend.active}
              {backend.active === 'wasm' && backend.wasmThreads ? ` · ${backend.wasmThreads} thread${backend.wasmThreads === 1 ? '' : 's'}` : ''}
              {backend.forced ? (backend.wanted === backend.active ? ' (forced)' : ` (${backend.wanted} failed)`) : ''}
            </>
          ) : (
            'starting…'
          )}
        </button>
        {open && backend && (
          <div className="backend-pop" role="dialog" aria-label="Backends">
            <table>
              <tbody>
                {backend.candidates.map((c) => (
                  <tr key={c.name} className={c.status}>
                    <td>{c.name}</td>
                    <td>{c.status}</td>
                    <td>{c.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">{backend.crossOriginIsolated ? `Cross-origin isolated: multi-threaded WASM available (${backend.wasmThreads ?? 'threads set when WASM starts'}${backend.wasmThreads ? ` thread${backend.wasmThreads === 1 ? '' : 's'}` : ''}).` : 'Not cross-origin isolated (the host sends no COOP/COEP headers): WASM runs single-threaded SIMD.'}</p>
            {backend.crossOriginIsolated && (
              <label title="tfjs runs half the logical cores by itself (it assumes two hyper-threads a core). The count is fixed once WASM starts, so a new count restarts the model worker (the analysis and view are kept).">
                WASM threads{' '}
                <select
                  data-testid="wasm-threads"
                  value={backend.wasmThreadsAsked === null ? 'auto' : String(backend.wasmThreadsAsked)}
                  disabled={busy}
                  onChange={(e) => {
                    void controller.setWasmThreads(e.target.value === 'auto' ? null : Number(e.target.value));
                    setOpen(false);
                  }}
                >
                  <option value="auto">auto (tfjs: {backend.wasmThreadsDefault})</option>
                  {Array.from({ length: Math.min(MAX_WASM_THREADS, Math.max(2, backend.logicalCores)) }, (_, i) => i + 1).map((n) => (
                    <option key={n} value={String(n)}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label>
              Use{' '}
              <select
                value={backend.wanted}
                disabled={busy}
                onChange={(e) => {
                  void controller.setBackend(e.target.value as BackendName | 'auto');
                  setOpen(false);
                }}
              >
                <option value="auto">auto (fastest available)</option>
                <option value="webgpu">webgpu</option>
                <option value="webgl">webgl</option>
                <option value="wasm">wasm</option>
                <option value="cpu">cpu</option>
              </select>
            </label>
          </div>
        )}
      </div>
    </header>
  );
}
