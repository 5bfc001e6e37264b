/** SVG, PNG and CSV downloads of a panel's figure and data. */
import type { RefObject } from 'react';
import { downloadCsv, downloadPng, downloadSvg } from '../draw/exportFig';

export function ExportButtons({ name, svg, csv }: { name: string; svg: RefObject<SVGSVGElement | null>; csv?: () => string | null }) {
  return (
    <span className="export-buttons" data-testid={`export-${name}`}>
      <button type="button" className="small" title="Download the figure as SVG" onClick={() => svg.current && downloadSvg(svg.current, name)}>
        SVG
      </button>
      <button type="button" className="small" title="Download the figure as PNG" onClick={() => svg.current && void downloadPng(svg.current, name)}>
        PNG
      </button>
      {csv && (
        <button
          type="button"
          className="small"
          title="Download the numbers as CSV"
          onClick={() => {
            const t = csv();
            if (t) downloadCsv(t, name);
          }}
        >
          CSV
        </button>
      )}
    </span>
  );
}
