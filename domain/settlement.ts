/**
 * Settlement of one epoch (DESIGN §5) as a pure computation over the ledger state.
 * `decide` uses it to write EpochClosed; `evolve` re-runs it to apply the close, and the audit
 * re-runs it to check the recorded numbers — one implementation for all three.
 * What is settled depends only on the events' own epoch fields, never on when the close runs.
 */
import { verificationWindow, type ProtocolParams, type TierName } from './params.ts';
import type { EventData } from './events.ts';
import { activeStakeFor, paramsForEpoch, stakeAtEndOf, type LedgerState, type UnpaidWork } from './state.ts';
import { epochBudget, splitBudget, type PoolBudgets } from './emission.ts';
import { addAllocation, proRata, sortAllocations, type Allocation } from './allocation.ts';
import { boostedWeight } from './boost.ts';
import { evaluateTier, tierBps } from './tiers.ts';
import { splitRevenue, type RevenueSplitResult } from './revenue.ts';
import { keccakJcs } from './hashChain.ts';
import { createKeccak256Sponge } from './merkle/keccakSponge.ts';
import { taskCloseOutcomes, type TaskCloseOutcomes } from './taskSettlement.ts';
import { accountIndex, tierCandidates } from './accountIndex.ts';

export interface PoolOutcome {
  readonly budgetWei: bigint;
  readonly mintedWei: bigint;
}

export interface TierChange {
  readonly account: string;
  readonly from: TierName;
  readonly to: TierName;
}

export interface Settlement {
  readonly epoch: number;
  readonly params: ProtocolParams;
  readonly remainingBeforeWei: bigint;
  readonly budgetWei: bigint;
  readonly mintedWei: bigint;
  readonly pools: { readonly compute: PoolOutcome; readonly staking: PoolOutcome; readonly verification: PoolOutcome };
  readonly revenue: readonly RevenueSplitResult[];
  /** Sorted by account then token; amounts > 0. */
  readonly allocations: readonly Allocation[];
  readonly allocationsHash: string;
  /** Operator → compute weight W_o of this epoch (before boost). */
  readonly computeWeights: ReadonlyMap<string, bigint>;
  /** Account → active stake for this epoch. */
  readonly activeStakes: ReadonlyMap<string, bigint>;
  readonly paidWork: readonly UnpaidWork[];
  readonly paidVerdicts: number;
  readonly settledRevenueIds: readonly string[];
  /** Contributions that expire with this close (their verification window ended unjudged). */
  readonly expiredContributionIds: readonly string[];
  /** Tenure after this epoch, for every account whose tenure changes (positive weight or a reset). */
  readonly tenureUpdates: ReadonlyMap<string, number>;
  readonly tierChanges: readonly TierChange[];
  /** Reassigned and failed fragments, settled tasks (taskSettlement.ts). */
  readonly tasks: TaskCloseOutcomes;
  /** What each pool gave whom, and the weights it shared by: what a reward receipt explains (receipts.ts). */
  readonly shares: SettlementShares;
}

export interface SettlementShares {
  /** Operator → boosted compute weight E_o, and Σ E_o. */
  readonly boostedWeights: ReadonlyMap<string, bigint>;
  readonly totalBoostedWeight: bigint;
  readonly compute: ReadonlyMap<string, bigint>;
  readonly totalActiveStakeWei: bigint;
  readonly staking: ReadonlyMap<string, bigint>;
  /** Verifier → verdicts paid by this close, and their total. */
  readonly verdicts: ReadonlyMap<string, number>;
  readonly verification: ReadonlyMap<string, bigint>;
}

/**
 * keccak256 over the JCS of the sorted [account, token, amount] list (DESIGN §5). An array of
 * arrays of strings has one JCS text, JSON.stringify's, as long as every string is well formed
 * (ES strings serialize as RFC 8785 says): accounts and tokens are hex addresses and amounts are
 * digits, so the text is written and streamed into the sponge without the general canonicalizer —
 * a third of the time at 100,000 recipients. Anything else takes the general path.
 */
