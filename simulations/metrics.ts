/**
 * What one epoch of one run reports: the domain's numbers as they are (bigint base units) and the
 * derived ratios (floats). Column order is the file format of series.csv.
 */
import type { Allocation, EventData } from '../domain/index.ts';
import { ratio, weiToTokens } from './units.ts';
import type { EpochValue } from './value.ts';

export interface EpochRow {
  readonly epoch: number;
  readonly budget: bigint;
  readonly minted: bigint;
  readonly mintedTotal: bigint;
  readonly burnedTotal: bigint;
  readonly circulating: bigint;
  readonly staked: bigint;
  /** Bonded stake / circulating supply. */
  readonly stakingRatio: number;
  /** (staking pool + stakers' revenue share valued in CXT) / active stake, annualised; 0 without active stake. */
  readonly stakingApr: number;
  /** (minted − burned in the epoch) / circulating at its end, annualised. */
  readonly inflation: number;
  /** Gross marketplace revenue settled by the close, in asset base units. */
  readonly revenue: bigint;
  /** CXT burned by the epoch's buyback. */
  readonly buyback: bigint;
  /** Active (joined, not churned) nodes. */
  readonly nodes: number;
  /** Gini coefficient of the epoch's CXT allocations across their recipients. */
  readonly rewardGini: number;
  /** Share of the epoch's CXT allocations that went to operators of edge devices. */
  readonly edgeShare: number;
  /** CXT burned in the epoch for any reason (buybacks and slashes). */
  readonly burned: bigint;
  /** CXT price in asset units. */
  readonly price: number;
  /** Tasks the close settled (scenario `tasks`). */
  readonly tasksSettled: number;
  /** Fragments of those tasks that failed. */
  readonly taskFragmentsFailed: number;
  /** Paid to quorum operators by the tasks settled, in asset base units. */
  readonly taskNodePay: bigint;
  /** Refunded to the buyers by the tasks settled (failed fragments and dust), in asset base units. */
  readonly taskRefunds: bigint;
  /** The value side (value.ts): market cap, the yield's two parts, revenue against emission value, operator returns. */
  readonly value: EpochValue;
}

export const SERIES_COLUMNS = [
  'subset',
  'run',
  'epoch',
  'budget',
  'minted',
  'mintedTotal',
  'burnedTotal',
  'circulating',
  'staked',
  'stakingRatio',
  'stakingApr',
  'inflation',
  'revenue',
  'buyback',
  'nodes',
  'rewardGini',
  'edgeShare',
  'burned',
  'price',
  'tasksSettled',
  'taskFragmentsFailed',
  'taskNodePay',
  'taskRefunds',
  'marketCap',
  'realYield',
  'inflationaryYield',
  'revenueToEmission',
  'operatorReturn',
  'operatorReturnGpu',
  'operatorReturnCpu',
  'operatorReturnEdge',
  'operatorReturnStorage',
  'operatorReturnBandwidth',
] as const;

/** Metrics of a row in column order (everything after subset, run, epoch). */
export const METRICS = SERIES_COLUMNS.slice(3) as readonly Exclude<(typeof SERIES_COLUMNS)[number], 'subset' | 'run' | 'epoch'>[];
export type Metric = (typeof METRICS)[number];

/** Amount metrics stay exact integers in every file. */
export const AMOUNT_METRICS: ReadonlySet<Metric> = new Set([
  'budget',
  'minted',
  'mintedTotal',
  'burnedTotal',
  'circulating',
  'staked',
  'revenue',
  'buyback',
  'burned',
  'taskNodePay',
  'taskRefunds',
]);

/** Floats with 9 significant digits: short, and the same text on every machine. */
export const formatFloat = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(9))) : '0');

export const formatRow = (subset: number, run: number, r: EpochRow): string =>
  [
    subset,
    run,
    r.epoch,
    r.budget,
    r.minted,
    r.mintedTotal,
    r.burnedTotal,
    r.circulating,
    r.staked,
    formatFloat(r.stakingRatio),
    formatFloat(r.stakingApr),
    formatFloat(r.inflation),
    r.revenue,
    r.buyback,
    r.nodes,
    formatFloat(r.rewardGini),
    formatFloat(r.edgeShare),
    r.burned,
    formatFloat(r.price),
    r.tasksSettled,
    r.taskFragmentsFailed,
    r.taskNodePay,
    r.taskRefunds,
    formatFloat(r.value.marketCap),
    formatFloat(r.value.realYield),
    formatFloat(r.value.inflationaryYield),
    formatFloat(r.value.revenueToEmission),
    formatFloat(r.value.operatorReturnAll),
    formatFloat(r.value.operatorReturn.gpu),
    formatFloat(r.value.operatorReturn.cpu),
    formatFloat(r.value.operatorReturn.edge),
    formatFloat(r.value.operatorReturn.storage),
    formatFloat(r.value.operatorReturn.bandwidth),
  ].join(',');

