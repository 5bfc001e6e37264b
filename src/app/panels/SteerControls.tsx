/**
 * Steering controls of the Ablation panel (issue #28): scale the mode's top p% channels by a
 * factor, or (activation modes) add the mode's atom direction with strength factor - 1; the
 * factor slider runs from -2 to 3 (1 = unchanged, 0 = destroy). The picked image's classes follow
 * the slider; the per-class accuracy follows its release, as for p.
 */
import { useRef } from 'react';
import { useApp } from '../context';
import { STEER_MAX, STEER_MIN, STEER_STEP, steerText } from '../store/steerSlice';

export function SteerControls() {
  const kind = useApp((s) => s.steerKind);
  const factor = useApp((s) => s.steerFactor);
  const source = useApp((s) => s.source);
  const setKind = useApp((s) => s.setSteerKind);
  const setFactor = useApp((s) => s.setSteerFactor);
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const commit = (v: number) => {
    if (idle.current) clearTimeout(idle.current);
    setFactor(v, true);
  };
  const canAdd = source === 'activations';
  const shown = kind === 'add' && !canAdd ? 'scale' : kind;
  const what = shown === 'add' ? `adds (${steerText(factor)} − 1) × the mode's atom direction (one typical occurrence: code × atom × std, spread over the layer's positions)` : `multiplies the mode's top p% channels by ${steerText(factor)}`;
  return (
    <>
      <span className="seg" role="radiogroup" aria-label="Steering">
        <button type="button" role="radio" aria-checked={shown === 'scale'} className={`small${shown === 'scale' ? ' active' : ''}`} data-testid="abl-kind-scale" onClick={() => setKind('scale')} title="Steer: multiply the mode's top p% channels by the factor (1 = unchanged, 0 = destroy, negative flips them)">
          scale
        </button>
        <button type="button" role="radio" aria-checked={shown === 'add'} className={`small${shown === 'add' ? ' active' : ''}`} data-testid="abl-kind-add" disabled={!canAdd} onClick={() => setKind('add')} title={canAdd ? "Steer: add the activation mode's atom direction to the layer's activations, strength factor − 1 (1 = unchanged)" : 'Adding an atom direction needs an activation mode (show activation modes and pick one)'}>
          add
        </button>
      </span>
      <label className="abl-slider steer-slider">
        factor
        <input
          type="range"
          min={STEER_MIN}
          max={STEER_MAX}
          step={STEER_STEP}
          value={factor}
          disabled={!shown}
          data-testid="steer-factor"
          aria-label="Steering factor (1 = unchanged, 0 = destroy)"
          onChange={(e) => {
            const v = Number(e.target.value);
            setFactor(v, false);
            // Keys and programmatic moves have no release: commit after a pause.
            if (idle.current) clearTimeout(idle.current);
            idle.current = setTimeout(() => setFactor(v, true), 500);
          }}
          onPointerUp={(e) => commit(Number((e.target as HTMLInputElement).value))}
          onTouchEnd={(e) => commit(Number((e.target as HTMLInputElement).value))}
        />
        <span className="steer-value" data-testid="steer-value">×{steerText(factor)}</span>
      </label>
      <span className="muted steer-what" data-testid="steer-what">
        {shown ? what : 'steer: pick scale or add'}
      </span>
    </>
  );
}
