/**
 * The emission model through the simulation: full participation mints half of maxSupply after H
 * epochs; an idle network mints nothing. Runs are in-process and small (H = 120).
 */
import { describe, expect, it } from 'vitest';
import { cxt } from '../../domain/index.ts';
import { fullParticipation, runInProcess, subsetOf } from './support.ts';

const H = 120;

describe('emission under full participation', () => {
  it('mints maxSupply/2 within 1 CXT after H epochs (stake bonded in the genesis window counts from epoch 0)', () => {
    const subset = subsetOf(fullParticipation(H, H));
    const { rows } = runInProcess(subset);
    expect(rows).toHaveLength(H);
    // Every pool had weight in every epoch: what was not minted is only the floors' dust.
    for (const r of rows) {
      const dust = r.budget - r.minted;
      if (dust < 0n || dust > 100n) expect.fail(`epoch ${r.epoch}: budget ${r.budget}, minted ${r.minted}`);
    }
    const half = subset.params.maxSupply / 2n;
    const minted = rows[H - 1]!.mintedTotal;
    expect(minted).toBeLessThanOrEqual(half);
    expect(half - minted).toBeLessThan(cxt(1));
  });

  it('without genesis stake the epoch-0 staking pool stays unminted (stake earns from the epoch after it is recorded), so H epochs fall short', () => {
    const subset = subsetOf({ ...(fullParticipation(H, H) as object), staking: { initialStakeCxt: 0, adjustPerEpoch: 0, exitPerEpoch: 0 } });
    const { rows } = runInProcess(subset);
    const b0 = rows[0]!.budget;
    const stakingPool0 = b0 - (b0 * 7000n) / 10000n - (b0 * 1000n) / 10000n;
    expect(b0 - rows[0]!.minted).toBeGreaterThanOrEqual(stakingPool0);
    expect(b0 - rows[0]!.minted - stakingPool0).toBeLessThan(100n);
    const shortfall = subset.params.maxSupply / 2n - rows[H - 1]!.mintedTotal;
    expect(shortfall).toBeGreaterThan(cxt(1));
  });
});

describe('an idle network', () => {
  it('with no contributions and no stake mints nothing, however long it runs', () => {
    const subset = subsetOf({
      epochs: 60,
      network: { initialNodes: 5, maxNodes: 5, growthPerEpoch: 0, churnPerEpoch: 0, uptime: 0 },
      staking: { initialStakeCxt: 0 },
    });
    const { rows, outcome } = runInProcess(subset);
    expect(rows).toHaveLength(60);
    for (const r of rows) {
      expect(r.budget).toBeGreaterThan(0n);
      expect(r.minted).toBe(0n);
      expect(r.staked).toBe(0n);
      expect(r.revenue).toBe(0n);
    }
    expect(outcome.headline.mintedTotal).toBe(0n);
    // Nothing minted means nothing left R: every budget is the first one again.
    expect(new Set(rows.map((r) => r.budget)).size).toBe(1);
  });
});
