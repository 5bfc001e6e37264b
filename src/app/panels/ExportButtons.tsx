/** SVG, PNG and CSV downloads of a panel's figure (one SVG, or several side by side) and its data. */
import type { RefObject } from 'react';
import { combineSvgs, downloadCsv, downloadPng, downloadSvg } from '../draw/exportFig';
import { figureCaption } from '../draw/figureCaption';
import { useApp } from '../context';

type SvgSource = RefObject<SVGSVGElement | null> | string;

function resolve(svg: SvgSource, caption: string[]): SVGSVGElement | null {
  if (typeof svg !== 'string') return svg.current;
  const all = Array.from(document.querySelectorAll<SVGSVGElement>(svg));
  return all.length ? combineSvgs(all, caption) : null;
}

/** `title`: the figure's first caption line (what it shows); the analysis line follows it. */
export function ExportButtons({ name, svg, csv, title }: { name: string; svg?: SvgSource; csv?: () => string | null; title?: string }) {
  const analysis = useApp((s) => s.analysis);
  const caption = () => figureCaption(title ?? name, analysis);
  return (
    <span className="export-buttons" data-testid={`export-${name}`}>
      {svg && (
        <>
          <button type="button" className="small" title="Download the figure as SVG" data-testid={`export-${name}-svg`} onClick={() => { const c = caption(); const el = resolve(svg, c); if (el) downloadSvg(el, name, c); }}>
            SVG
          </button>
          <button type="button" className="small" title="Download the figure as PNG" data-testid={`export-${name}-png`} onClick={() => { const c = caption(); const el = resolve(svg, c); if (el) void downloadPng(el, name, c); }}>
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
