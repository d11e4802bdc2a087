/**
 * DESIGN §5 — revenue per asset: fee, provider share, stakers' share pro rata, buyback = the rest
 * (dust included); buyback burns spend from that budget. §9.3 conservation to the base unit.
 */
import { describe, expect, it } from 'vitest';
import { address, scenario } from './scenario.ts';
import { cxt } from '../../domain/index.ts';

const USDC = address(0xa55e7);
const WBNB = address(0xbb);
const PROVIDER = address(0x70);
const S1 = address(0x51);
const S2 = address(0x52);
const S3 = address(0x53);
const OP = address(0x1);

/** Three stakers of 1, 2 and 4 CXT, active from epoch 1. */
const withStakers = () => {
  const s = scenario().asset(USDC).asset(WBNB).at(0).stake(S1, cxt(1)).stake(S2, cxt(2)).stake(S3, cxt(4));
  s.close(0);
  return s.at(1);
};

describe('revenue split', () => {
  it('fee, provider, stakers pro rata and buyback = rest including dust', () => {
    const s = withStakers();
    s.run({ type: 'RecordRevenue', revenueId: 'r1', source: 'on_demand', asset: USDC, gross: 1_000_003n, provider: PROVIDER });
    s.close(1);
    // fee = floor(1_000_003·1000/10000) = 100_000; provider = 900_003
    // stakers' pool = floor(100_000·5000/10000) = 50_000 shared 1:2:4 → 7142, 14285, 28571 (= 49_998)
    // buyback = 100_000 − 49_998 = 50_002 (the 2 of dust included)
    expect(s.closed(1).revenue).toEqual([
      { asset: USDC, gross: 1_000_003n, fees: 100_000n, provider: 900_003n, stakers: 49_998n, buyback: 50_002n },
    ]);
    expect(s.allocated(PROVIDER, USDC)).toBe(900_003n);
    expect([s.allocated(S1, USDC), s.allocated(S2, USDC), s.allocated(S3, USDC)]).toEqual([7142n, 14_285n, 28_571n]);
    expect(900_003n + 49_998n + 50_002n).toBe(1_000_003n);
    expect(s.state.assets.get(USDC)).toEqual({
      grossWei: 1_000_003n,
      feesWei: 100_000n,
      providerWei: 900_003n,
      stakersWei: 49_998n,
      buybackBudgetWei: 50_002n,
      buybackSpentWei: 0n,
    });
  });

  it('with no provider, all of gross is fee', () => {
    const s = withStakers();
    s.run({ type: 'RecordRevenue', revenueId: 'r1', source: 'subscription', asset: USDC, gross: 7001n });
    s.close(1);
    // stakers' pool = floor(7001/2) = 3500 → 500, 1000, 2000; buyback = 7001 − 3500 = 3501
    expect(s.closed(1).revenue).toEqual([{ asset: USDC, gross: 7001n, fees: 7001n, provider: 0n, stakers: 3500n, buyback: 3501n }]);
    expect([s.allocated(S1, USDC), s.allocated(S2, USDC), s.allocated(S3, USDC)]).toEqual([500n, 1000n, 2000n]);
  });

  it('with no active stake, the stakers\' share goes to the buyback budget', () => {
    const s = scenario().asset(USDC).asset(WBNB).at(0).stake(S1, cxt(1)); // not active in epoch 0
    s.run({ type: 'RecordRevenue', revenueId: 'r1', source: 'api', asset: USDC, gross: 10_000n, provider: PROVIDER });
    s.close(0);
    expect(s.closed(0).revenue).toEqual([{ asset: USDC, gross: 10_000n, fees: 1000n, provider: 9000n, stakers: 0n, buyback: 1000n }]);
    expect(s.allocated(S1, USDC)).toBe(0n);
  });

  it('splits each asset on its own and never touches CXT supply', () => {
    const s = withStakers();
    s.run({ type: 'RecordRevenue', revenueId: 'u', source: 'task', asset: USDC, gross: 70_000n, provider: PROVIDER });
    s.run({ type: 'RecordRevenue', revenueId: 'b', source: 'task', asset: WBNB, gross: 700n });
    s.close(1);
    // USDC: fee 7000, provider 63_000, stakers 3500 → 500/1000/2000, buyback 3500.
    // WBNB: fee 700, stakers 350 → 50/100/200, buyback 350.
    // Listed by asset address: 0x…00bb before 0x…a55e7.
    expect(s.closed(1).revenue).toEqual([
      { asset: WBNB, gross: 700n, fees: 700n, provider: 0n, stakers: 350n, buyback: 350n },
      { asset: USDC, gross: 70_000n, fees: 7000n, provider: 63_000n, stakers: 3500n, buyback: 3500n },
    ]);
    expect(s.allocated(S3, WBNB)).toBe(200n);
    expect(s.allocated(S3, USDC)).toBe(2000n);
    // minted counts CXT only: the staking pool of epoch 1, nothing from revenue.
    const cxtAllocated = s.allocations().filter((a) => a.token === s.params.cxtToken).reduce((x, a) => x + a.amountWei, 0n);
    expect(s.closed(1).minted).toBe(cxtAllocated);
    expect(s.closed(1).minted).toBe(s.closed(1).pools.staking.minted);
  });

  it('settles revenue in the close of its own epoch, once', () => {
    const s = withStakers();
    s.run({ type: 'RecordRevenue', revenueId: 'r1', source: 'api', asset: USDC, gross: 1000n, provider: PROVIDER });
    s.close(1);
    s.close(2);
    expect(s.closed(1).revenue).toHaveLength(1);
    expect(s.closed(2).revenue).toEqual([]);
    expect(s.state.assets.get(USDC)?.grossWei).toBe(1000n);
  });

  it('conserves gross = provider + stakers + buyback to the base unit over many odd amounts', () => {
    const s = withStakers();
    const grosses = [1n, 9n, 10n, 11n, 9_999n, 10_001n, 123_456_789n, 10n ** 24n + 7n];
    grosses.forEach((gross, i) =>
      s.run({ type: 'RecordRevenue', revenueId: `r${i}`, source: 'api', asset: USDC, gross, ...(i % 2 ? { provider: PROVIDER } : {}) }),
    );
    s.close(1);
    const [split] = s.closed(1).revenue;
    const total = grosses.reduce((x, g) => x + g, 0n);
    expect(split?.gross).toBe(total);
    expect(split!.provider + split!.stakers + split!.buyback).toBe(total);
    expect(split!.fees).toBe(split!.stakers + split!.buyback);
    const providerExpected = grosses.reduce((x, g, i) => (i % 2 ? x + g - (g * 1000n) / 10_000n : x), 0n);
    expect(split?.provider).toBe(providerExpected);
    const toStakers = [S1, S2, S3].reduce((x, a) => x + s.allocated(a, USDC), 0n);
    expect(toStakers).toBe(split?.stakers);
  });

});

