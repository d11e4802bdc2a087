/**
 * DESIGN §9.3 on random histories, per revenue asset, to the base unit:
 * - every EpochClosed revenue split: gross = provider + stakers + buyback, fees = stakers + buyback;
 * - the split matches an independent model built from the RevenueRecorded events of the log
 *   (which records settle in which close, fee per record, staker pool, the stakers' floors);
 * - the allocations of the close in that asset are exactly provider + stakers;
 * - state.assets totals: Σ gross = Σ provider + Σ stakers + buyback budget, and they equal the sums
 *   of the recorded splits; buyback spent ≤ budget at every step (and = Σ spent of buyback burns);
 * - nothing is lost: Σ gross recorded = Σ gross settled + Σ gross still unsettled.
 * Revenue assets are distinct from the CXT token by construction (see the report on asset = CXT).
 * A task that settles in a close adds its fee as a record without provider (the task properties
 * check the fee itself), and its node pay and refund to that close's allocations in its asset.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { historyArb, runHistory } from '../support/arbitraries.ts';
import { taskCloseOutcomes, type EventData } from '../../domain/index.ts';
import { allocatedIn, check, referenceActiveStake, RUNS, sum } from './helpers.ts';

interface ModelRecord {
  readonly epoch: number;
  readonly asset: string;
  readonly gross: bigint;
  readonly provider?: string;
}

describe('§9.3 revenue conservation', () => {
  it(`gross = provider + stakers + buyback per asset, per close and in total (${RUNS} runs)`, () => {
    let splitsChecked = 0;
    let stakerShares = 0;
    let buybackBurns = 0;
    fc.assert(
      fc.property(historyArb(), (h) => {
        const pending: ModelRecord[] = [];
        const recorded = new Map<string, bigint>();
        const settledSplits: EventData<'EpochClosed'>['revenue'][number][] = [];
        const spent = new Map<string, bigint>();
        let taskPaidIn = new Map<string, bigint>();
        const r = runHistory(h, {
          beforeEvent: (state, e) => {
            if (e.type === 'RevenueRecorded') {
              pending.push({ epoch: e.data.epoch, asset: e.data.asset, gross: e.data.gross, ...(e.data.provider ? { provider: e.data.provider } : {}) });
              recorded.set(e.data.asset, (recorded.get(e.data.asset) ?? 0n) + e.data.gross);
            }
            if (e.type === 'TokensBurned' && e.data.reason === 'buyback') {
              buybackBurns++;
              const l = state.assets.get(e.data.asset!);
              // The domain let this burn through: it must fit the remaining budget.
              check(l !== undefined && (e.data.spent ?? 0n) <= l.buybackBudgetWei - l.buybackSpentWei, 'buyback spends more than its budget', e.data);
              spent.set(e.data.asset!, (spent.get(e.data.asset!) ?? 0n) + (e.data.spent ?? 0n));
            }
            if (e.type === 'EpochClosed') {
              // Independent model of this close's revenue settlement.
              let p = state.configs[0]!.params;
              for (const c of state.configs) if (c.effectiveEpoch <= e.data.epoch) p = c.params;
              taskPaidIn = new Map();
              for (const t of taskCloseOutcomes(state, p, e.data.epoch).settled) {
                if (t.feeWei > 0n) {
                  pending.push({ epoch: e.data.epoch, asset: t.asset, gross: t.feeWei });
                  recorded.set(t.asset, (recorded.get(t.asset) ?? 0n) + t.feeWei);
                }
                taskPaidIn.set(t.asset, (taskPaidIn.get(t.asset) ?? 0n) + t.refundWei + sum(t.nodePay.map((x) => x.amountWei)));
              }
              const settling = pending.filter((x) => x.epoch <= e.data.epoch);
              pending.splice(0, pending.length, ...pending.filter((x) => x.epoch > e.data.epoch));
              const assets = [...new Set(settling.map((x) => x.asset))].sort();
              expect(e.data.revenue.map((s) => s.asset)).toEqual(assets);
              for (const s of e.data.revenue) {
                splitsChecked++;
                const mine = settling.filter((x) => x.asset === s.asset);
                const gross = sum(mine.map((x) => x.gross));
                const fees = sum(mine.map((x) => (x.provider ? (x.gross * BigInt(p.protocolFeeBps)) / 10_000n : x.gross)));
                const stakerPool = (fees * BigInt(p.stakerShareBps)) / 10_000n;
                expect(s.gross).toBe(gross);
                expect(s.fees).toBe(fees);
                expect(s.provider).toBe(gross - fees);
                // Stakers: floors of a pro-rata share, so at most one base unit lost per staker.
                expect(s.stakers <= stakerPool).toBe(true);
                let stakers = 0n;
                for (const a of state.accounts.values()) {
                  if (referenceActiveStake(a, e.data.epoch) > 0n) stakers++;
                }
                // With stakers, each floor loses < 1 base unit; without, the pool goes to buyback.
                if (stakers > 0n) expect(stakerPool - s.stakers < stakers || stakerPool === 0n).toBe(true);
                else expect(s.stakers).toBe(0n);
                if (s.stakers > 0n) stakerShares++;
                // Conservation to the base unit.
                expect(s.provider + s.stakers + s.buyback).toBe(s.gross);
                expect(s.stakers + s.buyback).toBe(s.fees);
                expect(s.buyback >= 0n && s.stakers >= 0n && s.provider >= 0n).toBe(true);
                settledSplits.push(s);
              }
            }
          },
          afterEvent: (state, e) => {
            for (const [asset, l] of state.assets) {
              check(l.buybackSpentWei <= l.buybackBudgetWei, 'buyback spent exceeds the budget', { asset, budget: l.buybackBudgetWei, spent: l.buybackSpentWei });
              expect(l.grossWei).toBe(l.providerWei + l.stakersWei + l.buybackBudgetWei);
              expect(l.feesWei).toBe(l.stakersWei + l.buybackBudgetWei);
            }
            if (e.type === 'EpochClosed') {
              // The close's allocations in each asset are exactly what the providers and stakers got.
              for (const s of e.data.revenue) expect(allocatedIn(state.lastAllocations, s.asset)).toBe(s.provider + s.stakers + (taskPaidIn.get(s.asset) ?? 0n));
            }
          },
        });
        for (const [asset, l] of r.state.assets) {
          const mine = settledSplits.filter((s) => s.asset === asset);
          expect(l.grossWei).toBe(sum(mine.map((s) => s.gross)));
          expect(l.providerWei).toBe(sum(mine.map((s) => s.provider)));
          expect(l.stakersWei).toBe(sum(mine.map((s) => s.stakers)));
          expect(l.buybackBudgetWei).toBe(sum(mine.map((s) => s.buyback)));
          expect(l.buybackSpentWei).toBe(spent.get(asset) ?? 0n);
        }
        for (const [asset, gross] of recorded) {
          const settled = r.state.assets.get(asset)?.grossWei ?? 0n;
          const unsettled = sum(r.state.unsettledRevenue.filter((x) => x.asset === asset).map((x) => x.grossWei));
          expect(settled + unsettled).toBe(gross);
        }
      }),
      { numRuns: RUNS },
    );
    expect(splitsChecked).toBeGreaterThan(RUNS / 2);
    expect(stakerShares).toBeGreaterThan(0);
    expect(buybackBurns).toBeGreaterThanOrEqual(0);
  });
});
