/**
 * DESIGN §5 — closeEpoch(e, now): only once e has ended and only in order; what it settles depends
 * on the events' own epoch fields, so a late close gives the same result as an on-time one.
 */
import { describe, expect, it } from 'vitest';
import { address, hash32, ofType, scenario, type Scenario } from './scenario.ts';
import { cxt, initialState, evolve, ZERO_HASH, type CorexEvent, type EventData } from '../../domain/index.ts';

const OP1 = address(0x1);
const OP2 = address(0x2);
const STAKER = address(0x5);
const V1 = address(0x91);
const V2 = address(0x92);
const USDC = address(0xa55e7);
const PROVIDER = address(0x70);

describe('when an epoch may close', () => {
  it('not before its end (EPOCH_NOT_ENDED), from its end exactly', () => {
    const s = scenario();
    s.now = s.startOf(1) - 1;
    const r = s.refused({ type: 'CloseEpoch', epoch: 0, logHead: ZERO_HASH });
    expect(r.code).toBe('EPOCH_NOT_ENDED');
    expect(r.message).toContain(String(s.startOf(1)));
    s.now = s.startOf(1);
    expect(s.run({ type: 'CloseEpoch', epoch: 0, logHead: ZERO_HASH })[0]?.type).toBe('EpochClosed');
    expect(s.state.lastClosedEpoch).toBe(0);
  });

  it('only the epoch after the last closed one (EPOCH_OUT_OF_ORDER)', () => {
    const s = scenario().at(5);
    const skip = s.refused({ type: 'CloseEpoch', epoch: 1, logHead: ZERO_HASH });
    expect(skip.code).toBe('EPOCH_OUT_OF_ORDER');
    expect(skip.message).toContain('next to close is 0');
    s.close(0);
    expect(s.refused({ type: 'CloseEpoch', epoch: 0, logHead: ZERO_HASH }).code).toBe('EPOCH_OUT_OF_ORDER');
    expect(s.refused({ type: 'CloseEpoch', epoch: 2, logHead: ZERO_HASH }).code).toBe('EPOCH_OUT_OF_ORDER');
    s.close(1);
    expect(s.state.lastClosedEpoch).toBe(1);
  });

  it('records the logHead it is given', () => {
    const s = scenario();
    s.now = s.startOf(1);
    s.run({ type: 'CloseEpoch', epoch: 0, logHead: hash32(0xabc) });
    expect(s.closed(0).logHead).toBe(hash32(0xabc));
  });

  it('once an epoch is closed, new events are recorded in the next open epoch even if the clock lags', () => {
    const s = scenario().at(0);
    s.close(0);
    s.at(0); // clock behind the closer
    const [deposit] = s.run({ type: 'DepositStake', account: STAKER, amount: cxt(1), ref: 'r' });
    expect(deposit).toMatchObject({ data: { epoch: 1 } });
  });

  it('re-applying the closes by replaying the log gives the same minted supply and cumulative amounts', () => {
    const s = scenario().at(0).node('n1', OP1).stake(STAKER, cxt(10));
    s.work('c0', 'n1', 10).close(0);
    s.at(1).work('c1', 'n1', 20).close(1);
    const replayed = initialState();
    for (const e of s.events) evolve(replayed, e);
    expect(replayed.mintedWei).toBe(s.state.mintedWei);
    expect(replayed.accounts.get(OP1)?.cumulativeWei).toEqual(s.state.accounts.get(OP1)?.cumulativeWei);
    expect(replayed.lastAllocations).toEqual(s.state.lastAllocations);
  });
});

/**
 * The activity of epochs 0–3, epoch by epoch: deposits, unstakes, late verdicts, revenue, a fraud
 * and a tenure-based tier. `closeAfter` decides when closes run: after each epoch (on time) or all
 * at the end (late).
 */
const tiersWithTenure = [
  { name: 'bronze' as const, minStake: 0n, minTenureEpochs: 0, bps: 10_000 },
  { name: 'silver' as const, minStake: cxt(100), minTenureEpochs: 2, bps: 11_000 },
];
const rec = (contributionId: string, nodeId: string, epoch: number, units: number) =>
  ({ type: 'RecordContribution', contributionId, nodeId, epoch, kind: 'compute', units, proofHash: hash32(9) }) as const;

