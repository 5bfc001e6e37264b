/**
 * A dictionary's fit quality in the mode grid head (core/sae/fitQuality.ts): validation R²,
 * alive modes, the median residual share and the good / fair / poor mark; a poor fit gets its
 * plain warning (what was seen, what to try) under it. Older bundles without the record show nothing.
 */
import type { DictionaryInfo } from '../../worker/api';

/** Inline (the shared stylesheet is someone else's file at the moment): mark colours and the warning box. */
const MARK_COLOR = { good: '#1a7f37', fair: '#9a6700', poor: '#cf222e' } as const;
const WARNING_STYLE = { display: 'block', marginTop: 4, padding: '4px 6px', border: '1px solid #cf222e', borderRadius: 4, color: '#cf222e', background: 'rgba(207, 34, 46, 0.08)', whiteSpace: 'normal' } as const;

export function FitQualityNote({ d, source }: { d: DictionaryInfo; source: string }) {
  const q = d.quality;
  // A bundle made before fit-quality records (the shipped demo's): say so, rather than show nothing.
  if (!q)
    return (
      <span className="fit-quality muted" style={{ marginLeft: 6 }} data-testid={`fit-quality-${source}`} title="This bundle was made before dictionaries carried a fit-quality record (validation R², residual share, alive/dead, near-duplicates): only the training R² is known. Refit it (codec fit) to get the record.">
        no fit-quality record (older bundle)
      </span>
    );
  const dup = q.duplicates.reduce((t, g) => t + g.length, 0);
  return (
    <span className="fit-quality" style={{ marginLeft: 6 }} data-testid={`fit-quality-${source}`}>
      <span className={`fit-mark fit-${q.mark}`} style={{ color: MARK_COLOR[q.mark], fontWeight: 600 }} title="Fit mark: good = validation R² ≥ 0.80 and residual ≤ 25%; fair = R² ≥ 0.50 and residual ≤ 50%; poor otherwise">
        {q.mark}
      </span>{' '}
      <span title="R² of the reconstruction on held-out images (validation split)">val R² {Number.isFinite(q.r2) ? q.r2.toFixed(2) : '—'}</span>
      {' · '}
      <span title="Modes that fire on at least one image, of K">
        {q.alive}/{q.alive + q.dead} alive
      </span>
      {q.residualShare !== null && (
        <>
          {' · '}
          <span title="Median over images of |ΔF − Σ mode shares| / |ΔF|: the part of the output change no mode explains">residual {Math.round(100 * q.residualShare)}%</span>
        </>
      )}
      {dup > 0 && (
        <>
          {' · '}
          <span title="Alive modes whose atoms have cosine > 0.95 with another mode (marked ≈ on their cards)">{dup} near-duplicates</span>
        </>
      )}
      {q.warning && (
        <span className="fit-warning" style={WARNING_STYLE} role="alert" data-testid={`fit-warning-${source}`}>
          {q.warning}
        </span>
      )}
    </span>
  );
}

/** The other modes of a card's near-duplicate group, if it is in one. */
export function duplicatesOf(d: DictionaryInfo | undefined, mode: number): number[] {
  const g = d?.quality?.duplicates.find((x) => x.includes(mode));
  return g ? g.filter((m) => m !== mode) : NONE;
}

const NONE: number[] = [];
