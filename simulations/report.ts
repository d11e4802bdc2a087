/**
 * report.html of a simulation: quantile-band charts per metric (p5–p95 around the p50 line), the
 * effective parameters, the invariant results and the headline metrics, built with the shared
 * report kit (adapters/report).
 */
import { formatUnits, ProtocolParamsCodec } from '../domain/index.ts';
import { INVARIANTS } from '../domain/invariants.ts';
import { compactNumber, DASHES, grid, lineChart, page, PALETTE, paragraph, percent, section, table, type Cell, type Series } from '../adapters/report/index.ts';
import type { Metric } from './metrics.ts';
import type { SubsetQuantiles } from './merge.ts';
import type { RunOutcome } from './run.ts';
import type { Subset } from './sweep.ts';
import { INVARIANT_DESCRIPTIONS } from './summary.ts';
import { isJsonObject, type Json } from './json.ts';
import { OUTPUTS } from './outputs.ts';
import { quantileOfNumbers, sortNumbers } from './quantiles.ts';
import { epochsPerYear } from './market.ts';

interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly yLabel: string;
  readonly metrics: readonly { readonly metric: Metric; readonly label: string }[];
  readonly format?: (v: number) => string;
  readonly clip?: number;
  readonly note?: string;
  /** Dashed horizontal lines, in the chart's units (the supply cap). */
  readonly references?: (subset: Subset) => { readonly name: string; readonly y: number }[];
  /**
   * Start the chart at the end of year 1 when the horizon is longer than two years: annualised
   * rates of the first epochs (little stake sharing the whole staking pool, little supply to
   * inflate) reach thousands of percent and would flatten the steady state to a line at zero. A
   * log axis cannot do it: net inflation goes negative once burns outpace emission.
   */
  readonly steadyState?: boolean;
}

const CHARTS: readonly ChartSpec[] = [
  {
    id: 'supply',
    title: 'Supply',
    yLabel: 'CXT',
    metrics: [
      { metric: 'mintedTotal', label: 'minted' },
      { metric: 'circulating', label: 'circulating' },
      { metric: 'staked', label: 'staked' },
    ],
    references: (subset) => [{ name: `max supply${subset.index > 0 ? ` (${subset.label})` : ''}`, y: Number(subset.params.maxSupply / 10n ** 12n) / 1e6 }],
  },
  {
    id: 'emission-burns',
    title: 'Emission against burns',
    yLabel: 'CXT per epoch',
    metrics: [
      { metric: 'minted', label: 'minted' },
      { metric: 'burned', label: 'burned' },
    ],
    clip: 0.995,
  },
  { id: 'apr', title: 'Staking APR', yLabel: 'APR', metrics: [{ metric: 'stakingApr', label: 'APR' }], format: percent, clip: 0.98, note: 'Annualised; 0 while no stake is active.', steadyState: true },
  { id: 'staking-ratio', title: 'Staking ratio', yLabel: 'bonded / circulating', metrics: [{ metric: 'stakingRatio', label: 'staking ratio' }], format: percent },
  {
    id: 'rewards',
    title: 'Reward distribution',
    yLabel: 'share',
    metrics: [
      { metric: 'rewardGini', label: 'Gini of CXT rewards' },
      { metric: 'edgeShare', label: 'edge devices’ share' },
    ],
  },
  { id: 'inflation', title: 'Net inflation', yLabel: 'per year', metrics: [{ metric: 'inflation', label: 'net inflation' }], format: percent, clip: 0.98, steadyState: true },
  { id: 'price', title: 'CXT price', yLabel: 'asset per CXT', metrics: [{ metric: 'price', label: 'price' }] },
  { id: 'revenue', title: 'Marketplace revenue', yLabel: 'asset per epoch', metrics: [{ metric: 'revenue', label: 'gross revenue' }], clip: 0.995 },
  { id: 'nodes', title: 'Active nodes', yLabel: 'nodes', metrics: [{ metric: 'nodes', label: 'nodes' }] },
  { id: 'market-cap', title: 'Market cap', yLabel: 'asset', metrics: [{ metric: 'marketCap', label: 'circulating × price' }] },
  {
    id: 'yield',
    title: 'Staking yield: real against inflationary',
    yLabel: 'per year',
    metrics: [
      { metric: 'realYield', label: 'real (revenue)' },
      { metric: 'inflationaryYield', label: 'inflationary (emission)' },
    ],
    format: percent,
    clip: 0.98,
    steadyState: true,
  },
  {
    id: 'revenue-to-emission',
    title: 'Revenue against the value emitted',
    yLabel: 'revenue / (minted × price)',
    metrics: [{ metric: 'revenueToEmission', label: 'revenue / emission value' }],
    clip: 0.98,
    references: () => [{ name: 'break-even (1)', y: 1 }],
    note: 'Above 1, buyers pay more for the work than the CXT emitted for it is worth at the epoch’s price.',
  },
  {
    id: 'operator-return',
    title: 'Operator return on hardware cost',
    yLabel: 'earned / cost − 1',
    metrics: [
      { metric: 'operatorReturnGpu', label: 'gpu' },
      { metric: 'operatorReturnCpu', label: 'cpu' },
      { metric: 'operatorReturnEdge', label: 'edge' },
    ],
    format: percent,
    clip: 0.98,
    steadyState: true,
    references: () => [{ name: 'break-even (0)', y: 0 }],
    note: 'Earnings (CXT at the epoch’s price and revenue shares) against the scenario’s hardware cost per node; storage and bandwidth are in series.csv.',
  },
];