/** Gini of non-negative values: 0 for perfect equality, → 1 when one recipient takes everything. */
export const gini = (values: readonly number[]): number => {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  let total = 0;
  let weighted = 0;
  sorted.forEach((x, i) => {
    total += x;
    weighted += (2 * (i + 1) - n - 1) * x;
  });
  return total === 0 ? 0 : weighted / (n * total);
};

export interface RowInput {
  readonly closed: EventData<'EpochClosed'>;
  readonly cxtToken: string;
  readonly allocations: readonly Allocation[];
  readonly mintedTotal: bigint;
  readonly burnedTotal: bigint;
  readonly burnedBefore: bigint;
  readonly staked: bigint;
  readonly activeStake: bigint;
  readonly buyback: bigint;
  readonly nodes: number;
  readonly edgeOperators: ReadonlySet<string>;
  readonly price: number;
  readonly epochsPerYear: number;
  readonly tasksSettled: readonly EventData<'TaskSettled'>[];
  readonly value: EpochValue;
}

/**
 * A close's staking yield in its two parts, annualised, or undefined when no stake was active (the
 * pool then stays unminted): inflationary (the staking pool's emission / active stake) and real
 * (the stakers' revenue share valued in CXT at the epoch price / active stake).
 */
export const stakingYield = (
  closed: EventData<'EpochClosed'>,
  activeStake: bigint,
  price: number,
  epochsPerYear: number,
): { readonly inflationary: number; readonly real: number } | undefined => {
  if (activeStake === 0n) return undefined;
  const stake = weiToTokens(activeStake);
  let stakersRevenue = 0;
  for (const r of closed.revenue) stakersRevenue += weiToTokens(r.stakers);
  return {
    inflationary: (weiToTokens(closed.pools.staking.minted) / stake) * epochsPerYear,
    real: price > 0 ? (stakersRevenue / price / stake) * epochsPerYear : 0,
  };
};

/** The staking APR of a close: its inflationary plus its real yield; undefined without active stake. */
export const stakingApr = (closed: EventData<'EpochClosed'>, activeStake: bigint, price: number, epochsPerYear: number): number | undefined => {
  const y = stakingYield(closed, activeStake, price, epochsPerYear);
  return y && y.inflationary + y.real;
};

export const epochRow = (i: RowInput): EpochRow => {
  const rewards: number[] = [];
  let edge = 0n;
  let total = 0n;
  for (const a of i.allocations) {
    if (a.token !== i.cxtToken) continue;
    rewards.push(weiToTokens(a.amountWei));
    total += a.amountWei;
    if (i.edgeOperators.has(a.account)) edge += a.amountWei;
  }
  const circulating = i.mintedTotal - i.burnedTotal;
  const burned = i.burnedTotal - i.burnedBefore;
  let revenue = 0n;
  for (const r of i.closed.revenue) revenue += r.gross;
  return {
    epoch: i.closed.epoch,
    budget: i.closed.budget,
    minted: i.closed.minted,
    mintedTotal: i.mintedTotal,
    burnedTotal: i.burnedTotal,
    circulating,
    staked: i.staked,
    stakingRatio: ratio(i.staked, circulating),
    stakingApr: stakingApr(i.closed, i.activeStake, i.price, i.epochsPerYear) ?? 0,
    inflation: ratio(i.closed.minted - burned, circulating) * i.epochsPerYear,
    revenue,
    buyback: i.buyback,
    nodes: i.nodes,
    rewardGini: gini(rewards),
    edgeShare: ratio(edge, total),
    burned,
    price: i.price,
    tasksSettled: i.tasksSettled.length,
    taskFragmentsFailed: i.tasksSettled.reduce((n, t) => n + t.failed, 0),
    taskNodePay: i.tasksSettled.reduce((n, t) => n + t.nodePay.reduce((m, x) => m + x.amount, 0n), 0n),
    taskRefunds: i.tasksSettled.reduce((n, t) => n + t.refund, 0n),
    value: i.value,
  };
};
