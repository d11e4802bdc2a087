/**
 * Reward receipts (domain/receipts.ts) on random histories: at every close, the receipts of every
 * account the close allocated to — and of every other known account — sum to exactly that close's
 * allocations, token by token, and each receipt's parts explain its totals (its nodes' weights add
 * up to the operator's compute weight; pool shares, revenue, task pay and refunds add up to the
 * totals).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rewardReceipt, rewardReceipts, settleEpoch } from '../../domain/index.ts';
import { historyArb, runHistory } from '../support/arbitraries.ts';
import { RUNS } from './helpers.ts';

describe('reward receipts', () => {
  it(`of every account of a close sum to its allocations, and each explains its totals (${RUNS} runs)`, () => {
    let closes = 0;
    let receiptsWithCompute = 0;
    fc.assert(
      fc.property(historyArb(), (h) => {
        runHistory(h, {
          beforeEvent: (state, e) => {
            if (e.type !== 'EpochClosed') return;
            closes++;
            const s = settleEpoch(state, e.data.epoch);
            const fromReceipts = new Map<string, bigint>();
            const all = rewardReceipts(s, state);
            const accounts = new Set([...state.accounts.keys(), ...s.allocations.map((a) => a.account)]);
            for (const account of accounts) {
              const r = rewardReceipt(s, state, account);
              // The batch gives the same receipt, for every account the close paid or slashed.
              if (all.has(account)) expect(all.get(account)).toEqual(r);
              else expect(r.totals).toEqual([]);
              for (const t of r.totals) fromReceipts.set(`${account}|${t.token}`, t.amountWei);
              // The parts add up to the totals.
              const parts = new Map<string, bigint>();
              const put = (token: string, amount: bigint) => amount > 0n && parts.set(token, (parts.get(token) ?? 0n) + amount);
              put(s.params.cxtToken, (r.compute?.paidWei ?? 0n) + (r.staking?.paidWei ?? 0n) + (r.verification?.paidWei ?? 0n));
              for (const x of r.revenue) put(x.asset, x.providerWei + x.stakersWei);
              for (const x of r.tasks) put(x.asset, x.payWei + x.refundWei);
              expect(new Map(r.totals.map((t) => [t.token, t.amountWei]))).toEqual(parts);
              if (r.compute) {
                receiptsWithCompute++;
                expect(r.compute.nodes.reduce((n, x) => n + x.weight, 0n)).toBe(r.compute.weight);
              }
            }
            expect(fromReceipts).toEqual(new Map(s.allocations.map((a) => [`${a.account}|${a.token}`, a.amountWei])));
          },
        });
      }),
      { numRuns: RUNS },
    );
    expect(closes).toBeGreaterThan(RUNS);
    expect(receiptsWithCompute).toBeGreaterThan(0);
  });
});
