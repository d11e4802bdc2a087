/** The distributions reads point claimants at, on one chain: the one its distributor pays against, and the one on its way. */
import { distributionOn, PRIMARY_CHAIN, type ChainKey, type DistributionState, type LedgerState } from '../../domain/index.ts';

/** The distribution whose root `chain`'s distributor pays against (at most one is active per chain). */
export const activeDistribution = (state: LedgerState, chain: ChainKey = PRIMARY_CHAIN): DistributionState | undefined => {
  // Newest first: the active one is at most a distribution or two from the end.
  for (let i = state.distributions.length - 1; i >= 0; i--) {
    const d = distributionOn(state.distributions[i]!, chain);
    if (d?.status === 'active') return d;
  }
  return undefined;
};

/** The newest distribution still on its way to `chain` (created or proposed), after the active one. */
export const pendingDistribution = (state: LedgerState, chain: ChainKey = PRIMARY_CHAIN): DistributionState | undefined => {
  // Newest first, until the active one: every pending one lies after it (per read, no list is built).
  for (let i = state.distributions.length - 1; i >= 0; i--) {
    const d = distributionOn(state.distributions[i]!, chain);
    if (d?.status === 'active') return undefined;
    if (d?.status === 'created' || d?.status === 'published') return d;
  }
  return undefined;
};
