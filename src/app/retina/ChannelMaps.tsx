/** The student's first-layer channels' conductance maps for the picked cell's rate at a moment, each labelled with the planted type it matched. */
import { useMemo } from 'react';
import { unpack, type RetinaViewBundle, type ViewCellMoment } from '../../core/retina/viewBundle';
import { f2 } from './format';
import { MapCanvas } from './MapCanvas';

export function ChannelMaps({ view, m }: { view: RetinaViewBundle; m: ViewCellMoment }) {
  const maps = useMemo(() => unpack(m.channelMaps), [m]);
  const C = m.channelNet.length;
  const total = m.channelNet.reduce((a, b) => a + Math.abs(b), 0) || 1;
  return (
    <div className="retina-row wrap" data-testid="retina-channels">
      {m.channelNet.map((net, c) => {
        const t = view.channelType[c];
        return (
          <figure key={c} className="retina-channel" data-channel={c} data-net={net}>
            <MapCanvas values={maps} w={view.mapSize} h={view.mapSize} stride={C} offset={c} maxAbs={m.channelMaps.scale} px={6} />
            <figcaption className="small">
              ch {c} {t >= 0 ? <b>{view.types[t]}</b> : <span className="muted">unmatched</span>}
              <br />
              {net >= 0 ? '+' : ''}
              {f2(net)} <span className="muted">({((Math.abs(net) / total) * 100).toFixed(0)}%)</span>
            </figcaption>
          </figure>
        );
      })}
    </div>
  );
}
