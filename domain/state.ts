/**
 * The ledger state every decision reads, folded from events by `evolve` (evolve.ts).
 * It is plain data; `evolve` updates it in place for speed (a log of millions of events cannot
 * afford copying maps per event), so whoever folds owns the object.
 */
import type { ProtocolParams, TierName } from './params.ts';
import type { ContributionKind, HardwareClass } from './events.ts';
import type { PayoutChain } from './payoutChains.ts';
import type { TaskState } from './taskState.ts';
import type { Allocation } from './allocation.ts';

export interface ConfigVersion {
  readonly version: number;
  readonly effectiveEpoch: number;
  readonly params: ProtocolParams;
}

export interface NodeState {
  readonly nodeId: string;
  readonly operator: string;
  readonly signer: string;
  readonly hardwareClass: HardwareClass;
  readonly region?: string;
}

/**
 * A contribution is in the state while it is open work (recorded, awaiting a verdict within its
 * window) and until the close of the epoch it was judged in; then it leaves (DESIGN §10). One that
 * expires unjudged leaves at that close. Older ones are known only to the event store, by id.
 */
export type ContributionStatus = 'recorded' | 'verified' | 'rejected';

export interface ContributionState {
  readonly contributionId: string;
  readonly nodeId: string;
  readonly epoch: number;
  readonly kind: ContributionKind;
  readonly units: number;
  status: ContributionStatus;
  /** Recording epoch of its verdict; it leaves the state at the close of that epoch. */
  judgedEpoch?: number;
  /** A task result: the fragment it answers. Judged by the fragment's consensus, never expired. */
  readonly taskId?: string;
  readonly fragmentId?: string;
  /**
   * A result the consensus rejected (its hash dissented) may still be marked fraud by a verifier
   * until the close of this epoch; it stays in the state until then.
   */
  fraudOpenUntilEpoch?: number;
}

/** Verified work not yet paid; paid by the first close of an epoch ≥ its verification epoch. */
export interface UnpaidWork {
  readonly contributionId: string;
  readonly nodeId: string;
  readonly kind: ContributionKind;
  readonly units: number;
  readonly verifiedEpoch: number;
}

export interface PendingVerdict {
  readonly verifier: string;
  readonly epoch: number;
}

/** A stake movement not yet folded into `settledStakeWei` (its epoch is after the last close). */
export interface StakeChange {
  readonly epoch: number;
  /** Positive for a deposit, negative for an unstake request or a slash. */
  readonly deltaWei: bigint;
  readonly slash?: true;
}

export interface UnbondingEntry {
  amountWei: bigint;
  readonly releaseEpoch: number;
}

export interface AccountState {
  readonly account: string;
  /** Deposits − unstake requests − slashes, everything recorded so far. */
  bondedWei: bigint;
  /** The part of bondedWei whose epochs are closed; the rest is in pendingChanges. */
  settledStakeWei: bigint;
  pendingChanges: StakeChange[];
  unbonding: UnbondingEntry[];
  tier: TierName;
  /** Closed epochs with positive compute weight since the last slash (0 as soon as a slash is recorded). */
  tenureEpochs: number;
  /** Tenure as of the last close, before any pending reset: what the next close builds on. */
  settledTenureEpochs: number;
  /**
   * Epochs of slash/fraud tenure resets recorded for epochs not yet closed. The close of e applies
   * only those with epoch ≤ e, so a late close counts tenure exactly as an on-time one (DESIGN §5).
   */
  pendingTenureResets: number[];
  nodeIds: string[];
  /** Cumulative allocations per token address, through the last closed epoch. */
  readonly cumulativeWei: Map<string, bigint>;
  /** Claimed on-chain per token address, from RewardsClaimed. */
  readonly claimedWei: Map<string, bigint>;
  /** The chain its rewards are payable on from now on (PayoutChainSet); undefined: the primary chain (payoutChains.ts). */
  payoutChainId?: number;
  /** PayoutChainSet events so far: the next signed change must carry this + 1, so no signature is replayed. */
  payoutSequence?: number;
  /** Chain → token → the leaf frozen on a chain it no longer accrues on (payoutChains.ts); undefined while none. */
  frozenLeavesWei?: Map<string, Map<string, bigint>>;
  /** Payout chain → token → claimed on that chain (RewardsClaimed with a chainId); claimedWei holds every chain's claims. */
  chainClaimedWei?: Map<string, Map<string, bigint>>;
}

