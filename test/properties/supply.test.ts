/**
 * DESIGN §9.1 and §9.2 on random histories:
 * 1. minted ≤ maxSupply at every close and minted + R = maxSupply (R = what the close computed from).
 * 2. Per epoch: Σ CXT allocations (token = cxtToken) = minted delta ≤ B(e), and B(e) = floor(R(e)·λ)
 *    exactly, checked against the independent bigint reference (no decimal.js), with λ from the
 *    half-life in force for e — taken from the log's ProtocolConfigured events, not from the domain.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settleEpoch, type CorexEvent, type EventData } from '../../domain/index.ts';
import { historyArb, runHistory } from '../support/arbitraries.ts';
import { budgetAgrees } from './referenceEmission.ts';
import { allocatedIn, check, independentAllocationsHash, RUNS, sum } from './helpers.ts';

/** Half-life in force for `epoch`, from the configuration events seen so far. */
const halfLifeFromLog = (configs: readonly EventData<'ProtocolConfigured'>[], epoch: number): number => {
  let h: number | undefined;
  for (const c of configs) if (c.effectiveEpoch <= epoch) h = c.params.halfLifeEpochs;
  if (h === undefined) throw new Error(`no configuration in force for epoch ${epoch}`);
  return h;
};

describe('§9.1–9.2 supply cap and per-epoch emission', () => {
  it(`holds at every close of random histories (${RUNS} runs)`, () => {
    let closesChecked = 0;
    let mintingCloses = 0;
    fc.assert(
      fc.property(historyArb(), (h) => {
        const configs: EventData<'ProtocolConfigured'>[] = [];
        let remainingSeenBySettlement: bigint | undefined;
        const r = runHistory(h, {
          beforeEvent: (state, e: CorexEvent) => {
            if (e.type === 'ProtocolConfigured') configs.push(e.data);
            // What the settlement itself takes as R(e): must be maxSupply − minted.
            if (e.type === 'EpochClosed') remainingSeenBySettlement = settleEpoch(state, e.data.epoch).remainingBeforeWei;
          },
          afterEvent: (state) => {
            check(state.mintedWei >= 0n && state.mintedWei <= h.params.maxSupply, 'minted must stay within [0, maxSupply]', {
              minted: state.mintedWei,
              maxSupply: h.params.maxSupply,
            });
          },
        });
        const maxSupply = h.params.maxSupply;
        let minted = 0n;
        for (const c of r.closes) {
          closesChecked++;
          const d = c.data;
          const remaining = maxSupply - c.mintedBefore;
          // §9.1
          expect(c.mintedBefore).toBe(minted);
          expect(c.mintedAfter).toBe(c.mintedBefore + d.minted);
          expect(c.mintedAfter <= maxSupply).toBe(true);
          expect(c.mintedAfter + (maxSupply - c.mintedAfter)).toBe(maxSupply);
          expect(remaining >= 0n).toBe(true);
          // §9.2: B(e) = floor(R(e)·λ) exactly, against the bigint reference.
          const hl = halfLifeFromLog(configs, c.epoch);
          expect(c.params.halfLifeEpochs).toBe(hl);
          const verdict = budgetAgrees(d.budget, remaining, hl);
          check(verdict.ok, 'budget differs from the reference floor(R·λ)', {
            epoch: c.epoch,
            remaining,
            halfLife: hl,
            domain: d.budget,
            reference: verdict.reference.floor,
          });
          // Pools split the budget by basis points; staking takes the remainder.
          const p = c.params;
          expect(d.pools.compute.budget).toBe((d.budget * BigInt(p.computeBps)) / 10_000n);
          expect(d.pools.verification.budget).toBe((d.budget * BigInt(p.verificationBps)) / 10_000n);
          expect(d.pools.compute.budget + d.pools.staking.budget + d.pools.verification.budget).toBe(d.budget);
          for (const pool of [d.pools.compute, d.pools.staking, d.pools.verification]) {
            expect(pool.minted >= 0n && pool.minted <= pool.budget).toBe(true);
          }
          expect(d.minted).toBe(d.pools.compute.minted + d.pools.staking.minted + d.pools.verification.minted);
          // Σ CXT allocations = minted delta ≤ B(e).
          expect(allocatedIn(c.allocations, p.cxtToken)).toBe(d.minted);
          expect(d.minted <= d.budget).toBe(true);
          // The allocation list is well formed and hashed as DESIGN §5 says.
          const keys = c.allocations.map((a) => `${a.account}|${a.token}`);
          expect(new Set(keys).size).toBe(keys.length);
          expect(c.allocations.every((a) => a.amountWei > 0n)).toBe(true);
          expect(d.recipients).toBe(c.allocations.length);
          expect(d.allocationsHash).toBe(independentAllocationsHash(c.allocations));
          if (d.minted > 0n) mintingCloses++;
          minted = c.mintedAfter;
        }
        expect(r.state.mintedWei).toBe(minted);
        expect(minted).toBe(sum(r.closes.map((c) => c.data.minted)));
        if (r.closes.length > 0) expect(remainingSeenBySettlement).toBe(maxSupply - r.closes[r.closes.length - 1]!.mintedBefore);
      }),
      { numRuns: RUNS },
    );
    // The generator must actually exercise minting.
    expect(mintingCloses).toBeGreaterThan(closesChecked / 10);
  });

  it(`tiny supplies: minting never overshoots and dust stays unminted (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        historyArb().map((h) => ({ ...h, params: { ...h.params, maxSupply: BigInt(1 + (h.steps.length % 50)) } })),
        (h) => {
          const r = runHistory(h);
          for (const c of r.closes) {
            expect(c.mintedAfter <= h.params.maxSupply).toBe(true);
            expect(c.data.minted <= c.data.budget).toBe(true);
            const v = budgetAgrees(c.data.budget, h.params.maxSupply - c.mintedBefore, c.params.halfLifeEpochs);
            expect(v.ok).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
