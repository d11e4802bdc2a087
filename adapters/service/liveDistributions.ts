/** The distributions reads point claimants at: the one the distributor pays against, and the one on its way. */
import type { DistributionState, LedgerState } from '../../domain/index.ts';

/** The distribution whose root the distributor pays against (at most one is active). */
export const activeDistribution = (state: LedgerState): DistributionState | undefined => state.distributions.find((d) => d.status === 'active');

/** The newest distribution still on its way (created or proposed), after the active one. */
export const pendingDistribution = (state: LedgerState): DistributionState | undefined => {
  const activeSeq = activeDistribution(state)?.seq ?? 0;
  return [...state.distributions].reverse().find((d) => d.seq > activeSeq && (d.status === 'created' || d.status === 'published'));
};