describe('burns', () => {
  /** Mints some CXT (compute pool of epoch 0) and gives USDC a buyback budget of 50_002. */
  const withBudget = () => {
    const s = withStakers();
    s.node('n1', OP).work('c1', 'n1', 10);
    s.run({ type: 'RecordRevenue', revenueId: 'r1', source: 'on_demand', asset: USDC, gross: 1_000_003n, provider: PROVIDER });
    s.close(1);
    expect(s.state.assets.get(USDC)?.buybackBudgetWei).toBe(50_002n);
    return s.at(2);
  };

  it('a buyback burn spends from the asset\'s buyback budget and cannot exceed it (BUYBACK_EXCEEDS_BUDGET)', () => {
    const s = withBudget();
    const over = s.refused({ type: 'BurnTokens', burnId: 'b0', amount: cxt(1), reason: 'buyback', asset: USDC, spent: 50_003n });
    expect(over.code).toBe('BUYBACK_EXCEEDS_BUDGET');
    expect(over.message).toContain('50002');

    expect(s.run({ type: 'BurnTokens', burnId: 'b1', amount: cxt(1), reason: 'buyback', asset: USDC, spent: 30_000n })).toEqual([
      { type: 'TokensBurned', data: { burnId: 'b1', amount: cxt(1), epoch: 2, reason: 'buyback', asset: USDC, spent: 30_000n } },
    ]);
    expect(s.state.assets.get(USDC)?.buybackSpentWei).toBe(30_000n);
    expect(s.refused({ type: 'BurnTokens', burnId: 'b2', amount: cxt(1), reason: 'buyback', asset: USDC, spent: 20_003n }).code).toBe(
      'BUYBACK_EXCEEDS_BUDGET',
    );
    s.run({ type: 'BurnTokens', burnId: 'b2', amount: cxt(1), reason: 'buyback', asset: USDC, spent: 20_002n });
    expect(s.refused({ type: 'BurnTokens', burnId: 'b3', amount: 1n, reason: 'buyback', asset: USDC, spent: 1n }).code).toBe(
      'BUYBACK_EXCEEDS_BUDGET',
    );
    // An asset that never had revenue has no budget.
    expect(s.refused({ type: 'BurnTokens', burnId: 'b4', amount: 1n, reason: 'buyback', asset: WBNB, spent: 1n }).code).toBe(
      'BUYBACK_EXCEEDS_BUDGET',
    );
    // A buyback must say what it spent.
    expect(s.refused({ type: 'BurnTokens', burnId: 'b5', amount: 1n, reason: 'buyback' }).code).toBe('BUYBACK_EXCEEDS_BUDGET');
    expect(s.state.burnedWei).toBe(cxt(2));
  });

  it('refuses a burn above the free supply, minted − burned − staked (BURN_EXCEEDS_SUPPLY)', () => {
    const s = withBudget();
    const staked = s.state.stakedWei;
    expect(staked).toBeGreaterThan(0n);
    // Give the stakers enough minted supply on paper that some is free: minted ≫ staked after many closes.
    for (let e = 2; e < 40; e++) s.close(e);
    const free = s.state.mintedWei - s.state.burnedWei - staked;
    expect(free).toBeGreaterThan(0n);
    const r = s.refused({ type: 'BurnTokens', burnId: 'x', amount: free + 1n, reason: 'other' });
    expect(r.code).toBe('BURN_EXCEEDS_SUPPLY');
    expect(r.message).toContain('CXT');
    s.run({ type: 'BurnTokens', burnId: 'x', amount: free - 5n, reason: 'other' });
    expect(s.refused({ type: 'BurnTokens', burnId: 'y', amount: 6n, reason: 'other' }).code).toBe('BURN_EXCEEDS_SUPPLY');
    s.run({ type: 'BurnTokens', burnId: 'y', amount: 5n, reason: 'other' });
    // Locked stake can never be burned by hand, so a later slash of it keeps burned ≤ minted.
    expect(s.state.burnedWei).toBe(s.state.mintedWei - staked);
  });

  it('refuses any burn before anything is minted', () => {
    const s = scenario().asset(USDC).asset(WBNB).at(0);
    expect(s.refused({ type: 'BurnTokens', burnId: 'x', amount: 1n, reason: 'other' }).code).toBe('BURN_EXCEEDS_SUPPLY');
  });
});
