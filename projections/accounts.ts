/** Account read model: stake, tier, tenure, governance weight, and per token cumulative and claimed. */
import {
  governanceWeight,
  latestParams,
  unbondingWei,
  type AccountState,
  type LedgerState,
  type TierName,
} from '../domain/index.ts';

export interface AccountTokenRow {
  readonly token: string;
  readonly cumulativeWei: bigint;
  readonly claimedWei: bigint;
}

export interface AccountRow {
  readonly address: string;
  /** Bonded stake: deposits − unstake requests − slashes. */
  readonly activeStakeWei: bigint;
  readonly unbondingWei: bigint;
  readonly tier: TierName;
  readonly tenureEpochs: number;
  readonly governanceWeightWei: bigint;
  readonly nodeCount: number;
  /** Sorted by token address. */
  readonly tokens: readonly AccountTokenRow[];
}

export const accountRow = (state: LedgerState, a: AccountState): AccountRow => {
  const p = latestParams(state);
  const tokens = new Set([...a.cumulativeWei.keys(), ...a.claimedWei.keys()]);
  return {
    address: a.account,
    activeStakeWei: a.bondedWei,
    unbondingWei: unbondingWei(a),
    tier: a.tier,
    tenureEpochs: a.tenureEpochs,
    governanceWeightWei: p ? governanceWeight(p, a.bondedWei, a.tier) : 0n,
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
