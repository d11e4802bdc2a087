/** Account read model: stake, tier, tenure, governance weight, and per token cumulative and claimed. */
import {
  activeStakeFor,
  governanceWeight,
  latestParams,
  paramsForEpoch,
  unbondedWei,
  unbondingWei,
  type AccountState,
  type LedgerState,
  type TierName,
} from '../domain/index.ts';

/**
 * Where an account's stake is in epoch e, as four amounts an account holder can add up:
 * bonded (deposits − unstake requests − slashes) + unbonding (requested, not yet released)
 * + withdrawable (released, not yet withdrawn) = all it has in the staking contract.
 * Active is the part of bonded that earns in e (a deposit made in e does not yet).
 */
export interface StakeBreakdown {
  readonly bondedWei: bigint;
  readonly activeWei: bigint;
  readonly unbondingWei: bigint;
  readonly withdrawableWei: bigint;
}

export const stakeBreakdown = (a: AccountState, epoch: number): StakeBreakdown => {
  const withdrawableWei = unbondedWei(a, epoch);
  return { bondedWei: a.bondedWei, activeWei: activeStakeFor(a, epoch), unbondingWei: unbondingWei(a) - withdrawableWei, withdrawableWei };
};

/** Governance weight (DESIGN §5) in epoch e: active stake · tierBps / 10000, at the parameters in force for e. */
export const governanceWeightAt = (state: LedgerState, a: AccountState, epoch: number): bigint => {
  const p = paramsForEpoch(state, epoch) ?? latestParams(state);
  return p ? governanceWeight(p, activeStakeFor(a, epoch), a.tier) : 0n;
};

export interface AccountTokenRow {
  readonly token: string;
  readonly cumulativeWei: bigint;
  readonly claimedWei: bigint;
}

export interface AccountRow {
  readonly address: string;
  /** Bonded stake: deposits − unstake requests − slashes (column active_stake, kept for SQL consumers). */
  readonly activeStakeWei: bigint;
  /** Every unstake request not yet withdrawn, released or not. */
  readonly unbondingWei: bigint;
  readonly tier: TierName;
  readonly tenureEpochs: number;
  readonly governanceWeightWei: bigint;
  readonly nodeCount: number;
  /** Sorted by token address. */
  readonly tokens: readonly AccountTokenRow[];
}

/** The row as of the first open epoch (lastClosed + 1), so it follows from the log alone. */
export const accountRow = (state: LedgerState, a: AccountState): AccountRow => {
  const tokens = new Set([...a.cumulativeWei.keys(), ...a.claimedWei.keys()]);
  return {
    address: a.account,
    activeStakeWei: a.bondedWei,
    unbondingWei: unbondingWei(a),
    tier: a.tier,
    tenureEpochs: a.tenureEpochs,
    governanceWeightWei: governanceWeightAt(state, a, state.lastClosedEpoch + 1),
    nodeCount: a.nodeIds.length,
    tokens: [...tokens].sort().map((token) => ({
      token,
      cumulativeWei: a.cumulativeWei.get(token) ?? 0n,
      claimedWei: a.claimedWei.get(token) ?? 0n,
    })),
  };
};

export const accountView = (state: LedgerState, address: string): AccountRow | undefined => {
  const a = state.accounts.get(address);
  return a ? accountRow(state, a) : undefined;
};
