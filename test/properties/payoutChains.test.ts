/**
 * Issue 15: one ledger, several payout chains. On random histories with payout-chain switches (to
 * configured chains, back to the primary one, to a chain never configured, with stale sequences) and
 * chains mapping more assets over time, after EVERY event:
 *   Σ over chains of leaf(chain, account, token) = cumulative(account, token), exactly;
 *   no leaf is negative, and no leaf of any (chain, account, token) ever decreases;
 *   what was claimed on each chain stays within that chain's leaf (so nothing is paid twice), and
 *   the chains' claims add up to the account's claimed total.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chainLeafWei, chainLeaves, chainsOf, claimedOnWei, distributionLeaves, payoutChainKeys, payoutSplitMismatch, type LedgerState } from '../../domain/index.ts';
import { historyArb, runHistory } from '../support/arbitraries.ts';
import { check, RUNS } from './helpers.ts';

const leavesOf = (state: LedgerState): Map<string, bigint> => {
  const out = new Map<string, bigint>();
  for (const a of state.accounts.values())
    for (const chain of chainsOf(a)) for (const token of a.cumulativeWei.keys()) out.set(`${a.account}|${chain}|${token}`, chainLeafWei(state, a, chain, token));
  return out;
};

describe('payout chains: the leaves of every chain add up to the ledger, and none ever falls', () => {
  it('Σ over chains = cumulative and every leaf non-decreasing, after every event of random histories with switches; the chains\u2019 trees pay what one tree would', () => {
    let switches = 0;
    let accountsWithFrozenLeaves = 0;
    let chainClaims = 0;
    fc.assert(
      fc.property(historyArb({ maxSteps: 120 }), (h) => {
        let previous = new Map<string, bigint>();
        const { state } = runHistory(h, {
          afterEvent: (s, e) => {
            if (e.type === 'PayoutChainSet') switches++;
            const mismatch = payoutSplitMismatch(s);
            check(mismatch === undefined, 'the chains\u2019 leaves do not add up to the cumulative allocation', mismatch);
            const now = leavesOf(s);
            for (const [key, was] of previous) check((now.get(key) ?? 0n) >= was, 'a chain leaf fell', { key, was, now: now.get(key) ?? 0n, after: e.type });
            previous = now;
            if (e.type === 'RewardsClaimed' && e.data.chainId !== undefined) chainClaims++;
            for (const a of s.accounts.values()) {
              if (a.chainClaimedWei === undefined) continue;
              for (const [token, claimedWei] of a.claimedWei) {
                let onChains = 0n;
                for (const chain of new Set([...chainsOf(a), ...a.chainClaimedWei.keys()])) {
                  const claimed = claimedOnWei(a, chain, token);
                  check(claimed >= 0n && claimed <= chainLeafWei(s, a, chain, token), 'claimed on a chain beyond its leaf there', { account: a.account, chain, token, claimed });
                  onChains += claimed;
                }
                check(onChains === claimedWei, 'the chains\u2019 claims do not add up to the claimed total', { account: a.account, token });
              }
            }
          },
        });
        for (const a of state.accounts.values()) if (a.frozenLeavesWei !== undefined) accountsWithFrozenLeaves++;
        // The trees of all chains together pay exactly what the single-chain tree would, per logical token.
        const logical = new Map<string, string>();
        for (const c of state.payoutChains.values()) for (const [asset, address] of c.assets) logical.set(`${c.chainId}|${address}`, asset);
        const perToken = new Map<string, bigint>();
        for (const chain of payoutChainKeys(state))
          for (const l of chainLeaves(state, chain)) {
            const token = chain === 'primary' ? l.token : logical.get(`${chain}|${l.token}`)!;
            perToken.set(`${l.account}|${token}`, (perToken.get(`${l.account}|${token}`) ?? 0n) + l.amount);
          }
        expect(perToken).toEqual(new Map(distributionLeaves(state).map((l) => [`${l.account}|${l.token}`, l.amount])));
      }),
      { numRuns: RUNS },
    );
    // The histories must switch chains while holding rewards, or nothing above was tested.
    expect(switches).toBeGreaterThan(RUNS / 4);
    expect(accountsWithFrozenLeaves).toBeGreaterThan(0);
    expect(chainClaims).toBeGreaterThan(0);
  });
});
