/**
 * Before publishing (DESIGN §6): the distributor's balance of each token must cover what the new
 * root makes claimable, `cumulative total − claimed so far`.
 *
 * Claimed so far comes from the ledger first: the indexer may lag the chain but never leads it, so
 * the ledger's figure is a lower bound and the need it gives an upper bound — enough to pass.
 * Only a token that fails that test is re-checked exactly, summing `claimed()` on-chain over the
 * tree's leaves of that token (every account that ever had a leaf still has one: leaves never
 * disappear), so a lagging indexer cannot block a publication that is in fact covered.
 */
import { claimedOnChainWei, PRIMARY_CHAIN, type ChainKey, type DistributionState, type LedgerState, type StandardMerkleDump } from '../../domain/index.ts';
import type { DistributorClient } from '../chain/distributorClient.ts';

export interface Shortfall {
  readonly token: string;
  readonly cumulativeWei: bigint;
  readonly claimedWei: bigint;
  /** cumulativeWei − claimedWei. */
  readonly neededWei: bigint;
  /** The distributor's balance of the token. */
  readonly availableWei: bigint;
}

export class InsufficientFundingError extends Error {
  readonly code = 'INSUFFICIENT_FUNDING';
  constructor(
    readonly seq: number,
    readonly distributor: string,
    readonly shortfalls: readonly Shortfall[],
  ) {
    // Base units, not formatted: the ledger does not know each token's decimals.
    super(
      `distribution ${seq} was not published: the distributor ${distributor} ` +
        shortfalls
          .map((s) => `holds ${s.availableWei} base units of token ${s.token} but needs ${s.neededWei} (cumulative ${s.cumulativeWei} − claimed ${s.claimedWei})`)
          .join('; and '),
    );
    this.name = 'InsufficientFundingError';
  }
}

/** Σ claimed(account, token) over the tree's leaves of `token`, a few calls at a time. */
const chainClaimedWei = async (distributor: DistributorClient, dump: StandardMerkleDump, token: string, concurrency: number): Promise<bigint> => {
  const accounts = dump.values.filter((v) => v.value[1] === token).map((v) => v.value[0]);
  let total = 0n;
  for (let i = 0; i < accounts.length; i += concurrency) {
    const batch = await Promise.all(accounts.slice(i, i + concurrency).map((account) => distributor.claimed(account, token)));
    for (const claimed of batch) total += claimed;
  }
  return total;
};

const balanceOf = async (distributor: DistributorClient, token: string): Promise<bigint> => {
  try {
    return await distributor.tokenBalance(token);
  } catch (error) {
    throw new Error(`cannot read the distributor's balance of token ${token} (is it an ERC-20 on this chain?): ${(error as Error).message}`);
  }
};

export interface SolvencyInput {
  readonly distribution: DistributionState;
  readonly dump: StandardMerkleDump;
  readonly state: LedgerState;
  readonly distributor: DistributorClient;
  /** The chain the distributor is on (issue 15: a payout chain's tree, tokens at its addresses); default the primary chain. */
  readonly chain?: ChainKey;
  /** Parallel `claimed()` calls in the exact re-check (default 16). */
  readonly concurrency?: number;
}

/** Every token the distributor cannot cover; empty when publishing is safe. */
export const findShortfalls = async ({ distribution, dump, state, distributor, chain = PRIMARY_CHAIN, concurrency = 16 }: SolvencyInput): Promise<Shortfall[]> => {
  const shortfalls: Shortfall[] = [];
  for (const { token, cumulativeWei } of distribution.totals) {
    const availableWei = await balanceOf(distributor, token);
    if (availableWei >= cumulativeWei - claimedOnChainWei(state, chain, token)) continue;
    const claimedWei = await chainClaimedWei(distributor, dump, token, concurrency);
    const neededWei = cumulativeWei - claimedWei;
    if (availableWei < neededWei) shortfalls.push({ token, cumulativeWei, claimedWei, neededWei, availableWei });
  }
  return shortfalls;
};

export interface UnknownClaims {
  readonly token: string;
  /** Claimed according to the ledger but not according to this contract's claimed(). */
  readonly missingWei: bigint;
}

/**
 * Before a distribution is proposed again on a contract that never held it: claims the ledger
 * recorded (on another contract, or on a chain that started over) that this contract's claimed()
 * does not know. A cumulative root there would pay them a second time.
 */
export const unknownClaims = async ({
  dump,
  state,
  distributor,
  chain = PRIMARY_CHAIN,
  concurrency = 16,
}: Omit<SolvencyInput, 'distribution'>): Promise<UnknownClaims[]> => {
  const tokens = [...new Set(dump.values.map((v) => v.value[1]))].sort();
  const found: UnknownClaims[] = [];
  for (const token of tokens) {
    const ledgerWei = claimedOnChainWei(state, chain, token);
    if (ledgerWei === 0n) continue;
    const chainWei = await chainClaimedWei(distributor, dump, token, concurrency);
    if (ledgerWei > chainWei) found.push({ token, missingWei: ledgerWei - chainWei });
  }
  return found;
};
