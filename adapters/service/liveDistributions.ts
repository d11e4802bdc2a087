/** The distributions reads point claimants at, on one chain: the one its distributor pays against, and the one on its way. */
import { distributionsOn, PRIMARY_CHAIN, type ChainKey, type DistributionState, type LedgerState } from '../../domain/index.ts';

/** The distribution whose root `chain`'s distributor pays against (at most one is active per chain). */
export const activeDistribution = (state: LedgerState, chain: ChainKey = PRIMARY_CHAIN): DistributionState | undefined =>
  distributionsOn(state, chain).find((d) => d.status === 'active');

/** The newest distribution still on its way to `chain` (created or proposed), after the active one. */
export const pendingDistribution = (state: LedgerState, chain: ChainKey = PRIMARY_CHAIN): DistributionState | undefined => {
  const on = distributionsOn(state, chain);
  const activeSeq = on.find((d) => d.status === 'active')?.seq ?? 0;
  return [...on].reverse().find((d) => d.seq > activeSeq && (d.status === 'created' || d.status === 'published'));
};
