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

interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly yLabel: string;
  readonly metrics: readonly { readonly metric: Metric; readonly label: string }[];
  readonly format?: (v: number) => string;
  readonly clip?: number;
  readonly note?: string;
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
  { id: 'apr', title: 'Staking APR', yLabel: 'APR', metrics: [{ metric: 'stakingApr', label: 'APR' }], format: percent, clip: 0.98, note: 'Annualised; 0 while no stake is active.' },
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
  { id: 'inflation', title: 'Net inflation', yLabel: 'per year', metrics: [{ metric: 'inflation', label: 'net inflation' }], format: percent, clip: 0.98 },
  { id: 'price', title: 'CXT price', yLabel: 'asset per CXT', metrics: [{ metric: 'price', label: 'price' }] },
  { id: 'revenue', title: 'Marketplace revenue', yLabel: 'asset per epoch', metrics: [{ metric: 'revenue', label: 'gross revenue' }], clip: 0.995 },
  { id: 'nodes', title: 'Active nodes', yLabel: 'nodes', metrics: [{ metric: 'nodes', label: 'nodes' }] },
];

const chartSeries = (spec: ChartSpec, subsets: readonly Subset[], quantiles: readonly SubsetQuantiles[]): Series[] =>
  subsets.flatMap((subset, s) =>
    spec.metrics.map(({ metric, label }, m) => {
      const points = quantiles[s]?.get(metric) ?? [];
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

export interface ReportInput {
  readonly scenarioSource: string;
  readonly seed: number;
  readonly subsets: readonly Subset[];
  readonly outcomes: readonly RunOutcome[];
  readonly quantiles: readonly SubsetQuantiles[];
}

export const simulationReport = (i: ReportInput): string => {
  const first = i.subsets[0]!.scenario;
  const charts = CHARTS.map((spec) =>
    lineChart({
      id: spec.id,
      title: spec.title,
      xLabel: 'epoch',
      yLabel: spec.yLabel,
      series: chartSeries(spec, i.subsets, i.quantiles),
      ...(spec.format ? { yFormat: spec.format } : {}),
      ...(spec.clip !== undefined ? { yClipQuantile: spec.clip } : {}),
      note: [spec.note, `Line: median (p50) across ${first.runs} runs; band: p5–p95.`].filter(Boolean).join(' '),
    }),
  );
  return page({
    title: `Corex tokenomics simulation — ${first.name}`,
    lead: `${first.description} Seed ${i.seed}, ${first.runs} runs × ${first.epochs} epochs per subset, ${i.subsets.length} subset(s). Scenario: ${i.scenarioSource}.`,
    body: [
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