export interface UnsettledRevenue {
  readonly revenueId: string;
  readonly epoch: number;
  readonly asset: string;
  readonly grossWei: bigint;
  readonly provider?: string;
}

export interface AssetLedger {
  grossWei: bigint;
  feesWei: bigint;
  providerWei: bigint;
  stakersWei: bigint;
  /** Buyback budget credited by closes; spent by buyback burns. */
  buybackBudgetWei: bigint;
  buybackSpentWei: bigint;
}

/** An ERC-20 revenue and buybacks may be recorded in (AssetRegistered). */
export interface RegisteredAsset {
  readonly asset: string;
  readonly symbol: string;
  readonly decimals: number;
}

export interface DistributionState {
  readonly seq: number;
  readonly throughEpoch: number;
  readonly root: string;
  readonly logHead: string;
  readonly leafCount: number;
  readonly totals: ReadonlyArray<{ readonly token: string; readonly cumulativeWei: bigint }>;
  readonly treeHash: string;
  /** The trees of the payout chains with leaves (payoutChains.ts); undefined when there are none. */
  readonly chains?: ReadonlyArray<ChainTreeState>;
  status: 'created' | 'published' | 'active' | 'superseded' | 'revoked';
  published?: { chainId: number; contract: string; txHash: string; blockNumber: number; validAt: number; blockHash?: string };
}

/** A payout chain's tree in a distribution, published on its own chain (chainDistributions.ts). */
export interface ChainTreeState {
  readonly chainId: number;
  readonly root: string;
  readonly leafCount: number;
  readonly totals: ReadonlyArray<{ readonly token: string; readonly cumulativeWei: bigint }>;
  readonly treeHash: string;
  /** Its stage on its chain; undefined: created (not proposed there yet). */
  status?: 'published' | 'active' | 'superseded' | 'revoked';
  published?: DistributionState['published'];
}

export interface LedgerState {
  /** Every ProtocolConfigured in order; params for epoch e = last version with effectiveEpoch ≤ e. */
  readonly configs: ConfigVersion[];
  readonly nodes: Map<string, NodeState>;
  readonly contributions: Map<string, ContributionState>;
  /** Work epoch → ids of its contributions still unjudged: what the verification window expires. */
  readonly unjudgedByEpoch: Map<number, Set<string>>;
  readonly verifiers: Set<string>;
  unpaidWork: UnpaidWork[];
  pendingVerdicts: PendingVerdict[];
  readonly accounts: Map<string, AccountState>;
  unsettledRevenue: UnsettledRevenue[];
  readonly assets: Map<string, AssetLedger>;
  /** Assets revenue and buybacks may name; CXT from genesis. */
  readonly assetRegistry: Map<string, RegisteredAsset>;
  /** CXT burned, every reason. */
  burnedWei: bigint;
  /** CXT minted by all closed epochs. */
  mintedWei: bigint;
  stakedWei: bigint;
  /** −1 before the first close. */
  lastClosedEpoch: number;
  /** Allocations of the most recent close (derived data: re-derived on replay, never stored). */
  lastAllocations: Allocation[];
  readonly distributions: DistributionState[];
  /** Leaves of the latest created distribution, "account|token" → cumulative: no later one may be lower. */
  distributedWei: Map<string, bigint>;
  /**
   * Leaves of each distribution that is still live (created, published or active; not superseded
   * or revoked): claims are checked against the latest published one, and a new distribution
   * against the latest live one.
   */
  readonly liveLeaves: Map<number, ReadonlyMap<string, bigint>>;
  /** Open tasks, by taskId (taskState.ts): posted and not yet settled. */
  readonly tasks: Map<string, TaskState>;
  /**
   * Account → the latest epoch it was slashed or had work rejected as fraud, kept while it is
   * within the verification window: such an operator's nodes are not eligible for task seats.
   */
  readonly recentSlashes: Map<string, number>;
  /** Payout chains besides the primary one, by chain id (ChainConfigured). */
  readonly payoutChains: Map<number, PayoutChain>;
  /** Events folded so far: a cheap version of the state, so derived results can be reused safely. */
  eventsFolded: number;
}

