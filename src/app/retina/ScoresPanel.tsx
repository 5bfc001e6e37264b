/** The ground-truth scores of report.json (`npm run codec -- retina-report --json`) as tables. */
import { f2 } from './format';
import type { RetinaReport } from './reportTypes';

export function ScoresPanel({ report, cell, onCell }: { report: RetinaReport; cell: number; onCell: (c: number) => void }) {
  const fm = report.filterMatch;
  return (
    <div className="retina-scores" data-testid="retina-scores">
      <div className="small">
        Student vs true rates, held out: mean correlation <b data-testid="score-heldout">{f2(report.heldOutCorrelation?.mean)}</b>
      </div>
      <table className="retina-table" data-testid="score-filters">
        <thead>
          <tr>
            <th>planted type</th>
            <th>channel</th>
            <th>filter cos</th>
            <th>separable</th>
          </tr>
        </thead>
        <tbody>
          {report.types.map((t, j) => (
            <tr key={t} data-type={t}>
              <td>{t}</td>
              <td>{fm.shifted.typeToChannel[j]}</td>
              <td className={fm.shifted.matched[j] >= 0.8 ? 'good' : 'bad'} title={String(fm.shifted.matched[j])}>{f2(fm.shifted.matched[j])}</td>
              <td>{f2(fm.separable.matched[j])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="small">
        recovered at cosine ≥ 0.8: <b data-testid="score-recovered">{fm.shifted.recovered}</b> of {report.types.length} (separable part: {fm.separable.recovered})
      </div>
      <table className="retina-table" data-testid="score-cells">
        <thead>
          <tr>
            <th>cell</th>
            <th>class</th>
            <th>rate r</th>
            <th>wiring cos</th>
            <th>IRF cos</th>
          </tr>
        </thead>
        <tbody>
          {report.cells.map((c, i) => (
            <tr key={c.id} className={i === cell ? 'sel' : ''} onClick={() => onCell(i)} data-cell={i}>
              <td>{c.id}</td>
              <td>{c.cellClass}</td>
              <td>{f2(report.heldOutCorrelation?.perCell[i])}</td>
              <td>{f2(report.layers[0].cellWiring?.[i])}</td>
              <td>{f2(report.irf.perCell[i].full)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="small">
        cells clustered by mode use vs planted classes, adjusted Rand index:{' '}
        {report.layers.map((l) => (
          <span key={l.name} data-testid={`score-ari-${l.name}`}>
            {l.name} {f2(l.ari)}{' '}
          </span>
        ))}
      </div>
      <div className="small muted">
        STSAE tau {report.layers[0].surprisalSae.tau}
        {report.layers[0].surprisalSae.deadAtTau ? ` (no mode trains at the paper's tau ${report.settings.tau})` : ''}
      </div>
    </div>
  );
}