export const allocationsHash = (sorted: readonly Allocation[]): string => {
  const rows = sorted.map((a) => [a.account, a.token, a.amountWei.toString()]);
  if (!sorted.every((a) => a.account.isWellFormed() && a.token.isWellFormed())) return keccakJcs(rows);
  const sponge = createKeccak256Sponge();
  sponge.update(JSON.stringify(rows));
  return sponge.digestHex();
};

const sumValues = (m: ReadonlyMap<unknown, bigint>): bigint => {
  let total = 0n;
  for (const v of m.values()) total += v;
  return total;
};

/**
 * Exact weight of one piece of verified work: units · kindWeightBps · tierBps, an integer with no
 * division, so a 1-unit edge contribution weighs (DESIGN §5).
 */
export const workWeight = (p: ProtocolParams, units: number, kind: UnpaidWork['kind'], tier: TierName): bigint =>
  BigInt(units) * BigInt(p.kindWeightBps[kind]) * BigInt(tierBps(p, tier));

/**
 * W_o per operator from the verified, unpaid work with verification epoch ≤ e: Σ workWeight over
 * its items, computed as tierBps_o · Σ_kind kindWeightBps · (its units of that kind) — the same
 * exact integer by distributivity. A close pays a million items, so per item there is one map
 * lookup and a plain-number sum (moved into a bigint before it could pass 2^53), not three bigints.
 */
const computeWeights = (state: LedgerState, p: ProtocolParams, work: readonly UnpaidWork[]): Map<string, bigint> => {
  type UnitSums = Record<UnpaidWork['kind'], number>;
  // Per operator, in the order of its first item (as the per-item sum would meet them): units by
  // kind as plain numbers, moved into a bigint before they could pass 2^53.
  const byOperator = new Map<string, { units: UnitSums; carried?: Record<UnpaidWork['kind'], bigint> }>();
  let lastNodeId: string | undefined;
  let lastOperator: string | undefined;
  for (const w of work) {
    // A node's items usually come together: one lookup per run of them.
    if (w.nodeId !== lastNodeId) {
      lastNodeId = w.nodeId;
      lastOperator = state.nodes.get(w.nodeId)?.operator;
    }
    if (lastOperator === undefined) continue;
    let sums = byOperator.get(lastOperator);
    if (!sums) byOperator.set(lastOperator, (sums = { units: { compute: 0, training: 0, data: 0 } }));
    if (sums.units[w.kind] + w.units > Number.MAX_SAFE_INTEGER) {
      sums.carried ??= { compute: 0n, training: 0n, data: 0n };
      sums.carried[w.kind] += BigInt(sums.units[w.kind]);
      sums.units[w.kind] = 0;
    }
    sums.units[w.kind] += w.units;
  }
  const weights = new Map<string, bigint>();
  for (const [operator, { units, carried }] of byOperator) {
    let sum = 0n;
    for (const kind of Object.keys(units) as Array<UnpaidWork['kind']>)
      if (units[kind] > 0 || carried !== undefined) sum += ((carried?.[kind] ?? 0n) + BigInt(units[kind])) * BigInt(p.kindWeightBps[kind]);
    weights.set(operator, sum * BigInt(tierBps(p, state.accounts.get(operator)?.tier ?? p.tiers[0]!.name)));
  }
  return weights;
};

/** Contributions whose verification window closes with epoch e while they are still unjudged. */
const expiringContributions = (state: LedgerState, p: ProtocolParams, epoch: number): string[] => {
  const lastExpiringWorkEpoch = epoch - verificationWindow(p);
  const expired: string[] = [];
  // A loop, not push(...ids): an epoch may hold more unjudged work than a call has argument slots.
  for (const [workEpoch, ids] of state.unjudgedByEpoch) if (workEpoch <= lastExpiringWorkEpoch) for (const id of ids) expired.push(id);
  return expired.sort();
};