export const initialState = (): LedgerState => ({
  configs: [],
  nodes: new Map(),
  contributions: new Map(),
  unjudgedByEpoch: new Map(),
  verifiers: new Set(),
  unpaidWork: [],
  pendingVerdicts: [],
  accounts: new Map(),
  unsettledRevenue: [],
  assets: new Map(),
  assetRegistry: new Map(),
  burnedWei: 0n,
  mintedWei: 0n,
  stakedWei: 0n,
  lastClosedEpoch: -1,
  lastAllocations: [],
  distributions: [],
  distributedWei: new Map(),
  liveLeaves: new Map(),
  tasks: new Map(),
  recentSlashes: new Map(),
  payoutChains: new Map(),
  eventsFolded: 0,
});

export const newAccount = (account: string, tier: TierName): AccountState => ({
  account,
  bondedWei: 0n,
  settledStakeWei: 0n,
  pendingChanges: [],
  unbonding: [],
  tier,
  tenureEpochs: 0,
  settledTenureEpochs: 0,
  pendingTenureResets: [],
  nodeIds: [],
  cumulativeWei: new Map(),
  claimedWei: new Map(),
});

export const newAssetLedger = (): AssetLedger => ({
  grossWei: 0n,
  feesWei: 0n,
  providerWei: 0n,
  stakersWei: 0n,
  buybackBudgetWei: 0n,
  buybackSpentWei: 0n,
});

/** Parameters in force for epoch e (undefined before genesis). */
export const paramsForEpoch = (state: LedgerState, epoch: number): ProtocolParams | undefined => {
  let found: ProtocolParams | undefined;
  for (const c of state.configs) if (c.effectiveEpoch <= epoch) found = c.params;
  return found;
};

export const genesisParams = (state: LedgerState): ProtocolParams | undefined => state.configs[0]?.params;

/** The latest configured parameters, including ones effective only from a later epoch. */
export const latestParams = (state: LedgerState): ProtocolParams | undefined => state.configs[state.configs.length - 1]?.params;

/** Epoch that contains `nowSeconds` on the genesis time grid (0 before genesis). */
export const epochAt = (state: LedgerState, nowSeconds: number): number => {
  const p = genesisParams(state);
  if (!p || nowSeconds < p.genesisTimeSeconds) return 0;
  return Math.floor((nowSeconds - p.genesisTimeSeconds) / p.epochLengthSeconds);
};

/**
 * The epoch a new event is recorded in: the epoch of `now`, but never one already closed
 * (a clock slightly behind the closer must not write into a settled epoch).
 */
export const recordingEpoch = (state: LedgerState, nowSeconds: number): number =>
  Math.max(epochAt(state, nowSeconds), state.lastClosedEpoch + 1);

/** End of epoch e in unix seconds (exclusive). */
export const epochEndSeconds = (p: ProtocolParams, epoch: number): number => p.genesisTimeSeconds + (epoch + 1) * p.epochLengthSeconds;

/**
 * Active stake for epoch e (DESIGN §5: deposits with epoch < e, minus unstakes and slashes with
 * epoch ≤ e), refined so that an unstake in e first draws on stake deposited in e itself:
 * min(stake at the start of e, stake at the end of e before e's slashes) − e's slashes.
 * Never negative for a valid history, and because min is superadditive, splitting an account can
 * never raise the total (Sybil neutrality).
 */
export const activeStakeFor = (a: AccountState, epoch: number): bigint => {
  let atStart = a.settledStakeWei;
  let atEnd = a.settledStakeWei;
  let slashedInEpoch = 0n;
  for (const c of a.pendingChanges) {
    if (c.epoch < epoch) atStart += c.deltaWei;
    if (c.epoch === epoch && c.slash) slashedInEpoch -= c.deltaWei;
    else if (c.epoch <= epoch) atEnd += c.deltaWei;
  }
  const active = (atStart < atEnd ? atStart : atEnd) - slashedInEpoch;
  return active > 0n ? active : 0n;
};

/** Stake at the end of epoch e: every change with epoch ≤ e. Tiers are evaluated on it. */
export const stakeAtEndOf = (a: AccountState, epoch: number): bigint => {
  let stake = a.settledStakeWei;
  for (const c of a.pendingChanges) if (c.epoch <= epoch) stake += c.deltaWei;
  return stake;
};

export const unbondedWei = (a: AccountState, epoch: number): bigint => {
  let total = 0n;
  for (const u of a.unbonding) if (u.releaseEpoch <= epoch) total += u.amountWei;
  return total;
};

export const unbondingWei = (a: AccountState): bigint => {
  let total = 0n;
  for (const u of a.unbonding) total += u.amountWei;
  return total;
};

