/**
 * DESIGN §5 — slashing: a ContributionRejected with reason fraud slashes floor(stake·slashBps/10000)
 * of the operator's active stake and burns it (StakeSlashed + TokensBurned reason slash); the
 * slash resets tenure. An 'invalid' rejection does neither.
 */
import { describe, expect, it } from 'vitest';
import { address, hash32, scenario } from './scenario.ts';
import { cxt, settleEpoch } from '../../domain/index.ts';

const OP = address(0x1);
const STAKER = address(0x2);
const V = address(0x9);

const record = (contributionId: string, epoch: number) =>
  ({ type: 'RecordContribution', contributionId, nodeId: 'n1', epoch, kind: 'compute', units: 10, proofHash: hash32(5) }) as const;

/** OP operates n1 with `stake` active from epoch 1, and has two epochs of tenure; the clock is in epoch 2. */
const operatorWithStake = (stake: bigint) => {
  const s = scenario().at(0).node('n1', OP).verifier(V).stake(OP, stake).stake(STAKER, cxt(1000));
  s.work('w0', 'n1', 10, { verifier: V }).close(0);
  s.at(1).work('w1', 'n1', 10, { verifier: V }).close(1);
  expect(s.state.accounts.get(OP)?.tenureEpochs).toBe(2);
  return s.at(2);
};

describe('fraud', () => {
  it('slashes floor(stake·slashBps/10000), burns it with reason slash, and resets tenure', () => {
    const stake = cxt(1000) + 19n; // 5% of it is …0.95 base units: floored
    const s = operatorWithStake(stake);
    s.run(record('bad', 2));
    const events = s.run({ type: 'RejectContribution', contributionId: 'bad', verifier: V, reason: 'fraud' });
    const slashed = cxt(50); // floor((1000e18 + 19)·500/10000) = 50e18 (+ floor(0.95) = 0)
    expect((stake * 500n) / 10_000n).toBe(slashed);
    expect(events).toEqual([
      { type: 'ContributionRejected', data: { contributionId: 'bad', nodeId: 'n1', verifier: V, epoch: 2, reason: 'fraud' } },
      { type: 'StakeSlashed', data: { account: OP, amount: slashed, epoch: 2, contributionId: 'bad' } },
      { type: 'TokensBurned', data: { burnId: 'slash:bad', amount: slashed, epoch: 2, reason: 'slash' } },
    ]);
    const account = s.state.accounts.get(OP)!;
    expect(account.bondedWei).toBe(stake - slashed);
    expect(account.tenureEpochs).toBe(0);
    expect(s.state.burnedWei).toBe(slashed);
    expect(s.state.stakedWei).toBe(stake - slashed + cxt(1000));
  });

  it('the slash lowers the active stake of the epoch it happens in', () => {
    const s = operatorWithStake(cxt(1000));
    s.run(record('bad', 2));
    s.run({ type: 'RejectContribution', contributionId: 'bad', verifier: V, reason: 'fraud' });
    expect(settleEpoch(s.state, 2).activeStakes.get(OP)).toBe(cxt(950));
    s.close(2);
    const pool = s.closed(2).pools.staking.budget;
    expect(s.allocated(STAKER)).toBe((pool * 1000n) / 1950n);
    // OP: staking share plus nothing from compute (the fraudulent work is not paid, no other work in epoch 2).
    expect(s.allocated(OP)).toBe((pool * 950n) / 1950n);
  });

  it('slashes only the active stake: a deposit made in the same epoch is not yet at stake', () => {
    const s = operatorWithStake(cxt(1000));
    s.stake(OP, cxt(1000)); // deposited in epoch 2, active from 3
    s.run(record('bad', 2));
    const events = s.run({ type: 'RejectContribution', contributionId: 'bad', verifier: V, reason: 'fraud' });
    expect(events.find((e) => e.type === 'StakeSlashed')?.data).toMatchObject({ amount: cxt(50) });
    // Active stake never goes negative and the slash never exceeds it.
    expect(settleEpoch(s.state, 2).activeStakes.get(OP)).toBe(cxt(950));
    expect(settleEpoch(s.state, 3).activeStakes.get(OP)).toBe(cxt(1950));
  });

  it('an operator with no active stake is not slashed, but its tenure is still reset', () => {
    const s = scenario().at(0).node('n1', OP).verifier(V);
    s.work('w0', 'n1', 10, { verifier: V }).close(0);
    s.at(1).stake(OP, cxt(500)); // not active before epoch 2
    s.run(record('bad', 1));
    const events = s.run({ type: 'RejectContribution', contributionId: 'bad', verifier: V, reason: 'fraud' });
    expect(events.map((e) => e.type)).toEqual(['ContributionRejected']);
    expect(s.state.accounts.get(OP)?.tenureEpochs).toBe(0);
    expect(s.state.burnedWei).toBe(0n);
  });
});

describe('invalid work', () => {
  it('an invalid rejection neither slashes, burns nor resets tenure', () => {
    const s = operatorWithStake(cxt(1000));
    s.run(record('meh', 2));
    const events = s.run({ type: 'RejectContribution', contributionId: 'meh', verifier: V, reason: 'invalid' });
    expect(events).toEqual([
      { type: 'ContributionRejected', data: { contributionId: 'meh', nodeId: 'n1', verifier: V, epoch: 2, reason: 'invalid' } },
    ]);
    expect(s.state.accounts.get(OP)?.bondedWei).toBe(cxt(1000));
    expect(s.state.accounts.get(OP)?.tenureEpochs).toBe(2);
    expect(s.state.burnedWei).toBe(0n);
  });
});
