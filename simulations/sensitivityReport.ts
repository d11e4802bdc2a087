/**
 * sensitivity.html: per output, a tornado chart of the one-at-a-time swings (factors sorted by how
 * far they move the output, bars from the low end's value to the high end's around the base) and
 * the Morris table (μ*, μ, σ, rank). Built with the shared report kit.
 */
import { compactNumber, escapeHtml, grid, page, PALETTE, paragraph, raw, section, table, type Html } from '../adapters/report/index.ts';
import type { OutputSensitivity, SensitivityResult } from './sensitivity.ts';

const WIDTH = 560;
const LABEL = 170;
const ROW = 26;

const fmt = (v: number): string => (Math.abs(v) < 10 ? Number(v.toPrecision(3)).toString() : compactNumber(v));

export const tornadoChart = (o: OutputSensitivity): Html => {
  const rows = [...o.factors].sort((a, b) => Math.abs(b.swing) - Math.abs(a.swing));
  const values = [o.base, ...rows.flatMap((r) => [r.yLow, r.yHigh])];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || Math.abs(hi) || 1;
  const x = (v: number) => LABEL + ((v - lo) / span) * (WIDTH - LABEL - 60);
  const height = rows.length * ROW + 40;
  const bars = rows.map((r, i) => {
    const y = 20 + i * ROW;
    const [a, b] = [x(Math.min(r.yLow, r.yHigh)), x(Math.max(r.yLow, r.yHigh))];
    return [
      `<text x="${LABEL - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(r.factor)}</text>`,
      `<rect data-factor="${escapeHtml(r.factor)}" x="${a.toFixed(1)}" y="${y + 3}" width="${Math.max(1, b - a).toFixed(1)}" height="${ROW - 8}" fill="${PALETTE[r.yHigh >= r.yLow ? 0 : 2]}"><title>${escapeHtml(`${r.factor}: ${fmt(r.yLow)} at ${r.low}, ${fmt(r.yHigh)} at ${r.high}`)}</title></rect>`,
      `<text x="${(b + 4).toFixed(1)}" y="${y + 15}">${escapeHtml(fmt(r.swing))}</text>`,
    ].join('');
  });
  const baseX = x(o.base).toFixed(1);
  return raw(
    [
      `<figure data-figure="tornado-${escapeHtml(o.output)}">`,
      `<figcaption>${escapeHtml(`${o.output}: ${o.description}`)}</figcaption>`,
      `<svg class="chart" data-chart="tornado-${escapeHtml(o.output)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(`Tornado chart of ${o.output}`)}">`,
      ...bars,
      `<line x1="${baseX}" x2="${baseX}" y1="12" y2="${height - 18}" stroke="#333" stroke-dasharray="4 3"/>`,
      `<text x="${baseX}" y="${height - 4}" text-anchor="middle">base ${escapeHtml(fmt(o.base))}</text>`,
      '</svg>',
      `<p class="note">Bars run from the output at the factor's low end to its high end (blue: rises with the factor, red: falls), the other factors at the scenario's values; the dashed line is the scenario itself.</p>`,
      '</figure>',
    ].join('\n'),
  );
};

const morrisTable = (o: OutputSensitivity): Html =>
  table({
    id: `morris-${o.output}`,
    caption: `Morris elementary effects on ${o.output} (per unit of each factor's range)`,
    columns: ['rank', 'factor', 'range', 'μ*', 'μ', 'σ', 'one-at-a-time swing'],
    rows: [...o.factors]
      .sort((a, b) => a.rank - b.rank)
      .map((f) => [
        { text: String(f.rank), numeric: true },
        f.factor,
        `${f.low} – ${f.high}`,
        { text: fmt(f.muStar), numeric: true },
        { text: fmt(f.mu), numeric: true },
        { text: fmt(f.sigma), numeric: true },
        { text: fmt(f.swing), numeric: true },
      ]),
  });

export const sensitivityReport = (r: SensitivityResult, meta: { source: string; seed: number }): string =>
  page({
    title: 'Corex tokenomics sensitivity',
    lead: `${meta.source}: ${r.evaluations} parameter points × ${r.runs} runs × ${r.epochs} epochs, seed ${meta.seed}, every point on the same random streams per run.`,
    body: [
      section('Tornado charts (one at a time)', grid(r.outputs.map(tornadoChart))),
      section(
        'Morris screening',
        paragraph('μ* (mean absolute elementary effect) ranks how much a factor moves the output over the whole range; σ large against μ* means its effect depends on the other factors (interaction) or is not linear. A factor with μ* = 0 cannot move the output.'),
        ...r.outputs.map(morrisTable),
      ),
    ],
  });
