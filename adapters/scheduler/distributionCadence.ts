/**
 * When a new distribution is due: every `distributionEveryEpochs` closed epochs. Distributions are
 * cumulative, so after downtime one distribution through the last closed epoch covers every
 * missed interval; there is no point in creating one per interval after the fact.
 */
import { latestParams, paramsForEpoch, type LedgerState } from '../../domain/index.ts';

/** Through-epoch of the newest distribution that still counts (revoked ones do not). */
export const lastDistributedEpoch = (state: LedgerState): number => {
  for (let i = state.distributions.length - 1; i >= 0; i--) {
    const d = state.distributions[i]!;
    if (d.status !== 'revoked') return d.throughEpoch;
  }
  return -1;
};

export const distributionDue = (state: LedgerState): boolean => {
  const closed = state.lastClosedEpoch;
  if (closed < 0) return false;
  const p = paramsForEpoch(state, closed) ?? latestParams(state);
  if (p === undefined) return false;
  return closed - lastDistributedEpoch(state) >= p.distributionEveryEpochs;
};
