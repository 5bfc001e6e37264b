/** The STSAE modes active for the picked cell at a moment, each with its heatmap (the channel maps projected on its atom) and its type weights from the report. */
import type { RetinaViewBundle, ViewCellMoment } from '../../core/retina/viewBundle';
import { unpack } from '../../core/retina/viewBundle';
import { f2 } from './format';
import { MapCanvas } from './MapCanvas';
import type { RetinaReport } from './reportTypes';

export function ActiveModes({ view, report, m }: { view: RetinaViewBundle; report: RetinaReport; m: ViewCellMoment }) {
  const wiring = new Map((report.layers[0].modeWiring ?? []).map((w) => [w.mode, w]));
  if (m.modes.length === 0)
    return (
      <div className="small muted" data-testid="active-modes" data-modes="">
        No mode active at this moment: every code of this cell's {view.layer} contribution vector is below tau {view.sae.tau}.
      </div>
    );
  return (
    <div className="retina-row wrap" data-testid="active-modes" data-modes={m.modes.map((x) => x.mode).join(',')}>
      {m.modes.map((x) => {
        const w = wiring.get(x.mode);
        return (
          <figure key={x.mode} className="retina-mode" data-mode={x.mode}>
            <MapCanvas values={unpack(x.map)} w={view.mapSize} h={view.mapSize} maxAbs={x.map.scale} px={6} />
            <figcaption className="small">
              <b>mode {x.mode}</b> code {f2(x.code)}
              <br />
              share {f2(x.share)}
              {w ? (
                <>
                  <br />
                  <span className="mono">[{w.typeWeights.map(f2).join(' ')}]</span>
                </>
              ) : null}
            </figcaption>
          </figure>
        );
      })}
    </div>
  );
}