/**
 * decide(CloseEpoch) settles the epoch and evolve(EpochClosed) settles it again on the very same
 * state; at 100,000 nodes that is seconds. The result is reused when nothing was folded in between.
 */
const lastSettlement = new WeakMap<LedgerState, { eventsFolded: number; settlement: Settlement }>();

export const settleEpoch = (state: LedgerState, epoch: number): Settlement => {
  const cached = lastSettlement.get(state);
  if (cached && cached.eventsFolded === state.eventsFolded && cached.settlement.epoch === epoch) return cached.settlement;
  const settlement = computeSettlement(state, epoch);
  lastSettlement.set(state, { eventsFolded: state.eventsFolded, settlement });
  return settlement;
};

const computeSettlement = (state: LedgerState, epoch: number): Settlement => {
  const p = paramsForEpoch(state, epoch);
  if (!p) throw new Error(`no protocol parameters in force for epoch ${epoch}`);
  const remainingBeforeWei = p.maxSupply - state.mintedWei;
  const budgetWei = epochBudget(remainingBeforeWei, p.halfLifeEpochs);
  const budgets: PoolBudgets = splitBudget(budgetWei, p);
  const ledger = new Map<string, Allocation>();

  // Only accounts with stake, not every account ever seen (accountIndex.ts).
  const index = accountIndex(state);
  const activeStakes = new Map<string, bigint>();
  for (const account of index.staked) {
    const stake = activeStakeFor(state.accounts.get(account)!, epoch);
    if (stake > 0n) activeStakes.set(account, stake);
  }
  const totalStakeWei = sumValues(activeStakes);

  // Compute pool: stake-boosted operator weights.
  const paidWork = state.unpaidWork.filter((w) => w.verifiedEpoch <= epoch);
  const weights = computeWeights(state, p, paidWork);
  const totalWeight = sumValues(weights);
  const boosted = new Map<string, bigint>();
  for (const [operator, weight] of weights) {
    boosted.set(operator, boostedWeight({ weight, stakeWei: activeStakes.get(operator) ?? 0n }, totalWeight, totalStakeWei, p.boostBaseBps));
  }
  let computeMinted = 0n;
  const computeShares = proRata(budgets.compute, boosted);
  for (const [operator, amount] of computeShares) {
    addAllocation(ledger, operator, p.cxtToken, amount);
    computeMinted += amount;
  }

  // Staking pool.
  let stakingMinted = 0n;
  const stakingShares = proRata(budgets.staking, activeStakes);
  for (const [account, amount] of stakingShares) {
    addAllocation(ledger, account, p.cxtToken, amount);
    stakingMinted += amount;
  }

  // Verification pool: verdicts with epoch ≤ e. decide only accepts verdicts from registered verifiers;
  // a later removal does not take back pay for verdicts already given (and keeps late closes equal).
  // Counted in numbers (a verdict each; no bigint per verdict), in order of each verifier's first one.
  const verdictCounts = new Map<string, number>();
  let paidVerdicts = 0;
  for (const v of state.pendingVerdicts) {
    if (v.epoch > epoch) continue;
    paidVerdicts++;
    verdictCounts.set(v.verifier, (verdictCounts.get(v.verifier) ?? 0) + 1);
  }
  let verificationMinted = 0n;
  const verdictWeights = new Map([...verdictCounts].map(([verifier, count]) => [verifier, BigInt(count)]));
  const verificationShares = proRata(budgets.verification, verdictWeights);
  for (const [verifier, amount] of verificationShares) {
    addAllocation(ledger, verifier, p.cxtToken, amount);
    verificationMinted += amount;
  }

  // Tasks finished by this close: node pay and refunds in the task's asset; the fee is split like revenue.
  const tasks = taskCloseOutcomes(state, p, epoch);
  const taskFees = [];
  for (const t of tasks.settled) {
    for (const pay of t.nodePay) addAllocation(ledger, pay.account, t.asset, pay.amountWei);
    if (t.refundWei > 0n) addAllocation(ledger, t.initiator, t.asset, t.refundWei);
    if (t.feeWei > 0n) taskFees.push({ revenueId: `task:${t.taskId}`, epoch, asset: t.asset, grossWei: t.feeWei });
  }

  // Revenue, per asset.
  const revenueRecords = state.unsettledRevenue.filter((r) => r.epoch <= epoch);
  const revenue = splitRevenue([...revenueRecords, ...taskFees], activeStakes, p, ledger);

  // Tenure and tiers, after rewards; effective from e+1. An epoch with a tenure reset (a fraud
  // verdict) never counts, even with work in it. Only resets recorded in epochs ≤ e count, so a
  // slash recorded in a later epoch before this (late) close does not change its outcome.
  const tenureUpdates = new Map<string, number>();
  for (const account of index.tenureResets) {
    if (state.accounts.get(account)!.pendingTenureResets.some((r) => r <= epoch)) tenureUpdates.set(account, 0);
  }
  for (const [operator, weight] of weights) {
    if (weight > 0n && !tenureUpdates.has(operator)) tenureUpdates.set(operator, (state.accounts.get(operator)?.settledTenureEpochs ?? 0) + 1);
  }
  const tierChanges: TierChange[] = [];
  for (const a of tierCandidates(state, p, tenureUpdates)) {
    const tenure = tenureUpdates.get(a.account) ?? a.settledTenureEpochs;
    const to = evaluateTier(p, stakeAtEndOf(a, epoch), tenure);
    if (to !== a.tier) tierChanges.push({ account: a.account, from: a.tier, to });
  }
  tierChanges.sort((x, y) => (x.account < y.account ? -1 : x.account > y.account ? 1 : 0));

  const allocations = sortAllocations(ledger.values());
  return {
    epoch,
    params: p,
    remainingBeforeWei,
    budgetWei,
    mintedWei: computeMinted + stakingMinted + verificationMinted,
    pools: {
      compute: { budgetWei: budgets.compute, mintedWei: computeMinted },
      staking: { budgetWei: budgets.staking, mintedWei: stakingMinted },
      verification: { budgetWei: budgets.verification, mintedWei: verificationMinted },
    },
    revenue,
    allocations,
    allocationsHash: allocationsHash(allocations),
    computeWeights: weights,
    activeStakes,
    paidWork,
    paidVerdicts,
    settledRevenueIds: revenueRecords.map((r) => r.revenueId),
    expiredContributionIds: expiringContributions(state, p, epoch),
    tenureUpdates,
    tierChanges,
    tasks,
    shares: {
      boostedWeights: boosted,
      totalBoostedWeight: sumValues(boosted),
      compute: computeShares,
      totalActiveStakeWei: totalStakeWei,
      staking: stakingShares,
      verdicts: verdictCounts,
      verification: verificationShares,
    },
  };
};

/**
 * The EpochClosed data a settlement is recorded as; `logHead` is the hash of the event before it and
 * `stateHash` that of the state the settlement was computed on (snapshot.ts).
 */
export const epochClosedData = (s: Settlement, logHead: string, stateHash: string | undefined): EventData<'EpochClosed'> => {
  const pool = (o: PoolOutcome) => ({ budget: o.budgetWei, minted: o.mintedWei });
  return {
    epoch: s.epoch,
    budget: s.budgetWei,
    minted: s.mintedWei,
    pools: { compute: pool(s.pools.compute), staking: pool(s.pools.staking), verification: pool(s.pools.verification) },
    revenue: s.revenue.map((r) => ({
      asset: r.asset,
      gross: r.grossWei,
      fees: r.feesWei,
      provider: r.providerWei,
      stakers: r.stakersWei,
      buyback: r.buybackWei,
    })),
    allocationsHash: s.allocationsHash,
    recipients: s.allocations.length,
    logHead,
    expired: s.expiredContributionIds.length,
    ...(stateHash === undefined ? {} : { stateHash }),
  };
};
