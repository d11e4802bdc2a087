/**
 * Revenue conservation to the base unit (DESIGN §9.3), checked independently of domain/invariants.ts:
 * after every close, per asset, gross = provider + stakers + buyback budget, and what the accounts
 * hold in the asset equals provider + stakers exactly.
 */
import { describe, expect, it } from 'vitest';
import { runInProcess, subsetOf } from './support.ts';

describe('revenue conservation', () => {
  it('holds to the base unit after every close, with fees, staker shares, protocol-only records and buybacks', () => {
    const subset = subsetOf({
      epochs: 80,
      // Heavy, noisy revenue, a third of it without a provider, and odd basis points so floors leave dust.
      params: { protocolFeeBps: 1337, stakerShareBps: 4999 },
      marketplace: { revenuePerUnit: 3.3, noiseSigma: 0.7, recordsPerEpoch: 7, providerShare: 0.66 },
      staking: { initialStakeCxt: 1_000_000, initialStakers: 7 },
      buyback: { spendShare: 0.9 },
    });
    const asset = subset.scenario.marketplace.asset;
    let checked = 0;
    let dustSeen = false;
    const { rows } = runInProcess(subset, {
      afterClose: ({ state }) => {
        const l = state.assets.get(asset);
        if (!l) return;
        expect(l.grossWei).toBe(l.providerWei + l.stakersWei + l.buybackBudgetWei);
        expect(l.feesWei).toBe(l.stakersWei + l.buybackBudgetWei);
        expect(l.buybackSpentWei).toBeLessThanOrEqual(l.buybackBudgetWei);
        let held = 0n;
        for (const a of state.accounts.values()) held += a.cumulativeWei.get(asset) ?? 0n;
        expect(held).toBe(l.providerWei + l.stakersWei);
        // The stakers' pool is floor(fees·share); anything the pro-rata floors leave goes to the buyback.
        if ((l.feesWei * 4999n) / 10000n !== l.stakersWei) dustSeen = true;
        checked++;
      },
    });
    expect(checked).toBe(80);
    expect(rows.reduce((sum, r) => sum + r.revenue, 0n)).toBeGreaterThan(0n);
    expect(dustSeen).toBe(true);
  });
});
