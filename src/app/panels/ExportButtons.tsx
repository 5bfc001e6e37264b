/** SVG, PNG and CSV downloads of a panel's figure (one SVG, or several side by side) and its data. */
import type { RefObject } from 'react';
import { combineSvgs, downloadCsv, downloadPng, downloadSvg } from '../draw/exportFig';

type SvgSource = RefObject<SVGSVGElement | null> | string;

function resolve(svg: SvgSource): SVGSVGElement | null {
  if (typeof svg !== 'string') return svg.current;
  const all = Array.from(document.querySelectorAll<SVGSVGElement>(svg));
  return all.length ? combineSvgs(all) : null;
}

export function ExportButtons({ name, svg, csv }: { name: string; svg?: SvgSource; csv?: () => string | null }) {
  return (
    <span className="export-buttons" data-testid={`export-${name}`}>
      {svg && (
        <>
          <button type="button" className="small" title="Download the figure as SVG" data-testid={`export-${name}-svg`} onClick={() => { const el = resolve(svg); if (el) downloadSvg(el, name); }}>
            SVG
          </button>
          <button type="button" className="small" title="Download the figure as PNG" data-testid={`export-${name}-png`} onClick={() => { const el = resolve(svg); if (el) void downloadPng(el, name); }}>
            PNG
          </button>
        </>
      )}
      {csv && (
        <button
          type="button"
          className="small"
          title="Download the numbers as CSV"
          data-testid={`export-${name}-csv`}
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
