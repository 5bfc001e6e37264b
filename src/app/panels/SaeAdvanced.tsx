/**
 * The analysis settings' "advanced" fold for the sparse autoencoders: optimizer steps, number of
 * modes K, threshold tau and learning rate. Empty fields use the engine's defaults (2000 steps,
 * K = 3 x channels capped at half the images, tau 0.8 warmed up from 0.5, lr 3e-3).
 */
import type { AnalyzeSettings } from '../../worker/api';
import { useApp } from '../context';

type Key = 'saeSteps' | 'saeK' | 'saeTau' | 'saeLr';

const FIELDS: { key: Key; label: string; title: string; min: number; max: number; step: number; int: boolean; placeholder: string }[] = [
  { key: 'saeSteps', label: 'SAE steps', title: 'Optimizer steps of each dictionary fit (more: better fits, slower)', min: 1, max: 100000, step: 100, int: true, placeholder: '2000' },
  { key: 'saeK', label: 'Modes K', title: 'Dictionary size (default 3 × channels, at most half the images); fewer modes fit small image sets better', min: 1, max: 100000, step: 1, int: true, placeholder: 'auto' },
  { key: 'saeTau', label: 'Threshold τ', title: 'STSAE code threshold: codes are 0 or ≥ τ', min: 0.01, max: 0.99, step: 0.05, int: false, placeholder: '0.8' },
  { key: 'saeLr', label: 'Learning rate', title: 'Peak Adam learning rate (warmed up, then decayed)', min: 1e-6, max: 1, step: 0.001, int: false, placeholder: '0.003' },
];

export function SaeAdvanced({ disabled }: { disabled: boolean }) {
  const settings = useApp((s) => s.settings);
  const setSettings = useApp((s) => s.setSettings);
  const set = (key: Key, raw: string, f: (typeof FIELDS)[number]) => {
    const v = Number(raw);
    const patch: Partial<AnalyzeSettings> = { [key]: raw.trim() === '' || !Number.isFinite(v) ? undefined : Math.max(f.min, Math.min(f.max, f.int ? Math.round(v) : v)) };
    setSettings(patch);
  };
  return (
    <details className="sae-advanced small" data-testid="sae-advanced">
      <summary>advanced: sparse autoencoders</summary>
      <div className="form-grid">
        {FIELDS.map((f) => (
          <label key={f.key} title={f.title}>
            {f.label}
            <input type="number" min={f.min} max={f.max} step={f.step} placeholder={f.placeholder} value={settings[f.key] ?? ''} disabled={disabled} onChange={(e) => set(f.key, e.target.value, f)} data-testid={`sae-${f.key.slice(3).toLowerCase()}`} />
          </label>
        ))}
      </div>
    </details>
  );
}