const chartSeries = (spec: ChartSpec, subsets: readonly Subset[], quantiles: readonly SubsetQuantiles[], fromEpoch: number): Series[] =>
  subsets.flatMap((subset, s) =>
    spec.metrics.map(({ metric, label }, m) => {
      const points = (quantiles[s]?.get(metric) ?? []).filter((p) => p.epoch >= fromEpoch);
      const several = subsets.length > 1;
      return {
        name: several ? `${subset.label} · ${label}` : label,
        color: PALETTE[(several ? s : m) % PALETTE.length]!,
        dash: several ? DASHES[m % DASHES.length]! : '',
        points: points.map((p) => ({ x: p.epoch, y: p.p50 })),
        band: points.map((p) => ({ x: p.epoch, lo: p.p5, hi: p.p95 })),
      };
    }),
  );

/** Nested JSON as dotted rows: `kindWeightBps.training`, `tiers.2.minStake`. */
const flatten = (value: Json, prefix = ''): [string, string][] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => flatten(v, `${prefix}${i}.`));
  if (isJsonObject(value)) return Object.entries(value).flatMap(([k, v]) => flatten(v, `${prefix}${k}.`));
  return [[prefix.slice(0, -1), String(value)]];
};

const AMOUNT_FIELD = /(^|\.)(maxSupply|minStake)$/;

const comparisonTable = (id: string, caption: string, subsets: readonly Subset[], rowsOf: (s: Subset) => [string, string][]): ReturnType<typeof table> => {
  const perSubset = subsets.map((s) => new Map(rowsOf(s)));
  const keys = [...new Set(subsets.flatMap((s) => rowsOf(s).map(([k]) => k)))];
  return table({
    id,
    caption,
    columns: ['field', ...subsets.map((s) => s.label)],
    rows: keys.map((k) => [k, ...perSubset.map((m) => {
      const v = m.get(k) ?? '';
      return AMOUNT_FIELD.test(k) && /^\d+$/.test(v) ? `${formatUnits(BigInt(v))} CXT` : v;
    })]),
  });
};

const invariantTable = (subsets: readonly Subset[], outcomes: readonly RunOutcome[]) =>
  table({
    id: 'invariants',
    caption: 'Invariants of DESIGN §9, checked after every close of every run (checks passed / checks)',
    columns: ['subset', 'run', ...INVARIANTS],
    rows: outcomes.map((o) => [
      subsets[o.subset]!.label,
      { text: String(o.run), numeric: true },
      ...o.invariants.map((t): Cell => ({ text: `${t.checks - t.violations}/${t.checks} ${t.violations === 0 ? '✓' : '✗'}`, tone: t.violations === 0 ? 'ok' : 'bad' })),
    ]),
  });

const cxtText = (wei: bigint): string => `${compactNumber(Number(wei / 10n ** 12n) / 1e6)}`;

const headlineTable = (subsets: readonly Subset[], outcomes: readonly RunOutcome[]) =>
  table({
    id: 'headline',
    caption: 'Headline metrics per run (CXT unless noted)',
    columns: ['subset', 'run', 'minted', 'minted at half-life', 'burned', 'staked', 'staking ratio', 'final APR', 'final price', 'nodes (final / peak)', 'mean reward Gini', 'mean edge share'],
    rows: outcomes.map((o) => {
      const h = o.headline;
      return [
        subsets[o.subset]!.label,
        { text: String(o.run), numeric: true },
        { text: cxtText(h.mintedTotal), numeric: true },
        { text: h.mintedAtHalfLife === null ? '—' : cxtText(h.mintedAtHalfLife), numeric: true },
        { text: cxtText(h.burnedTotal), numeric: true },
        { text: cxtText(h.staked), numeric: true },
        { text: percent(h.finalStakingRatio), numeric: true },
        { text: percent(h.finalStakingApr), numeric: true },
        { text: String(Number(h.finalPrice.toPrecision(3))), numeric: true },
        { text: `${h.finalNodes} / ${h.peakNodes}`, numeric: true },
        { text: h.meanRewardGini.toFixed(3), numeric: true },
        { text: percent(h.meanEdgeShare), numeric: true },
      ];
    }),
  });

/**
 * The subsets side by side: per output, p50 and p5–p95 across runs; ★ marks the best p50 where one
 * direction is better (a higher APR, a lower Gini). Outputs the horizon does not reach are left out.
 */
