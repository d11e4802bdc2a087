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
import { historyArb, runHistory, cumulativeSnapshot } from '../support/arbitraries.ts';
import { check, RUNS } from './helpers.ts';

describe('§9.5 cumulative amounts never decrease', () => {
  it(`across closes and distributions (${RUNS} runs)`, () => {
    let distributions = 0;
    let increases = 0;
    fc.assert(
      fc.property(historyArb(), (h) => {
        let previousLeaves: Map<string, bigint> | undefined;
        let previousTotals: Map<string, bigint> | undefined;
        const r = runHistory(h, {
          afterEvent: (state, e) => {
            if (e.type !== 'DistributionCreated') return;
            distributions++;
            expect(e.data.throughEpoch).toBe(state.lastClosedEpoch);
            const leaves = new Map([...cumulativeSnapshot(state)].filter(([, v]) => v > 0n));
            expect(e.data.leafCount).toBe(leaves.size);
            const totals = new Map<string, bigint>();
            for (const [key, v] of leaves) {
              const token = key.split('|')[1]!;
              totals.set(token, (totals.get(token) ?? 0n) + v);
            }
            expect(e.data.totals.map((t) => [t.token, t.cumulative])).toEqual([...totals].sort(([a], [b]) => (a < b ? -1 : 1)));
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
  });
});
