/**
 * A close looks only at the accounts it can change (domain/accountIndex.ts) instead of every
 * account the ledger has seen. Property: on random histories (stake, unstakes, slashes, fraud,
 * parameter changes, late closes), every close's active stakes, tenure updates and tier changes are
 * exactly what a walk over every account gives, and after every event the index covers every
 * account with stake or a pending tenure reset.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  accountIndex,
  activeStakeFor,
  evaluateTier,
  paramsForEpoch,
  settleEpoch,
  stakeAtEndOf,
  type LedgerState,
  type TierChange,
} from '../../domain/index.ts';
import { historyArb, runHistory } from '../support/arbitraries.ts';
import { check, RUNS } from './helpers.ts';

/** The close of `epoch` computed the long way: every account, as before the index. */
const fullWalk = (state: LedgerState, epoch: number, weights: ReadonlyMap<string, bigint>) => {
  const p = paramsForEpoch(state, epoch)!;
  const activeStakes = new Map<string, bigint>();
  const tenureUpdates = new Map<string, number>();
  for (const a of state.accounts.values()) {
    const stake = activeStakeFor(a, epoch);
    if (stake > 0n) activeStakes.set(a.account, stake);
    if (a.pendingTenureResets.some((r) => r <= epoch)) tenureUpdates.set(a.account, 0);
  }
  for (const [operator, weight] of weights)
    if (weight > 0n && !tenureUpdates.has(operator)) tenureUpdates.set(operator, (state.accounts.get(operator)?.settledTenureEpochs ?? 0) + 1);
  const tierChanges: TierChange[] = [];
  for (const a of state.accounts.values()) {
    const to = evaluateTier(p, stakeAtEndOf(a, epoch), tenureUpdates.get(a.account) ?? a.settledTenureEpochs);
    if (to !== a.tier) tierChanges.push({ account: a.account, from: a.tier, to });
  }
  tierChanges.sort((x, y) => (x.account < y.account ? -1 : 1));
  return { activeStakes, tenureUpdates, tierChanges };
};

const sorted = <V>(m: ReadonlyMap<string, V>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

const checkIndexCovers = (state: LedgerState): void => {
  const index = accountIndex(state);
  for (const a of state.accounts.values()) {
    if (a.settledStakeWei !== 0n || a.pendingChanges.length > 0) check(index.staked.has(a.account), 'an account with stake is not indexed', { account: a.account });
    if (a.pendingTenureResets.length > 0) check(index.tenureResets.has(a.account), 'a pending tenure reset is not indexed', { account: a.account });
    if (a.pendingTenureResets.length === 0) check(a.tenureEpochs === a.settledTenureEpochs, 'tenure ≠ settled tenure without a pending reset', { account: a.account });
  }
};

describe('accountIndex: a close looks only at the accounts it can change, with the result of a walk over all', () => {
  it('active stakes, tenure updates and tier changes equal the full walk at every close; the index covers every account after every event', () => {
    let closes = 0;
    let tierChanges = 0;
    fc.assert(
      fc.property(historyArb({ maxSteps: 120 }), (h) => {
        runHistory(h, {
          beforeEvent: (state, e) => {
            if (e.type !== 'EpochClosed') return;
            const s = settleEpoch(state, e.data.epoch);
            const full = fullWalk(state, e.data.epoch, s.computeWeights);
            expect(sorted(s.activeStakes)).toEqual(sorted(full.activeStakes));
            expect(sorted(s.tenureUpdates)).toEqual(sorted(full.tenureUpdates));
            expect(s.tierChanges).toEqual(full.tierChanges);
            closes++;
            tierChanges += s.tierChanges.length;
          },
          afterEvent: (state) => checkIndexCovers(state),
        });
      }),
      { numRuns: RUNS },
    );
    // The histories must exercise what is compared.
    expect(closes).toBeGreaterThan(RUNS);
    expect(tierChanges).toBeGreaterThan(0);
  });
});
