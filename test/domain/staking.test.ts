/**
 * DESIGN §5 — staking pool and active stake: deposits with epoch < e, minus unstakes with epoch ≤ e,
 * minus slashes; reward = floor(pool·s/S). Unbonding and withdrawal.
 */
import { describe, expect, it } from 'vitest';
import { address, ofType, scenario } from './scenario.ts';
import { cxt, settleEpoch } from '../../domain/index.ts';

const A = address(0xa);
const B = address(0xb);
const C = address(0xc);

describe('active stake and the staking pool', () => {
  it('a stake deposited in epoch e earns nothing for e and earns from e+1', () => {
    const s = scenario().at(0).stake(A, cxt(300));
    s.close(0);
    expect(s.closed(0).pools.staking.minted).toBe(0n);
    expect(s.allocated(A)).toBe(0n);

    s.at(1).stake(B, cxt(100));
    s.close(1);
    // Only A's stake is active in epoch 1: A takes the whole pool.
    const p1 = s.closed(1).pools.staking.budget;
    expect(s.allocated(A)).toBe(p1);
    expect(s.allocated(B)).toBe(0n);
    expect(s.closed(1).pools.staking.minted).toBe(p1);

    s.close(2);
    const p2 = s.closed(2).pools.staking.budget;
    expect(s.allocated(A)).toBe((p2 * 300n) / 400n);
    expect(s.allocated(B)).toBe((p2 * 100n) / 400n);
  });

  it('an unstake requested in epoch e stops earning for e itself', () => {
    const s = scenario().at(0).stake(A, cxt(300)).stake(B, cxt(100));
    s.close(0);
    s.at(1).run({ type: 'RequestUnstake', account: A, amount: cxt(100) });
    s.close(1);
    const p = s.closed(1).pools.staking.budget;
    expect(s.allocated(A)).toBe((p * 200n) / 300n);
    expect(s.allocated(B)).toBe((p * 100n) / 300n);
  });

  it('active stake for e combines deposits before e, unstakes up to e and slashes', () => {
    const s = scenario().at(0).stake(A, cxt(500)).stake(B, cxt(40));
    s.at(1).stake(A, cxt(200)); // active from 2
    s.run({ type: 'RequestUnstake', account: A, amount: cxt(100) }); // drawn first from the fresh 200
    s.at(2).run({ type: 'RequestUnstake', account: B, amount: cxt(40) });
    expect(settleEpoch(s.state, 0).activeStakes).toEqual(new Map());
    // min(start of 1 = 500, end of 1 = 600): the unstake in 1 is covered by that epoch's deposit.
    expect(settleEpoch(s.state, 1).activeStakes).toEqual(new Map([[A, cxt(500)], [B, cxt(40)]]));
    // B has nothing left in epoch 2 and is left out of the pool altogether.
    expect(settleEpoch(s.state, 2).activeStakes).toEqual(new Map([[A, cxt(600)]]));
    expect(settleEpoch(s.state, 3).activeStakes).toEqual(new Map([[A, cxt(600)]]));
    expect(s.state.accounts.get(A)?.bondedWei).toBe(cxt(600));
    expect(s.state.stakedWei).toBe(cxt(600));
  });

  it('an unstake larger than the same-epoch deposit eats into older stake, never below zero', () => {
    const s = scenario().at(0).stake(A, cxt(500));
    s.at(1).stake(A, cxt(200));
    s.run({ type: 'RequestUnstake', account: A, amount: cxt(650) });
    // start of 1 = 500, end of 1 = 50 → 50 active for epoch 1.
    expect(settleEpoch(s.state, 1).activeStakes).toEqual(new Map([[A, cxt(50)]]));
  });

  it('shares the pool floor(pool·s/S) per staker; the rounding dust is not minted', () => {
    const s = scenario().at(0).stake(A, 1n).stake(B, 2n).stake(C, 4n);
    s.close(0);
    s.close(1);
    const p = s.closed(1).pools.staking.budget;
    const a = (p * 1n) / 7n;
    const b = (p * 2n) / 7n;
    const c = (p * 4n) / 7n;
    expect([s.allocated(A), s.allocated(B), s.allocated(C)]).toEqual([a, b, c]);
    expect(s.closed(1).pools.staking.minted).toBe(a + b + c);
    expect(p - (a + b + c)).toBeGreaterThan(0n); // dust exists and stays unminted
    expect(s.closed(1).minted).toBe(a + b + c);
  });

});

