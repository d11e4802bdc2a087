/**
 * Two chart kinds in plain SVG (no library: a few kilobytes instead of a few hundred): lines with
 * optional reference lines (the supply cap), and stacked bars (emission by pool). Each chart has a
 * role="img" and an aria-label that says what it shows, and a <title> per point for the exact value.
 */
const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 240;
const PAD = { left: 64, right: 12, top: 12, bottom: 28 };
export const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626'];

const svgEl = (tag: string, attrs: Record<string, string | number>, text?: string): SVGElement => {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
};

export interface Series {
  readonly name: string;
  readonly values: readonly number[];
}

const compact = (v: number): string => Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 }).format(v);

/** Lines put the first and last x on the edges; bars sit in the middle of equal bands, clear of the axis labels. */
const frame = (label: string, xs: readonly number[], maxY: number, bands = false): { svg: SVGElement; x: (i: number) => number; y: (v: number) => number } => {
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart' });
  svg.appendChild(svgEl('title', {}, label));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const top = maxY > 0 ? maxY : 1;
  const x = (i: number) =>
    PAD.left + (bands ? ((i + 0.5) / Math.max(1, xs.length)) * innerW : xs.length <= 1 ? innerW / 2 : (i / (xs.length - 1)) * innerW);
  const y = (v: number) => PAD.top + innerH - (v / top) * innerH;
  for (const f of [0, 0.5, 1]) {
    svg.appendChild(svgEl('line', { x1: PAD.left, x2: W - PAD.right, y1: y(top * f), y2: y(top * f), class: 'grid' }));
    svg.appendChild(svgEl('text', { x: PAD.left - 6, y: y(top * f) + 4, 'text-anchor': 'end', class: 'tick' }, compact(top * f)));
  }
  const step = Math.max(1, Math.ceil(xs.length / 8));
  xs.forEach((v, i) => {
    if (i % step === 0 || i === xs.length - 1) svg.appendChild(svgEl('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', class: 'tick' }, String(v)));
  });
  return { svg, x, y };
};

const legend = (names: readonly string[]): HTMLElement => {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  names.forEach((n, i) => {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = PALETTE[i % PALETTE.length]!;
    li.append(swatch, n);
    ul.appendChild(li);
  });
  return ul;
};

const figure = (svg: SVGElement, names: readonly string[], caption: string): HTMLElement => {
  const fig = document.createElement('figure');
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  fig.append(cap, svg, legend(names));
  return fig;
};

/** Lines over x; `references` are horizontal lines (dashed), e.g. the supply cap. */
export const lineChart = (caption: string, xs: readonly number[], series: readonly Series[], references: readonly Series[] = []): HTMLElement => {
  const maxY = Math.max(0, ...series.flatMap((s) => s.values), ...references.flatMap((r) => r.values));
  const { svg, x, y } = frame(caption, xs, maxY * 1.05);
  series.forEach((s, k) => {
    const d = s.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    svg.appendChild(svgEl('path', { d, fill: 'none', stroke: PALETTE[k % PALETTE.length]!, 'stroke-width': 2, class: 'series', 'data-series': s.name }));
    s.values.forEach((v, i) => {
      const dot = svgEl('circle', { cx: x(i), cy: y(v), r: 2.5, fill: PALETTE[k % PALETTE.length]! });
      dot.appendChild(svgEl('title', {}, `${s.name}, ${xs[i]}: ${compact(v)}`));
      svg.appendChild(dot);
    });
  });
  references.forEach((r, k) => {
    const color = PALETTE[(series.length + k) % PALETTE.length]!;
    svg.appendChild(svgEl('line', { x1: PAD.left, x2: W - PAD.right, y1: y(r.values[0]!), y2: y(r.values[0]!), stroke: color, 'stroke-dasharray': '6 4', class: 'reference', 'data-series': r.name }));
  });
  return figure(svg, [...series.map((s) => s.name), ...references.map((r) => r.name)], caption);
};

/** Bars over x, the series stacked. */
export const stackedBars = (caption: string, xs: readonly number[], series: readonly Series[]): HTMLElement => {
  const totals = xs.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const { svg, x, y } = frame(caption, xs, Math.max(0, ...totals) * 1.05, true);
  const innerW = W - PAD.left - PAD.right;
  const barW = Math.max(2, Math.min(40, (innerW / Math.max(1, xs.length)) * 0.7));
  xs.forEach((label, i) => {
    let base = 0;
    series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return;
      const rect = svgEl('rect', { x: x(i) - barW / 2, y: y(base + v), width: barW, height: Math.max(0.5, y(base) - y(base + v)), fill: PALETTE[k % PALETTE.length]!, class: 'bar', 'data-series': s.name });
      rect.appendChild(svgEl('title', {}, `${s.name}, ${label}: ${compact(v)}`));
      svg.appendChild(rect);
      base += v;
    });
  });
  return figure(svg, series.map((s) => s.name), caption);
};

/** A bigint amount in base units as a plotting number in whole tokens (display only). */
export const toPlot = (wei: string | bigint, decimals = 18): number => Number(BigInt(wei) / 10n ** BigInt(Math.max(0, decimals - 6))) / 1e6;