const subsetTable = (subsets: readonly Subset[], outcomes: readonly RunOutcome[]) => {
  const rows = OUTPUTS.flatMap((output) => {
    const perSubset = subsets.map((s) => outcomes.filter((o) => o.subset === s.index).map((o) => output.of(o.headline)));
    if (perSubset.some((xs) => xs.some((x) => x === null))) return [];
    const stats = perSubset.map((xs) => {
      const sorted = sortNumbers(xs as number[]);
      return { p5: quantileOfNumbers(sorted, 5), p50: quantileOfNumbers(sorted, 50), p95: quantileOfNumbers(sorted, 95) };
    });
    const p50s = stats.map((x) => x.p50);
    const top = output.better === 'higher' ? Math.max(...p50s) : Math.min(...p50s);
    // Marked only when one subset is strictly best: common random numbers often make outputs the
    // parameter does not touch exactly equal.
    const best = subsets.length > 1 && output.better && p50s.filter((v) => v === top).length === 1 ? p50s.indexOf(top) : -1;
    const show = (v: number) => (output.percent ? percent(v) : Math.abs(v) >= 1000 ? compactNumber(v) : Number(v.toPrecision(3)).toString());
    return [[
      { text: output.name },
      ...stats.map((x, i): Cell => ({ text: `${i === best ? '★ ' : ''}${show(x.p50)} (${show(x.p5)} – ${show(x.p95)})`, numeric: true, ...(i === best ? { tone: 'ok' as const } : {}) })),
    ]];
  });
  return table({
    id: 'subsets',
    caption: `Outputs per subset: p50 (p5 – p95) across runs${subsets.length > 1 ? '; ★ the best p50 where higher or lower is better' : ''}. Every subset runs on the same random streams in run r (common random numbers).`,
    columns: ['output', ...subsets.map((s) => s.label)],
    rows,
  });
};

export interface ReportInput {
  readonly scenarioSource: string;
  readonly seed: number;
  readonly subsets: readonly Subset[];
  readonly outcomes: readonly RunOutcome[];
  readonly quantiles: readonly SubsetQuantiles[];
}

export const simulationReport = (i: ReportInput): string => {
  const first = i.subsets[0]!.scenario;
  const yearEpochs = Math.round(epochsPerYear(i.subsets[0]!.params.epochLengthSeconds));
  const windowed = first.epochs > 2 * yearEpochs;
  const years = first.epochs / epochsPerYear(i.subsets[0]!.params.epochLengthSeconds);
  const charts = CHARTS.map((spec) =>
    lineChart({
      id: spec.id,
      title: spec.steadyState && windowed ? `${spec.title}, from the end of year 1` : spec.title,
      xLabel: 'epoch',
      yLabel: spec.yLabel,
      series: chartSeries(spec, i.subsets, i.quantiles, spec.steadyState && windowed ? yearEpochs : 0),
      ...(spec.references ? { references: i.subsets.flatMap(spec.references).filter((r, k, all) => all.findIndex((x) => x.y === r.y) === k) } : {}),
      ...(spec.format ? { yFormat: spec.format } : {}),
      ...(spec.clip !== undefined ? { yClipQuantile: spec.clip } : {}),
      note: [
        spec.note,
        spec.steadyState && windowed ? `Year 1 is left out: its first epochs' annualised rates reach thousands of percent and would hide the steady state (summary.json has every epoch).` : undefined,
        `Line: median (p50) across ${first.runs} runs; band: p5–p95.`,
      ]
        .filter(Boolean)
        .join(' '),
    }),
  );
  return page({
    title: `Corex tokenomics simulation — ${first.name}`,
    lead: `${first.description} Horizon: ${first.epochs} epochs (${Number(years.toPrecision(3))} years). Seed ${i.seed}, ${first.runs} runs per subset, ${i.subsets.length} subset(s). Scenario: ${i.scenarioSource}.`,
    body: [
      section('Outputs', subsetTable(i.subsets, i.outcomes)),
      section('Charts', grid(charts)),
      section(
        'Invariants',
        paragraph(INVARIANTS.map((n) => `${n}: ${INVARIANT_DESCRIPTIONS[n]}.`).join(' ')),
        invariantTable(i.subsets, i.outcomes),
      ),
      section('Headline metrics', headlineTable(i.subsets, i.outcomes)),
      section(
        'Parameters',
        comparisonTable('params', 'Effective protocol parameters (DESIGN §8 defaults with the scenario’s and the sweep’s overrides)', i.subsets, (s) =>
          flatten(ProtocolParamsCodec.encode(s.params) as unknown as Json),
        ),
        comparisonTable('behaviour', 'Agent behaviour', i.subsets, (s) => {
          const { params: _p, name: _n, description: _d, ...behaviour } = s.scenario;
          return flatten(behaviour as unknown as Json);
        }),
      ),
    ],
  });
};
