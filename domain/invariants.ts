/**
 * The invariants of DESIGN §9 as pure checks, shared by simulations, tests and the audit.
 * A check never throws: it returns every violation it finds, each naming its invariant and the
 * numbers at fault. Everything is exact bigint arithmetic; the budget is re-derived with the
 * emission rule itself (emission.ts), not with a second formula.
 */
import type { Allocation } from './allocation.ts';
import { epochBudget, splitBudget } from './emission.ts';
import type { EventData } from './events.ts';
import type { ProtocolParams } from './params.ts';
import type { LedgerState } from './state.ts';
import { taskConserves, taskPaidWei, type TaskSettlement } from './taskSettlement.ts';
import { payoutSplitMismatch } from './payoutChains.ts';

export const INVARIANTS = [
  'supply-cap',
  'budget',
  'revenue-conservation',
  'non-negative',
  'burned-le-minted',
  'cumulative-monotonic',
  'claimed-le-cumulative',
  'task-conservation',
  'payout-split',
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface Violation {
  readonly invariant: InvariantName;
  readonly message: string;
}

export interface AssetTotals {
  readonly grossWei: bigint;
  readonly feesWei: bigint;
  readonly providerWei: bigint;
  readonly stakersWei: bigint;
  readonly buybackBudgetWei: bigint;
  readonly buybackSpentWei: bigint;
}

/** The parts of the ledger state the invariants read, copied so a later fold cannot change them. */
export interface LedgerSnapshot {
  readonly lastClosedEpoch: number;
  readonly mintedWei: bigint;
  readonly burnedWei: bigint;
  readonly stakedWei: bigint;
  /** account → bonded stake (deposits − unstake requests − slashes). */
  readonly bondedWei: ReadonlyMap<string, bigint>;
  /** account → amount still unbonding or unbonded but not withdrawn. */
  readonly unbondingWei: ReadonlyMap<string, bigint>;
  /** account → token → cumulative allocation (copies of the accounts' own maps). */
  readonly cumulativeWei: ReadonlyMap<string, ReadonlyMap<string, bigint>>;
  /** account → token → claimed on-chain. */
  readonly claimedWei: ReadonlyMap<string, ReadonlyMap<string, bigint>>;
  readonly assets: ReadonlyMap<string, AssetTotals>;
  /** Issue 15: the first (account, token) whose leaves over all chains do not add up to its cumulative; absent when all do. */
  readonly payoutSplit?: ReturnType<typeof payoutSplitMismatch>;
}

const leaf = (account: string, token: string): string => `${account}|${token}`;

export const snapshotLedger = (state: LedgerState): LedgerSnapshot => {
  const bondedWei = new Map<string, bigint>();
  const unbondingWei = new Map<string, bigint>();
  // Per account a copy of its own map (a native copy), not one string key per leaf: a close of a
  // long simulation snapshots every account that ever earned, twice.
  const cumulativeWei = new Map<string, ReadonlyMap<string, bigint>>();
  const claimedWei = new Map<string, ReadonlyMap<string, bigint>>();
  for (const a of state.accounts.values()) {
    if (a.bondedWei !== 0n) bondedWei.set(a.account, a.bondedWei);
    let unbonding = 0n;
    for (const u of a.unbonding) unbonding += u.amountWei;
    if (unbonding !== 0n) unbondingWei.set(a.account, unbonding);
    if (a.cumulativeWei.size > 0) cumulativeWei.set(a.account, new Map(a.cumulativeWei));
    if (a.claimedWei.size > 0) claimedWei.set(a.account, new Map(a.claimedWei));
  }
  const assets = new Map<string, AssetTotals>();
  for (const [asset, l] of state.assets) assets.set(asset, { ...l });
  const payoutSplit = payoutSplitMismatch(state);
  return {
    ...(payoutSplit === undefined ? {} : { payoutSplit }),
    lastClosedEpoch: state.lastClosedEpoch,
    mintedWei: state.mintedWei,
    burnedWei: state.burnedWei,
    stakedWei: state.stakedWei,
    bondedWei,
    unbondingWei,
    cumulativeWei,
    claimedWei,
    assets,
  };
};

export interface CloseCheckInput {
  /** Parameters in force for the closed epoch. */
  readonly params: ProtocolParams;
  /** State just before the EpochClosed was folded. */
  readonly before: LedgerSnapshot;
  /** State just after it was folded. */
  readonly after: LedgerSnapshot;
  readonly closed: EventData<'EpochClosed'>;
  /** Allocations of the close, as re-derived by the fold (state.lastAllocations). */
  readonly allocations: readonly Allocation[];
  /** Tasks the close settled (their pay and refunds are allocations, not minting). */
  readonly tasksSettled?: readonly TaskSettlement[];
}

type Report = (invariant: InvariantName, message: string) => void;

const ZERO_ASSET: AssetTotals = { grossWei: 0n, feesWei: 0n, providerWei: 0n, stakersWei: 0n, buybackBudgetWei: 0n, buybackSpentWei: 0n };

const allocatedByToken = (allocations: readonly Allocation[]): Map<string, bigint> => {
  const totals = new Map<string, bigint>();
  for (const a of allocations) totals.set(a.token, (totals.get(a.token) ?? 0n) + a.amountWei);
  return totals;
};

/** §9.1: minted never exceeds maxSupply, and R = maxSupply − minted stays ≥ 0. */
const checkSupplyCap = ({ params, before, after, closed }: CloseCheckInput, report: Report): void => {
  if (after.mintedWei > params.maxSupply) report('supply-cap', `minted ${after.mintedWei} exceeds maxSupply ${params.maxSupply}`);
  if (after.mintedWei < 0n) report('supply-cap', `minted ${after.mintedWei} is negative`);
  const remainingBefore = params.maxSupply - before.mintedWei;
  if (closed.budget > remainingBefore) report('supply-cap', `budget ${closed.budget} exceeds the remaining supply R = ${remainingBefore}`);
};

/** §9.2: B(e) = floor(R(e)·λ) exactly; pools split it; Σ CXT allocations = minted delta ≤ B(e). */
const checkBudget = ({ params, before, after, closed, allocations, tasksSettled }: CloseCheckInput, report: Report): void => {
  if (after.lastClosedEpoch !== closed.epoch || before.lastClosedEpoch !== closed.epoch - 1)
    report('budget', `close of epoch ${closed.epoch} moved the last closed epoch from ${before.lastClosedEpoch} to ${after.lastClosedEpoch}`);
  const expected = epochBudget(params.maxSupply - before.mintedWei, params.halfLifeEpochs);
  if (closed.budget !== expected) report('budget', `budget ${closed.budget} ≠ floor(R·λ) = ${expected}`);
  const pools = splitBudget(closed.budget, params);
  for (const name of ['compute', 'staking', 'verification'] as const) {
    const pool = closed.pools[name];
    if (pool.budget !== pools[name]) report('budget', `${name} pool budget ${pool.budget} ≠ ${pools[name]} of the split`);
    if (pool.minted > pool.budget) report('budget', `${name} pool minted ${pool.minted} exceeds its budget ${pool.budget}`);
  }
  const poolsMinted = closed.pools.compute.minted + closed.pools.staking.minted + closed.pools.verification.minted;
  if (poolsMinted !== closed.minted) report('budget', `pools minted ${poolsMinted} ≠ recorded minted ${closed.minted}`);
  if (closed.minted > closed.budget) report('budget', `minted ${closed.minted} exceeds budget ${closed.budget}`);
  const delta = after.mintedWei - before.mintedWei;
  if (delta !== closed.minted) report('budget', `minted supply grew by ${delta} but the close records ${closed.minted}`);
  // Revenue recorded in CXT itself is shared in CXT too, but it is not minting.
  let cxtRevenueShared = 0n;
  for (const r of closed.revenue) if (r.asset === params.cxtToken) cxtRevenueShared += r.provider + r.stakers;
  // So is a task budget paid in CXT: its node pay and refund come from the buyer, not from emission.
  for (const t of tasksSettled ?? []) if (t.asset === params.cxtToken) cxtRevenueShared += taskPaidWei(t);
  const cxtMinted = (allocatedByToken(allocations).get(params.cxtToken) ?? 0n) - cxtRevenueShared;
  if (cxtMinted !== closed.minted) report('budget', `CXT reward allocations sum to ${cxtMinted} but minted is ${closed.minted}`);
};

/** §9.3: per asset, gross = provider + stakers + buyback budget; buyback spent ≤ budget. */
const checkRevenue = ({ params, before, after, closed, allocations, tasksSettled }: CloseCheckInput, report: Report): void => {
  const allocated = allocatedByToken(allocations);
  const splitAssets = new Set<string>();
  // Tasks settled by the close pay their operators and refund their buyers in the task's asset too.
  const taskPaid = new Map<string, bigint>();
  for (const t of tasksSettled ?? []) taskPaid.set(t.asset, (taskPaid.get(t.asset) ?? 0n) + taskPaidWei(t));
  for (const r of closed.revenue) {
    if (r.gross !== r.provider + r.stakers + r.buyback)
      report('revenue-conservation', `asset ${r.asset}: gross ${r.gross} ≠ provider ${r.provider} + stakers ${r.stakers} + buyback ${r.buyback}`);
    if (r.fees !== r.stakers + r.buyback)
      report('revenue-conservation', `asset ${r.asset}: fees ${r.fees} ≠ stakers ${r.stakers} + buyback ${r.buyback}`);
    splitAssets.add(r.asset);
    const expected = r.provider + r.stakers + (taskPaid.get(r.asset) ?? 0n);
    if (r.asset !== params.cxtToken && (allocated.get(r.asset) ?? 0n) !== expected)
      report('revenue-conservation', `asset ${r.asset}: allocations sum to ${allocated.get(r.asset) ?? 0n}, provider + stakers + task pay and refunds is ${expected}`);
    const b = before.assets.get(r.asset) ?? ZERO_ASSET;
    const a = after.assets.get(r.asset) ?? ZERO_ASSET;
    if (a.grossWei - b.grossWei !== r.gross || a.buybackBudgetWei - b.buybackBudgetWei !== r.buyback)
      report('revenue-conservation', `asset ${r.asset}: the ledger moved by gross ${a.grossWei - b.grossWei} / buyback ${a.buybackBudgetWei - b.buybackBudgetWei}, the close records ${r.gross} / ${r.buyback}`);
  }
  for (const [token, amount] of allocated)
    if (token !== params.cxtToken && !splitAssets.has(token) && amount !== (taskPaid.get(token) ?? 0n))
      report('revenue-conservation', `asset ${token}: ${amount} allocated without a revenue split in the close`);
  for (const [asset, l] of after.assets) {
    if (l.grossWei !== l.providerWei + l.stakersWei + l.buybackBudgetWei)
      report('revenue-conservation', `asset ${asset}: Σ gross ${l.grossWei} ≠ Σ provider ${l.providerWei} + Σ stakers ${l.stakersWei} + buyback budget ${l.buybackBudgetWei}`);
    if (l.buybackSpentWei > l.buybackBudgetWei)
      report('revenue-conservation', `asset ${asset}: buyback spent ${l.buybackSpentWei} exceeds its budget ${l.buybackBudgetWei}`);
  }
};

/** §9.4: no negative stake, balance, budget or allocation; Σ bonded = staked. */
const checkNonNegative = ({ after, allocations }: CloseCheckInput, report: Report): void => {
  if (after.stakedWei < 0n) report('non-negative', `total stake ${after.stakedWei} is negative`);
  let bondedTotal = 0n;
  for (const [account, bonded] of after.bondedWei) {
    bondedTotal += bonded;
    if (bonded < 0n) report('non-negative', `stake of ${account} is ${bonded}`);
  }
  if (bondedTotal !== after.stakedWei) report('non-negative', `accounts hold ${bondedTotal} bonded but total stake is ${after.stakedWei}`);
  for (const [account, amount] of after.unbondingWei) if (amount < 0n) report('non-negative', `unbonding of ${account} is ${amount}`);
  for (const a of allocations) if (a.amountWei <= 0n) report('non-negative', `allocation of ${a.amountWei} to ${a.account} in ${a.token}`);
  for (const [asset, l] of after.assets)
    for (const [field, value] of Object.entries(l))
      if (value < 0n) report('non-negative', `asset ${asset}: ${field} is ${value}`);
  if (after.burnedWei < 0n) report('non-negative', `burned ${after.burnedWei} is negative`);
};

const checkBurned = ({ after }: CloseCheckInput, report: Report): void => {
  if (after.burnedWei > after.mintedWei) report('burned-le-minted', `burned ${after.burnedWei} exceeds minted ${after.mintedWei}`);
};

/** §9.5 per close: every cumulative amount grows by exactly its allocation, never shrinks, never vanishes. */
const checkCumulative = ({ before, after, allocations }: CloseCheckInput, report: Report): void => {
  const allocated = new Map<string, Map<string, bigint>>();
  for (const a of allocations) {
    let tokens = allocated.get(a.account);
    if (!tokens) allocated.set(a.account, (tokens = new Map()));
    tokens.set(a.token, (tokens.get(a.token) ?? 0n) + a.amountWei);
  }
  const allocatedTo = (account: string, token: string): bigint => allocated.get(account)?.get(token) ?? 0n;
  for (const [account, tokens] of before.cumulativeWei)
    for (const [token, was] of tokens) {
      const now = after.cumulativeWei.get(account)?.get(token) ?? 0n;
      if (now < was) report('cumulative-monotonic', `cumulative of ${leaf(account, token)} fell from ${was} to ${now}`);
      else if (now - was !== allocatedTo(account, token))
        report('cumulative-monotonic', `cumulative of ${leaf(account, token)} grew by ${now - was} but the close allocated ${allocatedTo(account, token)}`);
    }
  for (const [account, tokens] of after.cumulativeWei) {
    const was = before.cumulativeWei.get(account);
    for (const [token, now] of tokens)
      if (!was?.has(token) && now !== allocatedTo(account, token))
        report('cumulative-monotonic', `new cumulative of ${leaf(account, token)} is ${now} but the close allocated ${allocatedTo(account, token)}`);
  }
};

const checkClaimed = ({ after }: CloseCheckInput, report: Report): void => {
  for (const [account, tokens] of after.claimedWei)
    for (const [token, claimed] of tokens) {
      const cumulative = after.cumulativeWei.get(account)?.get(token) ?? 0n;
      if (claimed > cumulative) report('claimed-le-cumulative', `${leaf(account, token)} claimed ${claimed} of a cumulative ${cumulative}`);
    }
};

/** Issue 15: Σ over chains of an account's leaves in a token = its cumulative allocation in it, exactly. */
const checkPayoutSplit = ({ after }: CloseCheckInput, report: Report): void => {
  const m = after.payoutSplit;
  if (m !== undefined) report('payout-split', `${leaf(m.account, m.token)}: its leaves over all chains add up to ${m.leavesWei}, not its cumulative ${m.cumulativeWei}`);
};

/** Per task settled: budget = Σ node pay + fee + refund, to the base unit, none negative. */
const checkTasks = ({ tasksSettled }: CloseCheckInput, report: Report): void => {
  for (const t of tasksSettled ?? [])
    if (!taskConserves(t))
      report('task-conservation', `task ${t.taskId}: budget ${t.budgetWei} ≠ node pay and refund ${taskPaidWei(t)} + fee ${t.feeWei}`);
};

const CHECKS: ReadonlyArray<(input: CloseCheckInput, report: Report) => void> = [
  checkSupplyCap,
  checkBudget,
  checkRevenue,
  checkNonNegative,
  checkBurned,
  checkCumulative,
  checkClaimed,
  checkTasks,
  checkPayoutSplit,
];

/** Every §9 invariant a single close can break; empty when the close is sound. */
export const checkEpochClose = (input: CloseCheckInput): Violation[] => {
  const violations: Violation[] = [];
  const report: Report = (invariant, message) => violations.push({ invariant, message: `epoch ${input.closed.epoch}: ${message}` });
  for (const check of CHECKS) check(input, report);
  return violations;
};

/**
 * §9.5 across distributions: no leaf of `next` (account|token → cumulative) is below, or missing
 * from, the `previous` one.
 */
export const checkDistributionCumulative = (previous: ReadonlyMap<string, bigint>, next: ReadonlyMap<string, bigint>): Violation[] => {
  const violations: Violation[] = [];
  for (const [key, was] of previous) {
    const now = next.get(key);
    if (now === undefined) violations.push({ invariant: 'cumulative-monotonic', message: `leaf ${key} (${was}) disappeared` });
    else if (now < was) violations.push({ invariant: 'cumulative-monotonic', message: `leaf ${key} fell from ${was} to ${now}` });
  }
  return violations;
};
