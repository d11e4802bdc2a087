/**
 * DESIGN §5 — stake boost of compute weight (Curve-style), multiplied through by 10000·S so nothing
 * is floored: E_o = min(W_o·10000·S, W_o·base·S + W·s_o·(10000−base)); S = 0 → E_o = W_o.
 */
import { describe, expect, it } from 'vitest';
import { address, scenario } from './scenario.ts';
import { boostedWeight, cxt } from '../../domain/index.ts';

const OP_A = address(0xa1);
const OP_B = address(0xb1);
const STAKER = address(0x5);

describe('boostedWeight', () => {
  it('with no stake anywhere (S = 0) is the weight itself: nothing to boost by, nothing floored', () => {
    expect(boostedWeight({ weight: 7n, stakeWei: 0n }, 7n, 0n, 4000)).toBe(7n);
    expect(boostedWeight({ weight: 1000n, stakeWei: 0n }, 5000n, 0n, 4000)).toBe(1000n);
    expect(boostedWeight({ weight: 1n, stakeWei: 0n }, 5000n, 0n, 10_000)).toBe(1n);
  });

  it('is W_o·base·S + W·s_o·(10000−base), the v1 formula times 10000·S with no floor', () => {
    // W_o = W = 7, s_o = 1 of S = 3, base 40%: 7·4000·3 + 7·1·6000 = 84000 + 42000 = 126000
    // (v1: 4.2 floored to 4; here 126000 / (10000·3) = 4.2 exactly).
    expect(boostedWeight({ weight: 7n, stakeWei: 1n }, 7n, 3n, 4000)).toBe(126_000n);
    // W_o = 100 of W = 400, s_o/S = 1/4: 100·4000·S + 400·(S/4)·6000 = 100·10000·S → exactly the cap.
    const S = cxt(4000);
    expect(boostedWeight({ weight: 100n, stakeWei: cxt(1000) }, 400n, S, 4000)).toBe(100n * 10_000n * S);
    // A stake share larger than the weight share is capped at W_o·10000·S.
    expect(boostedWeight({ weight: 100n, stakeWei: cxt(2000) }, 400n, S, 4000)).toBe(100n * 10_000n * S);
    // An operator with no stake while others stake gets only the base share.
    expect(boostedWeight({ weight: 100n, stakeWei: 0n }, 400n, S, 4000)).toBe(100n * 4000n * S);
  });

  it('keeps a tiny weight that v1 floored to 0 (an edge device with one unit)', () => {
    // v1: floor(1·0.4) = 0, so the work earned nothing.
    expect(boostedWeight({ weight: 1n, stakeWei: 0n }, 1_000_000n, cxt(1), 4000)).toBe(4000n * cxt(1));
  });
});

describe('compute rewards with the stake boost', () => {
  const setUp = (stakeB: bigint, stakeOther: bigint) => {
    const s = scenario().at(0).node('a', OP_A).node('b', OP_B).stake(OP_B, stakeB).stake(STAKER, stakeOther);
    s.close(0);
    s.at(1).work('wa', 'a', 100).work('wb', 'b', 300);
    s.close(1);
    return s;
  };

  it('boosts an operator by its stake share: rewards floor(pool·E_o/ΣE)', () => {
    // W = 400, S = 4000 CXT, s_B = 1000 CXT.
    // E_A = 100·0.4 = 40; E_B = 300·0.4 + 400·(1/4)·0.6 = 120 + 60 = 180 (< 300, not capped).
    const s = setUp(cxt(1000), cxt(3000));
    const pool = s.closed(1).pools.compute.budget;
    expect(s.allocated(OP_A)).toBe((pool * 40n) / 220n);
    // B also earns from the staking pool: 1000 of 4000 CXT.
    const staking = (s.closed(1).pools.staking.budget * 1000n) / 4000n;
    expect(s.allocated(OP_B)).toBe((pool * 180n) / 220n + staking);
    expect(s.closed(1).pools.compute.minted).toBe((pool * 40n) / 220n + (pool * 180n) / 220n);
  });

  it('caps the boosted weight at W_o', () => {
    // s_B = 3500 of S = 4000: E_B = 120 + 400·0.875·0.6 = 120 + 210 = 330 → capped at 300.
    const s = setUp(cxt(3500), cxt(500));
    const pool = s.closed(1).pools.compute.budget;
    expect(s.allocated(OP_A)).toBe((pool * 40n) / 340n);
    const staking = (s.closed(1).pools.staking.budget * 3500n) / 4000n;
    expect(s.allocated(OP_B)).toBe((pool * 300n) / 340n + staking);
  });

  it('uses active stake only: a deposit made in the epoch of the work does not boost it', () => {
    const s = scenario().at(0).node('a', OP_A).node('b', OP_B).stake(STAKER, cxt(1000));
    s.close(0);
    s.at(1).stake(OP_B, cxt(1_000_000)).work('wa', 'a', 100).work('wb', 'b', 300);
    s.close(1);
    // s_B = 0 in epoch 1: both get the base only: 40 and 120.
    const pool = s.closed(1).pools.compute.budget;
    expect(s.allocated(OP_A)).toBe((pool * 40n) / 160n);
    expect(s.allocated(OP_B)).toBe((pool * 120n) / 160n);
  });
});
