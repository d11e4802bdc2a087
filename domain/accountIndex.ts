/**
 * Which accounts a close has to look at. The ledger keeps every account it has ever seen (their
 * cumulative leaves are never forgotten), but a close only changes accounts with stake, with a
 * tenure reset pending, with work or with a new tier to evaluate: walking all of them made every
 * close cost more the longer the log (a churned operator's account stays for ever).
 *
 * The index is derived data kept beside the state, not in it: snapshots and the stateHash do not
 * change, and a state that has none (restored from a snapshot, or built by hand) gets one from a
 * full walk the first time it is asked for, with every account marked for a tier evaluation.
 * `evolve` keeps it current; nothing else changes accounts.
 */
import type { ProtocolParams } from './params.ts';
import type { AccountState, LedgerState } from './state.ts';

export interface AccountIndex {
  /** Accounts whose stake is not zero or not final (settled ≠ 0 or changes pending): no other has active stake. */
  readonly staked: Set<string>;
  /** Accounts with a tenure reset recorded for an epoch not yet closed. */
  readonly tenureResets: Set<string>;
  /** Accounts whose tier no close has evaluated yet (created since the last close). */
  readonly unevaluated: Set<string>;
  /**
   * The parameters the last close evaluated tiers with. An account outside the sets above has the
   * same stake and tenure as then, so under the same parameters its tier cannot move.
   */
  tierParams: ProtocolParams | undefined;
}

const indexes = new WeakMap<LedgerState, AccountIndex>();

const hasStake = (a: AccountState): boolean => a.settledStakeWei !== 0n || a.pendingChanges.length > 0;

export const accountIndex = (state: LedgerState): AccountIndex => {
  let index = indexes.get(state);
  if (!index) {
    index = { staked: new Set(), tenureResets: new Set(), unevaluated: new Set(state.accounts.keys()), tierParams: undefined };
    for (const a of state.accounts.values()) {
      if (hasStake(a)) index.staked.add(a.account);
      if (a.pendingTenureResets.length > 0) index.tenureResets.add(a.account);
    }
    indexes.set(state, index);
  }
  return index;
};

/** Drops an account from the stake set once its stake is zero and final (after a close folded its changes). */
export const settleStakeIndex = (index: AccountIndex, a: AccountState): void => {
  if (!hasStake(a)) index.staked.delete(a.account);
};

/**
 * The accounts whose tier the close must evaluate: every account when the parameters differ from
 * the last evaluation's (or nothing is known about it), else the new, staked and re-tenured ones.
 */
export const tierCandidates = (state: LedgerState, p: ProtocolParams, tenureUpdates: ReadonlyMap<string, number>): Iterable<AccountState> => {
  const index = accountIndex(state);
  if (index.tierParams !== p) return state.accounts.values();
  // The union of the three sets, each account once, without building it.
  const out: AccountState[] = [];
  const add = (account: string) => {
    const a = state.accounts.get(account);
    if (a) out.push(a);
  };
  for (const account of index.staked) add(account);
  for (const account of tenureUpdates.keys()) if (!index.staked.has(account)) add(account);
  for (const account of index.unevaluated) if (!index.staked.has(account) && !tenureUpdates.has(account)) add(account);
  return out;
};
