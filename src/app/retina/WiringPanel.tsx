/**
 * Per cell: the planted bipolar types that feed it (the simulator's input weights) next to what
 * CODEC recovers (its first-layer contributions read per type through the filter matching), and the
 * modes that drive it under the movie's stimulus family (report.json), as weights over the types.
 */
import type { RetinaViewBundle } from '../../core/retina/viewBundle';
import { f2 } from './format';
import type { RetinaReport } from './reportTypes';
import { cellTypeProfile, cosineOf } from './wiring';

function Bars({ values, color, testId, labels }: { values: number[]; color: string; testId: string; labels: string[] }) {
  const m = Math.max(1e-9, ...values.map(Math.abs));
  return (
    <svg width={values.length * 44} height={66} data-testid={testId} data-values={values.join(',')}>
      <line x1={0} x2={values.length * 44} y1={27} y2={27} stroke="#d1d5db" />
      {values.map((v, j) => {
        const h = (Math.abs(v) / m) * 25;
        return (
          <g key={j}>
            <rect x={j * 44 + 11} width={22} y={v >= 0 ? 27 - h : 27} height={h} fill={color} />
            <text x={j * 44 + 22} y={64} textAnchor="middle" fontSize={9}>
              {labels[j]}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function WiringPanel({ view, report, cell, family }: { view: RetinaViewBundle; report: RetinaReport; cell: number; family: string }) {
  const planted = view.cells[cell].inputs;
  const profile = cellTypeProfile(view, cell);
  const l0 = report.layers[0];
  const modes = l0.familyModes[cell]?.[family] ?? [];
  const wiring = new Map((l0.modeWiring ?? []).map((w) => [w.mode, w]));
  return (
    <div className="retina-wiring">
      <div className="retina-row">
        <figure>
          <Bars values={planted} color="#111827" testId="wiring-planted" labels={view.types} />
          <figcaption className="small">planted input weights</figcaption>
        </figure>
        <figure>
          <Bars values={profile} color="#c2410c" testId="wiring-codec" labels={view.types} />
          <figcaption className="small">CODEC: {l0.name} contributions per type</figcaption>
        </figure>
      </div>
      <div className="small">
        cosine here (moments of this bundle) <b data-testid="wiring-cosine-view">{f2(cosineOf(profile, planted))}</b>; report (its per-cell-rate windows):{' '}
        <b data-testid="wiring-cosine-report">{f2(l0.cellWiring?.[cell])}</b>
      </div>
      <div className="small" style={{ marginTop: 6 }}>
        Modes driving {view.cells[cell].id} under <b>{family}</b> (STSAE on {l0.name}, report):
        <table className="retina-table" data-testid="family-modes">
          <tbody>
            {modes.map((m) => {
              const w = wiring.get(m.mode);
              return (
                <tr key={m.mode} data-mode={m.mode}>
                  <td>mode {m.mode}</td>
                  <td>code {f2(m.code)}</td>
                  <td className="mono">{w ? `types [${w.typeWeights.map(f2).join(' ')}] |cos| ${f2(w.cosine)}` : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
