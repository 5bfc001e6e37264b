/** Title, what is loaded, and the backend with the reasons for the choice (and a switch). */
import { useState } from 'react';
import type { BackendName } from '../../worker/api';
import { useApp, useController } from '../context';

export function Header() {
  const backend = useApp((s) => s.backend);
  const analysis = useApp((s) => s.analysis);
  const busy = useApp((s) => s.job.kind !== 'idle');
  const controller = useController();
  const [open, setOpen] = useState(false);
  return (
    <header className="header">
      <h1>
        CODEC <span>Explorer</span>
      </h1>
      <div className="header-what" data-testid="loaded">
        {analysis ? (
          <>
            <b>{analysis.modelName}</b> · {analysis.images.count} images · {analysis.settings.method}, {analysis.settings.target}, {analysis.settings.steps} steps
            {analysis.partial && <span className="tag warn">partial</span>}
          </>
        ) : (
          <span className="muted">nothing loaded</span>
        )}
      </div>
      <div className="backend">
        <button type="button" className="backend-badge" data-testid="backend" aria-expanded={open} onClick={() => setOpen(!open)} title="Which tfjs backend runs the model, and why">
          {backend ? (
            <>
              <span className={`dot ${backend.active}`} /> {backend.active}
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
            <p className="muted">{backend.crossOriginIsolated ? 'Cross-origin isolated: multi-threaded WASM available.' : 'Not cross-origin isolated: WASM runs single-threaded.'}</p>
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
