/**
 * summary.json: per subset its full effective protocol parameters and behaviour, and per run the
 * invariants checked with their result and the headline metrics. Nothing machine- or time-dependent
 * goes in, so the same command writes the same bytes.
 */
import { ProtocolParamsCodec } from '../domain/index.ts';
import { INVARIANTS } from '../domain/invariants.ts';
import type { RunOutcome } from './run.ts';
import type { Subset, SweepAxis } from './sweep.ts';
import { SERIES_COLUMNS } from './metrics.ts';
import { QUANTILE_COLUMNS } from './merge.ts';
import { PERCENTILES } from './quantiles.ts';

export const INVARIANT_DESCRIPTIONS: Readonly<Record<(typeof INVARIANTS)[number], string>> = {
  'supply-cap': '§9.1 minted ≤ maxSupply at every epoch; the budget never exceeds R = maxSupply − minted',
  budget: '§9.2 B(e) = floor(R(e)·λ) exactly; pools split it; Σ CXT allocations = minted delta ≤ B(e)',
  'revenue-conservation': '§9.3 per asset Σ gross = Σ provider + Σ stakers + buyback budget; buyback spent ≤ budget',
  'non-negative': '§9.4 no negative stake, allocation or asset balance; Σ bonded = total stake',
  'burned-le-minted': '§9.4 burned ≤ minted',
  'cumulative-monotonic': '§9.5 cumulative amounts never decrease; each grows by exactly its allocation',
  'claimed-le-cumulative': '§9.5 claimed ≤ cumulative per leaf',
  'task-conservation': 'per task settled: budget = Σ node pay + fee + refund, to the base unit (README, "Tasks")',
  'payout-split': 'per account and token, Σ over chains of its leaves = its cumulative allocation, exactly (README, "Several chains")',
};

export const METRIC_DEFINITIONS = {
  amounts: 'integer base units (18 decimals); revenue in base units of the revenue asset',
  stakingRatio: 'bonded stake / circulating supply (minted − burned)',
  stakingApr: '(staking pool minted + stakers’ revenue share valued in CXT at the epoch price) / active stake × epochs per year; 0 without active stake',
  inflation: '(minted − burned in the epoch) / circulating at its end × epochs per year',
  rewardGini: 'Gini coefficient of the epoch’s CXT allocations across recipients (operators, stakers, verifiers)',
  edgeShare: 'share of the epoch’s CXT allocations received by operators of edge devices',
  buyback: 'CXT burned by the epoch’s buyback; burned counts every reason (buybacks and slashes)',
  nodes: 'active nodes (joined and not churned)',
  tasks:
    'tasksSettled, taskFragmentsFailed: tasks the close settled and their failed fragments; taskNodePay, taskRefunds: what those tasks paid the quorum operators and refunded the buyers, in base units of the marketplace asset (0 without scenario tasks)',
  value:
    'marketCap: circulating × price (revenue asset); realYield: stakers’ revenue share / (active stake × price), per year; inflationaryYield: staking pool minted / active stake, per year; revenueToEmission: gross revenue / (CXT minted × price), above 1 when buyers pay more than the emission is worth; operatorReturn (all, and per hardware class): (CXT allocated × price + revenue asset allocated) / (active nodes × scenario value.hardwareCostPerEpoch) − 1, 0 without a cost model',
  quantiles: 'type 7 (linear interpolation between order statistics) across runs; amounts floored to base units',
} as const;

const jsonValue = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

export interface SummaryInput {
  readonly scenarioSource: string;
  readonly seed: number;
  readonly sweeps: readonly SweepAxis[];
  readonly subsets: readonly Subset[];
  /** In (subset, run) order. */
  readonly outcomes: readonly RunOutcome[];
}

export const buildSummary = (i: SummaryInput): object => {
  const first = i.subsets[0]!;
  return {
    tool: 'cxt simulate',
    scenario: { source: i.scenarioSource, name: first.scenario.name, description: first.scenario.description },
    seed: i.seed,
    epochs: first.scenario.epochs,
    runs: first.scenario.runs,
    sweeps: i.sweeps,
    files: { series: [...SERIES_COLUMNS], quantiles: [...QUANTILE_COLUMNS], percentiles: [...PERCENTILES] },
    definitions: METRIC_DEFINITIONS,
    invariants: INVARIANTS.map((name) => ({ name, description: INVARIANT_DESCRIPTIONS[name] })),
    subsets: i.subsets.map((s) => {
      const { params: _overrides, name: _name, description: _description, ...behaviour } = s.scenario;
      return {
        index: s.index,
        label: s.label,
        sweep: s.sweep,
        params: ProtocolParamsCodec.encode(s.params),
        behaviour,
        runs: i.outcomes
          .filter((o) => o.subset === s.index)
          .map((o) => ({
            run: o.run,
            invariants: o.invariants.map((t) => ({ ...t, result: t.violations === 0 && t.checks > 0 ? 'pass' : 'fail' })),
            headline: o.headline,
          })),
      };
    }),
  };
};

export const summaryJson = (i: SummaryInput): string => `${JSON.stringify(buildSummary(i), jsonValue, 2)}\n`;
