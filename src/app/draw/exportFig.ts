/**
 * Figure and data downloads: a panel's SVG (computed styles as presentation attributes, so it stands alone), the
 * same as PNG through a canvas, a CSV from rows, and raw bytes (the bundle zip).
 */

export function download(data: Blob, name: string): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const STYLE_PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-size', 'font-family', 'font-weight', 'text-anchor', 'dominant-baseline'];

/** A standalone copy of an SVG element (its computed styles inlined) as text. */
export function svgText(svg: SVGSVGElement, originals?: SVGSVGElement[]): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = originals ? [svg, ...originals.flatMap((o) => [document.createElementNS('http://www.w3.org/2000/svg', 'g'), o, ...Array.from(o.querySelectorAll('*'))])] : [svg, ...Array.from(svg.querySelectorAll('*'))];
  const dst = [clone, ...Array.from(clone.querySelectorAll('*'))];
  // As presentation attributes, not a style attribute: the page's Content-Security-Policy
  // (style-src 'self') refuses inline style attributes, which logged a violation per element.
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const d = dst[i] as SVGElement;
    d.removeAttribute('style');
    for (const p of STYLE_PROPS) {
      const v = cs.getPropertyValue(p);
      if (v) d.setAttribute(p, v);
    }
  });
  const width = Number(svg.getAttribute('width')) || svg.getBoundingClientRect().width;
  const height = Number(svg.getAttribute('height')) || svg.getBoundingClientRect().height;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.ceil(width)));
  clone.setAttribute('height', String(Math.ceil(height)));
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

/** Several SVGs side by side as one (e.g. the three trend charts). */
export function combineSvgs(svgs: SVGSVGElement[]): SVGSVGElement {
  if (svgs.length === 1) return svgs[0];
  const NS = 'http://www.w3.org/2000/svg';
  const out = document.createElementNS(NS, 'svg');
  let x = 0;
  let h = 0;
  const parts: [SVGSVGElement, number][] = [];
  for (const s of svgs) {
    const r = s.getBoundingClientRect();
    parts.push([s, x]);
    x += Math.ceil(r.width) + 8;
    h = Math.max(h, Math.ceil(r.height));
  }
  out.setAttribute('width', String(x));
  out.setAttribute('height', String(h));
  out.style.position = 'absolute';
  out.style.left = '-10000px';
  document.body.appendChild(out);
  for (const [s, dx] of parts) {
    const g = document.createElementNS(NS, 'g');
    g.setAttribute('transform', `translate(${dx},0)`);
    g.appendChild(s.cloneNode(true));
    out.appendChild(g);
  }
  // Computed styles come from the originals (the clones sit outside the panels' CSS scope).
  const text = svgText(out, svgs);
  out.remove();
  const holder = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement as unknown as SVGSVGElement;
  (holder as unknown as { __text: string }).__text = text;
  return holder;
}

export function downloadSvg(svg: SVGSVGElement, name: string): void {
  const pre = (svg as unknown as { __text?: string }).__text;
  download(new Blob([pre ?? svgText(svg)], { type: 'image/svg+xml' }), `${name}.svg`);
}

/** The SVG rendered to PNG at `scale` (through an image and a canvas). */
export async function svgToPng(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const text = (svg as unknown as { __text?: string }).__text ?? svgText(svg);
  const width = Number(svg.getAttribute('width')) || svg.getBoundingClientRect().width;
  const height = Number(svg.getAttribute('height')) || svg.getBoundingClientRect().height;
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((ok, err) => {
      img.onload = () => ok();
      img.onerror = () => err(new Error('the SVG could not be drawn'));
      img.src = url;
    });
    const c = document.createElement('canvas');
    c.width = Math.max(1, Math.ceil(width * scale));
    c.height = Math.max(1, Math.ceil(height * scale));
    const ctx = c.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((ok, err) => c.toBlob((b) => (b ? ok(b) : err(new Error('toBlob failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function downloadPng(svg: SVGSVGElement, name: string): Promise<void> {
  download(await svgToPng(svg), `${name}.png`);
}

/** CSV text (RFC 4180 quoting) from a header and rows. */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    const s = v === null || (typeof v === 'number' && !Number.isFinite(v)) ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export function downloadCsv(csv: string, name: string): void {
  download(new Blob([csv], { type: 'text/csv' }), `${name}.csv`);
}
