/**
 * Inline-SVG line charts with optional quantile bands (e.g. p5–p95 around a p50 line) and any
 * number of series. Output is plain markup: no script, no external stylesheet.
 */
import { escapeHtml, raw, type Html } from './html.ts';
import { compactNumber, linearScale, niceTicks } from './scale.ts';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface BandPoint {
  readonly x: number;
  readonly lo: number;
  readonly hi: number;
}

export interface Series {
  readonly name: string;
  readonly points: readonly Point[];
  /** Shaded area between lo and hi, drawn under the line. */
  readonly band?: readonly BandPoint[];
  readonly color?: string;
  /** SVG stroke-dasharray, to tell series of one colour apart. */
  readonly dash?: string;
}

export interface LineChartOptions {
  /** Stable identifier: `data-chart` attribute and clip-path id. */
  readonly id: string;
  readonly title: string;
  readonly note?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly width?: number;
  readonly height?: number;
  readonly xFormat?: (v: number) => string;
  readonly yFormat?: (v: number) => string;
  /** Include 0 in the y range (default true). */
  readonly yFromZero?: boolean;
  /**
   * Cap the y axis at this quantile of all plotted values, so a few early outliers do not flatten the
   * rest; what lies above is clipped and the note says so.
   */
  readonly yClipQuantile?: number;
  /** Horizontal reference lines (dashed), e.g. a supply cap; always inside the y range. */
  readonly references?: readonly { readonly name: string; readonly y: number; readonly color?: string }[];
}

