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

const NS = 'http://www.w3.org/2000/svg';
const CAPTION_LINE = 16;

/**
 * A standalone copy of an SVG element (its computed styles inlined) as text; `caption` lines go
 * above the figure (what it shows: model, layer, mode, image, settings), so a downloaded figure
 * says what it is.
 */
export function svgText(svg: SVGSVGElement, originals?: SVGSVGElement[], caption: string[] = []): string {
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
  const top = caption.length ? caption.length * CAPTION_LINE + 6 : 0;
  if (top) {
    const body = document.createElementNS(NS, 'g');
    body.setAttribute('transform', `translate(0,${top})`);
    while (clone.firstChild) body.appendChild(clone.firstChild);
    clone.appendChild(body);
    caption.forEach((line, i) => {
      const t = document.createElementNS(NS, 'text');
      t.setAttribute('x', '4');
      t.setAttribute('y', String((i + 1) * CAPTION_LINE - 3));
      t.setAttribute('font-family', 'sans-serif');
      t.setAttribute('font-size', i === 0 ? '13' : '11');
      t.setAttribute('font-weight', i === 0 ? 'bold' : 'normal');
      t.setAttribute('fill', '#111827');
      t.textContent = line;
      clone.appendChild(t);
    });
  }
  const capWidth = Math.max(0, ...caption.map((l, i) => l.length * (i === 0 ? 7.2 : 6.2) + 8));
  clone.setAttribute('xmlns', NS);
  clone.setAttribute('width', String(Math.ceil(Math.max(width, capWidth))));
  clone.setAttribute('height', String(Math.ceil(height + top)));
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

/** Several SVGs side by side as one (e.g. the three trend charts). */
export function combineSvgs(svgs: SVGSVGElement[], caption: string[] = []): SVGSVGElement {
  if (svgs.length === 1 && !caption.length) return svgs[0];
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
  const text = svgText(out, svgs, caption);
  out.remove();
  const holder = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement as unknown as SVGSVGElement;
  (holder as unknown as { __text: string }).__text = text;
  return holder;
}

export function downloadSvg(svg: SVGSVGElement, name: string, caption: string[] = []): void {
  const pre = (svg as unknown as { __text?: string }).__text;
  download(new Blob([pre ?? svgText(svg, undefined, caption)], { type: 'image/svg+xml' }), `${name}.svg`);
}

/** The SVG rendered to PNG at `scale` (through an image and a canvas). */
export async function svgToPng(svg: SVGSVGElement, scale = 2, caption: string[] = []): Promise<Blob> {
  const text = (svg as unknown as { __text?: string }).__text ?? svgText(svg, undefined, caption);
  // The standalone SVG's own size (with its caption band).
  const root = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
  const width = Number(root.getAttribute('width')) || svg.getBoundingClientRect().width;
  const height = Number(root.getAttribute('height')) || svg.getBoundingClientRect().height;
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

export async function downloadPng(svg: SVGSVGElement, name: string, caption: string[] = []): Promise<void> {
  download(await svgToPng(svg, 2, caption), `${name}.png`);
}

/**
 * Canvases stacked (each drawn with its opacity) under a caption band, as PNG: the image with its
 * heatmap as the page shows it.
 */
export async function canvasesToPng(layers: { canvas: HTMLCanvasElement; opacity: number }[], size: number, caption: string[]): Promise<Blob> {
  const top = caption.length * CAPTION_LINE + 6;
  const c = document.createElement('canvas');
  c.width = Math.max(size, ...caption.map((l) => l.length * 7 + 8));
  c.height = size + top;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.fillStyle = '#111827';
  caption.forEach((line, i) => {
    ctx.font = i === 0 ? 'bold 13px sans-serif' : '11px sans-serif';
    ctx.fillText(line, 4, (i + 1) * CAPTION_LINE - 3);
  });
  ctx.imageSmoothingEnabled = false;
  for (const l of layers) {
    ctx.globalAlpha = l.opacity;
    ctx.drawImage(l.canvas, 0, top, size, size);
  }
  ctx.globalAlpha = 1;
  return new Promise<Blob>((ok, err) => c.toBlob((b) => (b ? ok(b) : err(new Error('toBlob failed'))), 'image/png'));
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
