/**
 * Reward receipts (issue 13): for one account and one close, the breakdown the settlement used —
 * compute weight per node, tier bps, boosted weight and share of the pool; active stake and share
 * of the staking pool; verdicts paid; revenue shares per asset; task pay and refunds; stake slashed
 * in the epoch; and the total per token. Read off the very Settlement the close applied
 * (settlement.ts), never computed a second way, so the totals of every account's receipt are that
 * close's allocations exactly (a property test holds it).
 */
import type { LedgerState } from './state.ts';
import type { Settlement } from './settlement.ts';
import { tierBps } from './tiers.ts';
import { workWeight } from './settlement.ts';
import { accountIndex } from './accountIndex.ts';

export interface NodeWork {
  readonly nodeId: string;
  /** Verified work paid by this close, by kind. */
  readonly units: { readonly compute: number; readonly training: number; readonly data: number };
  /** Σ units · kindWeightBps · tierBps over that work. */
  readonly weight: bigint;
}

export interface RewardReceipt {
  readonly account: string;
  readonly epoch: number;
  readonly compute: {
    readonly nodes: readonly NodeWork[];
    readonly tierBps: number;
    /** W_o and the stake-boosted E_o it was paid by, against Σ E of the close. */
    readonly weight: bigint;
    readonly boostedWeight: bigint;
    readonly totalBoostedWeight: bigint;
    readonly poolWei: bigint;
    readonly paidWei: bigint;
  } | null;
  readonly staking: { readonly activeStakeWei: bigint; readonly totalActiveStakeWei: bigint; readonly poolWei: bigint; readonly paidWei: bigint } | null;
  readonly verification: { readonly verdicts: number; readonly totalVerdicts: number; readonly poolWei: bigint; readonly paidWei: bigint } | null;
  /** Per revenue asset: as provider of the work sold, and as staker (share of the fee). */
  readonly revenue: ReadonlyArray<{ readonly asset: string; readonly providerWei: bigint; readonly stakersWei: bigint }>;
  readonly tasks: ReadonlyArray<{ readonly taskId: string; readonly asset: string; readonly payWei: bigint; readonly refundWei: bigint }>;
  /** Stake slashed from the account in the closed epoch (burned, not paid). */
  readonly slashedWei: bigint;
  /** What the close allocated to the account, per token: the sum of everything above that pays. */
  readonly totals: ReadonlyArray<{ readonly token: string; readonly amountWei: bigint }>;
}

const add = (totals: Map<string, bigint>, token: string, amount: bigint): void => {
  if (amount > 0n) totals.set(token, (totals.get(token) ?? 0n) + amount);
};

type WorkByOperator = ReadonlyMap<string, ReadonlyArray<Settlement['paidWork'][number]>>;

/** The paid work of a close grouped by operator, in one pass. */
const workByOperator = (s: Settlement, state: LedgerState, only?: string): WorkByOperator => {
  const out = new Map<string, Array<Settlement['paidWork'][number]>>();
  for (const w of s.paidWork) {
    const operator = state.nodes.get(w.nodeId)?.operator;
    if (operator === undefined || (only !== undefined && operator !== only)) continue;
    let list = out.get(operator);
    if (!list) out.set(operator, (list = []));
    list.push(w);
  }
  return out;
};

/** The receipt of `account` for the close `s`, computed on `state`, the state `s` was settled on (before it is applied). */
export const rewardReceipt = (s: Settlement, state: LedgerState, account: string): RewardReceipt =>
  receiptWith(s, state, account, workByOperator(s, state, account));

/**
 * The receipts of every account the close allocated to or slashed, by account: one pass over the
 * close's work, so a close paying 100,000 operators costs what the settlement itself did.
 */
