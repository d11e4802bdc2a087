/**
 * DESIGN §9.5 on random histories: cumulative amounts never decrease.
 * - Across closes, per (account, token): after ≥ before, no key disappears, and after − before is
 *   exactly this epoch's allocation (absent keys unchanged); at the end, cumulative = Σ of every
 *   close's allocations.
 * - Across distributions: every DistributionCreated covers the last closed epoch, its leaves are the
 *   positive cumulative amounts at that moment (leafCount, per-token totals), and no leaf or token
 *   total is below the previous distribution's.
 * (claimed ≤ cumulative per leaf is checked after every event in nonNegative.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chainLeaves, PRIMARY_CHAIN } from '../../domain/index.ts';
import { historyArb, runHistory, cumulativeSnapshot } from '../support/arbitraries.ts';
import { check, RUNS } from './helpers.ts';

describe('§9.5 cumulative amounts never decrease', () => {
  it(`across closes and distributions (${RUNS} runs)`, () => {
    let distributions = 0;
    let increases = 0;
    let payoutChainTrees = 0;
    fc.assert(
      fc.property(historyArb(), (h) => {
        let previousLeaves: Map<string, bigint> | undefined;
        let previousTotals: Map<string, bigint> | undefined;
        const r = runHistory(h, {
          afterEvent: (state, e) => {
            if (e.type !== 'DistributionCreated') return;
            distributions++;
            expect(e.data.throughEpoch).toBe(state.lastClosedEpoch);
            // One tree per chain (issue 15): the leaves are per (chain, account, token), and all the
            // trees together hold every cumulative allocation once.
            const leaves = new Map<string, bigint>();
            payoutChainTrees += e.data.chains?.length ?? 0;
            const recordedTrees = [{ chain: PRIMARY_CHAIN, leafCount: e.data.leafCount, totals: e.data.totals }, ...(e.data.chains ?? []).map((c) => ({ ...c, chain: String(c.chainId) }))];
            for (const tree of recordedTrees) {
              const chainLeafValues = chainLeaves(state, tree.chain);
              expect(tree.leafCount).toBe(chainLeafValues.length);
              const chainTotals = new Map<string, bigint>();
              for (const l of chainLeafValues) {
                leaves.set(`${tree.chain}|${l.account}|${l.token}`, l.amount);
                chainTotals.set(l.token, (chainTotals.get(l.token) ?? 0n) + l.amount);
              }
              expect(tree.totals.map((t) => [t.token, t.cumulative])).toEqual([...chainTotals].sort(([a], [b]) => (a < b ? -1 : 1)));
            }
            const totals = new Map<string, bigint>();
            for (const [key, v] of cumulativeSnapshot(state)) {
              const token = key.split('|')[1]!;
              if (v > 0n) totals.set(token, (totals.get(token) ?? 0n) + v);
            }
            const logicalTotals = new Map<string, bigint>();
            for (const tree of recordedTrees)
              for (const t of tree.totals) {
                const logical = tree.chain === PRIMARY_CHAIN ? t.token : [...state.payoutChains.get(Number(tree.chain))!.assets].find(([, address]) => address === t.token)![0];
                logicalTotals.set(logical, (logicalTotals.get(logical) ?? 0n) + t.cumulative);
              }
            expect(logicalTotals).toEqual(totals);
            if (previousLeaves)
              for (const [key, before] of previousLeaves)
                check((leaves.get(key) ?? 0n) >= before, 'a leaf decreased against the previous distribution', { key, before, now: leaves.get(key) });
            if (previousTotals)
              for (const [token, before] of previousTotals)
                check((totals.get(token) ?? 0n) >= before, 'a token total decreased against the previous distribution', { token });
            previousLeaves = leaves;
            previousTotals = totals;
          },
        });
        const total = new Map<string, bigint>();
        for (const c of r.closes) {
          const allocated = new Map(c.allocations.map((a) => [`${a.account}|${a.token}`, a.amountWei]));
          for (const [key, before] of c.cumulativeBefore) {
            const after = c.cumulativeAfter.get(key);
            check(after !== undefined && after >= before, 'a cumulative amount decreased or vanished at a close', { epoch: c.epoch, key, before, after });
            expect(after! - before).toBe(allocated.get(key) ?? 0n);
          }
          for (const [key, after] of c.cumulativeAfter) {
            const before = c.cumulativeBefore.get(key) ?? 0n;
            expect(after - before).toBe(allocated.get(key) ?? 0n);
            if (after > before) increases++;
          }
          for (const [key, amount] of allocated) total.set(key, (total.get(key) ?? 0n) + amount);
        }
        const final = cumulativeSnapshot(r.state);
        expect(new Map([...final].filter(([, v]) => v > 0n))).toEqual(total);
      }),
      { numRuns: RUNS },
    );
    expect(distributions).toBeGreaterThan(RUNS / 4);
    expect(increases).toBeGreaterThan(RUNS);
    // Some distributions must carry payout-chain trees, or the per-chain part above was never checked.
    expect(payoutChainTrees).toBeGreaterThan(0);
  });
});