const activity: ((s: Scenario) => void)[] = [
  (s) => {
    s.node('n1', OP1).node('n2', OP2).verifier(V1).verifier(V2);
    s.stake(OP1, cxt(200)).stake(STAKER, cxt(300));
    s.work('a0', 'n1', 100, { verifier: V1 }).work('b0', 'n2', 70, { verifier: V2 });
    s.run(rec('late0', 'n2', 0, 33)); // verified only in epoch 1
    s.run({ type: 'RecordRevenue', revenueId: 'r0', source: 'api', asset: USDC, gross: 10_007n, provider: PROVIDER });
  },
  (s) => {
    s.run({ type: 'VerifyContribution', contributionId: 'late0', verifier: V1 });
    s.stake(OP2, cxt(500));
    s.run({ type: 'RequestUnstake', account: STAKER, amount: cxt(100) });
    s.work('a1', 'n1', 100, { verifier: V2 }).work('b1', 'n2', 80, { verifier: V1 });
    s.run({ type: 'RecordRevenue', revenueId: 'r1', source: 'task', asset: USDC, gross: 999n });
  },
  (s) => {
    // OP1 is silver from epoch 2 (tenure 2 at the close of 1); a fraud in epoch 2 resets its tenure.
    s.work('a2', 'n1', 100, { verifier: V1 }).work('b2', 'n2', 90, { verifier: V2 });
    s.run(rec('fraud2', 'n1', 2, 5));
    s.run({ type: 'RejectContribution', contributionId: 'fraud2', verifier: V2, reason: 'fraud' });
    s.stake(STAKER, cxt(50));
  },
  (s) => {
    // If OP1 were still silver here, its weight (and so both operators' rewards) would differ.
    s.work('a3', 'n1', 100, { verifier: V1 }).work('b3', 'n2', 100, { verifier: V2 });
  },
];

/** What a close settles; its stateHash is of the state at its logHead, which a late close sees later. */
const settled = ({ stateHash: _state, ...data }: EventData<'EpochClosed'>) => data;
const settlementOutputs = (events: readonly CorexEvent[]) =>
  [...ofType(events, 'EpochClosed').map((e) => settled(e.data)), ...ofType(events, 'TierChanged').map((e) => e.data)];

describe('a late close gives the same result as an on-time close', () => {
  const onTime = () => {
    const s = scenario({ tiers: tiersWithTenure }).asset(USDC);
    activity.forEach((act, e) => {
      act(s.at(e));
      s.close(e);
    });
    return s;
  };
  const late = () => {
    const s = scenario({ tiers: tiersWithTenure }).asset(USDC);
    activity.forEach((act, e) => act(s.at(e)));
    s.at(10);
    activity.forEach((_, e) => s.close(e));
    return s;
  };

  it('records the same non-close events in both orders', () => {
    const strip = (events: CorexEvent[]) => events.filter((e) => e.type !== 'EpochClosed' && e.type !== 'TierChanged');
    expect(strip(late().events)).toEqual(strip(onTime().events));
  });

  it('gives identical EpochClosed data for every epoch', () => {
    const a = onTime();
    const b = late();
    for (let e = 0; e < activity.length; e++) expect(settled(b.closed(e))).toEqual(settled(a.closed(e)));
  });

  it('gives identical tier changes and the same final ledger', () => {
    const a = onTime();
    const b = late();
    expect(settlementOutputs(b.events)).toEqual(settlementOutputs(a.events));
    expect(b.state.mintedWei).toBe(a.state.mintedWei);
    for (const account of [OP1, OP2, STAKER, V1, V2, PROVIDER]) {
      expect(b.state.accounts.get(account)?.cumulativeWei).toEqual(a.state.accounts.get(account)?.cumulativeWei);
      expect(b.state.accounts.get(account)?.tier).toBe(a.state.accounts.get(account)?.tier);
    }
    // The scenario does what it claims: OP1 is promoted, then demoted by the fraud; the fraud epoch
    // never counts, so after epoch 3 its tenure is 1, short of silver's 2 (OP2 reaches silver with its own stake).
    expect(ofType(a.events, 'TierChanged').map((e) => [e.data.account, e.data.to, e.data.epoch])).toEqual([
      [OP1, 'silver', 2],
      [OP2, 'silver', 2],
      [OP1, 'bronze', 3],
    ]);
    expect(a.state.accounts.get(OP1)?.tenureEpochs).toBe(1);
  });
});