describe('unstaking, unbonding and withdrawal', () => {
  it('an unstake above the bonded stake is refused with a sentence naming both amounts in CXT', () => {
    const s = scenario().at(0).stake(A, cxt(1000));
    const refusal = s.refused({ type: 'RequestUnstake', account: A, amount: cxt(1500) + 5n * 10n ** 17n });
    expect(refusal.code).toBe('INSUFFICIENT_STAKE');
    expect(refusal.message).toContain('1500.5 CXT');
    expect(refusal.message).toContain('1000 CXT');

    s.run({ type: 'RequestUnstake', account: A, amount: cxt(600) });
    const second = s.refused({ type: 'RequestUnstake', account: A, amount: cxt(401) });
    expect(second.code).toBe('INSUFFICIENT_STAKE');
    expect(second.message).toContain('401 CXT');
    expect(second.message).toContain('400 CXT');
    // Exactly what is left is fine.
    s.run({ type: 'RequestUnstake', account: A, amount: cxt(400) });
    expect(s.state.accounts.get(A)?.bondedWei).toBe(0n);
    // An account that never staked has nothing to unstake.
    expect(s.refused({ type: 'RequestUnstake', account: B, amount: 1n }).code).toBe('INSUFFICIENT_STAKE');
  });

  it('releaseEpoch = epoch + unbondingEpochs', () => {
    const s = scenario().at(0).stake(A, cxt(1000));
    const [requested] = s.at(3).run({ type: 'RequestUnstake', account: A, amount: cxt(250) });
    expect(requested).toEqual({ type: 'UnstakeRequested', data: { account: A, amount: cxt(250), epoch: 3, releaseEpoch: 3 + 7 } });
  });

  it('withdrawal is refused before releaseEpoch (NOT_UNBONDED), allowed from it, and at most the unbonded amount', () => {
    const s = scenario().at(0).stake(A, cxt(1000));
    s.at(1).run({ type: 'RequestUnstake', account: A, amount: cxt(100) }); // releases at 8
    s.at(3).run({ type: 'RequestUnstake', account: A, amount: cxt(50) }); // releases at 10

    const early = s.at(7).refused({ type: 'WithdrawStake', account: A, amount: cxt(100) });
    expect(early.code).toBe('NOT_UNBONDED');
    expect(early.message).toContain('100 CXT');
    expect(early.message).toContain('epoch 8');

    s.at(8);
    expect(s.refused({ type: 'WithdrawStake', account: A, amount: cxt(100) + 1n }).code).toBe('NOT_UNBONDED');
    expect(s.run({ type: 'WithdrawStake', account: A, amount: cxt(60) })).toEqual([
      { type: 'StakeWithdrawn', data: { account: A, amount: cxt(60), epoch: 8 } },
    ]);
    expect(s.refused({ type: 'WithdrawStake', account: A, amount: cxt(40) + 1n }).code).toBe('NOT_UNBONDED');
    s.run({ type: 'WithdrawStake', account: A, amount: cxt(40) });
    expect(s.refused({ type: 'WithdrawStake', account: A, amount: 1n }).code).toBe('NOT_UNBONDED');

    s.at(10).run({ type: 'WithdrawStake', account: A, amount: cxt(50) });
    expect(s.refused({ type: 'WithdrawStake', account: A, amount: 1n }).code).toBe('NOT_UNBONDED');
    expect(ofType(s.events, 'StakeWithdrawn').reduce((sum, e) => sum + e.data.amount, 0n)).toBe(cxt(150));
    expect(s.state.accounts.get(A)?.unbonding).toEqual([]);
    // Withdrawing does not touch the bonded stake: that left at the unstake.
    expect(s.state.accounts.get(A)?.bondedWei).toBe(cxt(850));
  });

  it('unbonding stake earns nothing while it waits', () => {
    const s = scenario().at(0).stake(A, cxt(100)).stake(B, cxt(100));
    s.close(0);
    s.at(1).run({ type: 'RequestUnstake', account: A, amount: cxt(100) });
    s.close(1);
    s.close(2);
    expect(s.allocated(A)).toBe(0n);
    expect(s.allocated(B)).toBe(s.closed(2).pools.staking.budget);
  });
});