export const rewardReceipts = (s: Settlement, state: LedgerState): Map<string, RewardReceipt> => {
  const work = workByOperator(s, state);
  const accounts = new Set(s.allocations.map((a) => a.account));
  // A slash is a pending stake change, so only staked accounts can have one.
  for (const account of accountIndex(state).staked)
    if (state.accounts.get(account)!.pendingChanges.some((c) => c.slash && c.epoch === s.epoch)) accounts.add(account);
  return new Map([...accounts].sort().map((account) => [account, receiptWith(s, state, account, work)]));
};

const receiptWith = (s: Settlement, state: LedgerState, account: string, work: WorkByOperator): RewardReceipt => {
  const p = s.params;
  const cxt = p.cxtToken;
  const totals = new Map<string, bigint>();
  const a = state.accounts.get(account);

  const weight = s.computeWeights.get(account);
  let compute: RewardReceipt['compute'] = null;
  if (weight !== undefined) {
    const tier = tierBps(p, a?.tier ?? p.tiers[0]!.name);
    const byNode = new Map<string, { compute: number; training: number; data: number; weight: bigint }>();
    for (const w of work.get(account) ?? []) {
      const n = byNode.get(w.nodeId) ?? { compute: 0, training: 0, data: 0, weight: 0n };
      n[w.kind] += w.units;
      n.weight += workWeight(p, w.units, w.kind, a?.tier ?? p.tiers[0]!.name);
      byNode.set(w.nodeId, n);
    }
    const paidWei = s.shares.compute.get(account) ?? 0n;
    add(totals, cxt, paidWei);
    compute = {
      nodes: [...byNode].sort(([x], [y]) => (x < y ? -1 : 1)).map(([nodeId, n]) => ({ nodeId, units: { compute: n.compute, training: n.training, data: n.data }, weight: n.weight })),
      tierBps: tier,
      weight,
      boostedWeight: s.shares.boostedWeights.get(account) ?? 0n,
      totalBoostedWeight: s.shares.totalBoostedWeight,
      poolWei: s.pools.compute.budgetWei,
      paidWei,
    };
  }

  const stake = s.activeStakes.get(account);
  const stakingPaid = s.shares.staking.get(account) ?? 0n;
  add(totals, cxt, stakingPaid);
  const staking = stake === undefined ? null : { activeStakeWei: stake, totalActiveStakeWei: s.shares.totalActiveStakeWei, poolWei: s.pools.staking.budgetWei, paidWei: stakingPaid };

  const verdicts = s.shares.verdicts.get(account);
  const verificationPaid = s.shares.verification.get(account) ?? 0n;
  add(totals, cxt, verificationPaid);
  const verification =
    verdicts === undefined ? null : { verdicts, totalVerdicts: s.paidVerdicts, poolWei: s.pools.verification.budgetWei, paidWei: verificationPaid };

  const revenue = s.revenue.flatMap((r) => {
    const providerWei = r.providerShares.get(account) ?? 0n;
    const stakersWei = r.stakerShares.get(account) ?? 0n;
    add(totals, r.asset, providerWei + stakersWei);
    return providerWei > 0n || stakersWei > 0n ? [{ asset: r.asset, providerWei, stakersWei }] : [];
  });

  const tasks = s.tasks.settled.flatMap((t) => {
    const payWei = t.nodePay.find((x) => x.account === account)?.amountWei ?? 0n;
    const refundWei = t.initiator === account ? t.refundWei : 0n;
    add(totals, t.asset, payWei + refundWei);
    return payWei > 0n || refundWei > 0n ? [{ taskId: t.taskId, asset: t.asset, payWei, refundWei }] : [];
  });

  let slashedWei = 0n;
  for (const c of a?.pendingChanges ?? []) if (c.slash && c.epoch === s.epoch) slashedWei -= c.deltaWei;

  return {
    account,
    epoch: s.epoch,
    compute,
    staking,
    verification,
    revenue,
    tasks,
    slashedWei,
    totals: [...totals].sort(([x], [y]) => (x < y ? -1 : 1)).map(([token, amountWei]) => ({ token, amountWei })),
  };
};