/** Tableau 10: distinguishable, and readable in greyscale print by lightness. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;
export const DASHES = ['', '6 3', '2 3', '8 3 2 3'] as const;

const MARGIN = { top: 12, right: 16, bottom: 42, left: 72 };
const fmt = (v: number): string => String(Math.round(v * 10) / 10);

const quantileOf = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] ?? 0;
};

const yValues = (series: readonly Series[]): number[] => {
  const values: number[] = [];
  for (const s of series) {
    for (const p of s.points) if (Number.isFinite(p.y)) values.push(p.y);
    for (const b of s.band ?? []) for (const v of [b.lo, b.hi]) if (Number.isFinite(v)) values.push(v);
  }
  return values;
};

const linePath = (points: readonly Point[], x: (v: number) => number, y: (v: number) => number): string =>
  points
    .filter((p) => Number.isFinite(p.y))
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${fmt(x(p.x))},${fmt(y(p.y))}`)
    .join('');

const bandPath = (band: readonly BandPoint[], x: (v: number) => number, y: (v: number) => number): string => {
  const ok = band.filter((b) => Number.isFinite(b.lo) && Number.isFinite(b.hi));
  if (ok.length === 0) return '';
  const upper = ok.map((b, i) => `${i === 0 ? 'M' : 'L'}${fmt(x(b.x))},${fmt(y(b.hi))}`).join('');
  const lower = [...ok].reverse().map((b) => `L${fmt(x(b.x))},${fmt(y(b.lo))}`).join('');
  return `${upper}${lower}Z`;
};

export const lineChart = (o: LineChartOptions): Html => {
  const width = o.width ?? 540;
  const height = o.height ?? 280;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const xs = o.series.flatMap((s) => s.points.map((p) => p.x));
  // Reductions, not Math.min(...xs): a long series would exceed the call's argument slots.
  const xMin = xs.length ? xs.reduce((a, b) => Math.min(a, b)) : 0;
  const xMax = xs.length ? xs.reduce((a, b) => Math.max(a, b)) : 1;
  const references = o.references ?? [];
  const values = yValues(o.series);
  let yLo = values.length ? values.reduce((a, b) => Math.min(a, b)) : 0;
  let yHi = values.length ? values.reduce((a, b) => Math.max(a, b)) : 1;
  let clipped = false;
  if (o.yClipQuantile !== undefined && values.length > 0) {
    const cap = quantileOf(values, o.yClipQuantile);
    if (cap < yHi) {
      yHi = cap;
      clipped = true;
    }
  }
  if (o.yFromZero ?? true) {
    yLo = Math.min(0, yLo);
    yHi = Math.max(0, yHi);
  }
  for (const r of references) {
    yLo = Math.min(yLo, r.y);
    yHi = Math.max(yHi, r.y);
  }
  const yTicks = niceTicks(yLo, yHi, 5);
  const xTicks = niceTicks(xMin, xMax, 6);
  const x = linearScale([xMin, xMax === xMin ? xMin + 1 : xMax], [MARGIN.left, MARGIN.left + plotW]);
  const y = linearScale(yTicks.domain, [MARGIN.top + plotH, MARGIN.top]);
  const xFormat = o.xFormat ?? compactNumber;
  const yFormat = o.yFormat ?? compactNumber;
  const clipId = `clip-${o.id}`;

  const parts: string[] = [
    `<svg class="chart" data-chart="${escapeHtml(o.id)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(o.title)}">`,
    `<defs><clipPath id="${escapeHtml(clipId)}"><rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}"/></clipPath></defs>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="#fff" stroke="#d9dee7"/>`,
  ];
  for (const t of yTicks.ticks) {
    const ty = fmt(y(t));
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${ty}" y2="${ty}" stroke="#e8ebf1"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle">${escapeHtml(yFormat(t))}</text>`);
  }
  for (const t of xTicks.ticks) {
    if (t < xMin || t > xMax) continue;
    const tx = fmt(x(t));
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" stroke="#5b6575"/>`);
    parts.push(`<text x="${tx}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${escapeHtml(xFormat(t))}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(o.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(12 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(o.yLabel)}</text>`,
  );
  parts.push(`<g clip-path="url(#${escapeHtml(clipId)})">`);
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const d = s.band ? bandPath(s.band, x, y) : '';
    if (d) parts.push(`<path class="series-band" data-series="${escapeHtml(s.name)}" d="${d}" fill="${color}" fill-opacity="0.18" stroke="none"/>`);
  });
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    parts.push(
      `<path class="series-line" data-series="${escapeHtml(s.name)}" d="${linePath(s.points, x, y)}" fill="none" stroke="${color}" stroke-width="1.6"${dash}/>`,
    );
  });
  references.forEach((r, i) => {
    const color = r.color ?? '#333';
    const ry = fmt(y(r.y));
    parts.push(`<line class="reference" data-series="${escapeHtml(r.name)}" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${ry}" y2="${ry}" stroke="${color}" stroke-dasharray="${i === 0 ? '7 4' : '3 3'}" stroke-width="1.4"/>`);
  });
  parts.push('</g>', '</svg>');

  const legend = o.series
    .map((s, i) => {
      const color = s.color ?? PALETTE[i % PALETTE.length]!;
      const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
      return `<span style="display:inline-flex;align-items:center;gap:4px;margin-right:12px"><svg width="22" height="10" aria-hidden="true"><line x1="1" x2="21" y1="5" y2="5" stroke="${color}" stroke-width="2"${dash}/></svg>${escapeHtml(s.name)}</span>`;
    })
    .join('') +
    references
      .map((r, i) => `<span style="display:inline-flex;align-items:center;gap:4px;margin-right:12px"><svg width="22" height="10" aria-hidden="true"><line x1="1" x2="21" y1="5" y2="5" stroke="${r.color ?? '#333'}" stroke-width="2" stroke-dasharray="${i === 0 ? '7 4' : '3 3'}"/></svg>${escapeHtml(r.name)}</span>`)
      .join('');
  const notes = [o.note, clipped ? `The y axis is cut at ${yFormat(yHi)}; higher values are clipped.` : undefined].filter(Boolean).join(' ');
  return raw(
    [
      `<figure data-figure="${escapeHtml(o.id)}">`,
      `<figcaption>${escapeHtml(o.title)}</figcaption>`,
      parts.join('\n'),
      `<div class="legend">${legend}</div>`,
      notes ? `<div class="note">${escapeHtml(notes)}</div>` : '',
      '</figure>',
    ].join('\n'),
  );
};
