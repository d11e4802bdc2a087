/**
 * DESIGN §5, §8 — tiers: re-evaluated after rewards from stake and tenure (closed epochs with
 * positive compute weight, reset by a slash); TierChanged effective from e+1, when the tier's
 * multiplier starts to apply to compute weight.
 */
import { describe, expect, it } from 'vitest';
import { address, ofType, scenario } from './scenario.ts';
import { cxt, defaultParams, evaluateTier, governanceWeight, settleEpoch, type CorexEvent } from '../../domain/index.ts';

const OP = address(0x1);
const V = address(0x9);

/** A short-tenure tier set so promotions happen within a few epochs. */
const tiers = [
  { name: 'bronze', minStake: 0n, minTenureEpochs: 0, bps: 10_000 },
  { name: 'silver', minStake: cxt(100), minTenureEpochs: 2, bps: 11_000 },
  { name: 'gold', minStake: cxt(1000), minTenureEpochs: 3, bps: 12_500 },
] as const;
const quick = () => scenario({ tiers: tiers.map((t) => ({ ...t })) });

const tierChanges = (events: CorexEvent[]) => ofType(events, 'TierChanged').map((e) => e.data);

describe('evaluateTier with the defaults of §8', () => {
  const p = defaultParams();
  it.each([
    [0n, 0, 'bronze'],
    [cxt(5000), 6, 'bronze'],
    [cxt(5000) - 1n, 100, 'bronze'],
    [cxt(5000), 7, 'silver'],
    [cxt(24_999), 1000, 'silver'],
    [cxt(25_000), 30, 'gold'],
    [cxt(100_000), 89, 'gold'],
    [cxt(100_000), 90, 'platinum'],
  ] as const)('stake %s wei with tenure %i is %s', (stake, tenure, tier) => {
    expect(evaluateTier(p, stake, tenure)).toBe(tier);
  });

  it('governance weight = active stake · tierBps/10000', () => {
    expect(governanceWeight(p, cxt(200_000) + 3n, 'platinum')).toBe(((cxt(200_000) + 3n) * 15_000n) / 10_000n);
    expect(governanceWeight(p, 7n, 'gold')).toBe(8n); // floor(8.75)
  });
});

/** Exact compute weight of `units` of compute work at a tier of `tierBps` (DESIGN §5). */
const weight = (units: number, tierBps: number): bigint => BigInt(units) * 10_000n * BigInt(tierBps);

describe('promotion', () => {
  it('promotes once both stake and tenure thresholds are met; TierChanged is effective from e+1', () => {
    const s = quick().at(0).node('n1', OP).stake(OP, cxt(1000));
    const closes: CorexEvent[][] = [];
    for (let e = 0; e < 4; e++) {
      s.at(e).work(`c${e}`, 'n1', 10, { verifier: V });
      closes.push(s.close(e));
    }
    expect(tierChanges(closes[0]!)).toEqual([]); // tenure 1
    expect(tierChanges(closes[1]!)).toEqual([{ account: OP, from: 'bronze', to: 'silver', epoch: 2 }]); // tenure 2
    expect(tierChanges(closes[2]!)).toEqual([{ account: OP, from: 'silver', to: 'gold', epoch: 3 }]); // tenure 3
    expect(tierChanges(closes[3]!)).toEqual([]);
    expect(s.state.accounts.get(OP)?.tenureEpochs).toBe(4);
    // TierChanged follows the EpochClosed it results from.
    expect(closes[1]!.map((e) => e.type)).toEqual(['EpochClosed', 'TierChanged']);
  });

  it('applies the multiplier to compute weight from e+1, not to the work of e', () => {
    const s = quick().at(0).node('n1', OP).stake(OP, cxt(100));
    s.work('c0', 'n1', 10, { verifier: V });
    s.close(0);
    s.at(1).work('c1', 'n1', 10, { verifier: V });
    expect(settleEpoch(s.state, 1).computeWeights.get(OP)).toBe(weight(10, 10_000)); // still bronze for epoch 1's work
    expect(tierChanges(s.close(1))).toEqual([{ account: OP, from: 'bronze', to: 'silver', epoch: 2 }]);
    s.at(2).work('c2', 'n1', 10, { verifier: V });
    expect(settleEpoch(s.state, 2).computeWeights.get(OP)).toBe(weight(10, 11_000));
  });

  it('the multiplier changes the operators\' shares of the compute pool', () => {
    const other = address(0x2);
    const s = quick().at(0).node('n1', OP).node('n2', other).stake(OP, cxt(100)).stake(other, cxt(100));
    // `other` works only from epoch 2, so only OP has tenure 2 by then.
    s.work('a0', 'n1', 10).close(0);
    s.at(1).work('a1', 'n1', 10).close(1);
    s.at(2).work('a2', 'n1', 1000).work('b2', 'n2', 1000);
    s.close(2);
    // W: OP 1100 (silver), other 1000; S = 200 CXT split evenly, W = 2100:
    // E_OP = min(1100, 1100·0.4 + 2100·0.5·0.6 = 1070) = 1070; E_other = min(1000, 400 + 630) = 1000.
    const pool = s.closed(2).pools.compute.budget;
    const staking = (s.closed(2).pools.staking.budget * 100n) / 200n;
    expect(s.allocated(OP)).toBe((pool * 1070n) / 2070n + staking);
    expect(s.allocated(other)).toBe((pool * 1000n) / 2070n + staking);
  });

  it('counts tenure only for closed epochs with positive compute weight', () => {
    const s = quick().at(0).node('n1', OP).stake(OP, cxt(100));
    s.work('c0', 'n1', 10).close(0);
    s.close(1); // no work: tenure stays 1
    expect(s.state.accounts.get(OP)?.tenureEpochs).toBe(1);
    expect(tierChanges(s.events)).toEqual([]);
    s.at(2).work('c2', 'n1', 10);
    expect(tierChanges(s.close(2))).toEqual([{ account: OP, from: 'bronze', to: 'silver', epoch: 3 }]);
  });

  it('does not promote without the stake, however long the tenure', () => {
    const s = quick().at(0).node('n1', OP).stake(OP, cxt(100) - 1n);
    for (let e = 0; e < 5; e++) s.at(e).work(`c${e}`, 'n1', 10).close(e);
    expect(s.state.accounts.get(OP)?.tenureEpochs).toBe(5);
    expect(tierChanges(s.events)).toEqual([]);
    expect(s.state.accounts.get(OP)?.tier).toBe('bronze');
  });
});

describe('demotion', () => {
  const silverOperator = () => {
    const s = quick().at(0).node('n1', OP).stake(OP, cxt(150));
    s.work('c0', 'n1', 10).close(0);
    s.at(1).work('c1', 'n1', 10).close(1);
    expect(s.state.accounts.get(OP)?.tier).toBe('silver');
    return s.at(2);
  };

  it('demotes after an unstake below the tier\'s minimum stake, effective from e+1', () => {
    const s = silverOperator();
    s.run({ type: 'RequestUnstake', account: OP, amount: cxt(51) });
    s.work('c2', 'n1', 10);
    expect(settleEpoch(s.state, 2).computeWeights.get(OP)).toBe(weight(10, 11_000)); // still silver for epoch 2
    expect(tierChanges(s.close(2))).toEqual([{ account: OP, from: 'silver', to: 'bronze', epoch: 3 }]);
    s.at(3).work('c3', 'n1', 10);
    expect(settleEpoch(s.state, 3).computeWeights.get(OP)).toBe(weight(10, 10_000));
  });

  it('demotes after a slash, which resets tenure', () => {
    const s = silverOperator();
    s.run({ type: 'RecordContribution', contributionId: 'bad', nodeId: 'n1', epoch: 2, kind: 'compute', units: 5, proofHash: `0x${'ab'.repeat(32)}` });
    s.verifier(V).run({ type: 'RejectContribution', contributionId: 'bad', verifier: V, reason: 'fraud' });
    expect(s.state.accounts.get(OP)?.bondedWei).toBe(cxt(150) - (cxt(150) * 500n) / 10_000n); // still ≥ 100 CXT
    s.work('c2', 'n1', 10, { verifier: V });
    // The epoch of a fraud verdict never counts, work or not: tenure 0 after this close, below silver's 2.
    expect(tierChanges(s.close(2))).toEqual([{ account: OP, from: 'silver', to: 'bronze', epoch: 3 }]);
    expect(s.state.accounts.get(OP)?.tenureEpochs).toBe(0);
    s.at(3).work('c3', 'n1', 10);
    s.close(3);
    expect(s.state.accounts.get(OP)?.tenureEpochs).toBe(1);
  });
});

describe('tiers for every account the ledger knows', () => {
  it('re-evaluates verifiers and revenue providers too, not only operators and stakers', () => {
    const USDC = address(0xa55e7);
    const PROVIDER = address(0x70);
    // A second tier any account qualifies for at once, so every known account is promoted at the first close.
    const open = [
      { name: 'bronze' as const, minStake: 0n, minTenureEpochs: 0, bps: 10_000 },
      { name: 'silver' as const, minStake: 0n, minTenureEpochs: 0, bps: 11_000 },
    ];
    const s = scenario({ tiers: open }).asset(USDC).at(0).verifier(V);
    s.run({ type: 'RecordRevenue', revenueId: 'r', source: 'api', asset: USDC, gross: 10n, provider: PROVIDER });
    const promoted = tierChanges(s.close(0)).map((c) => c.account);
    expect(promoted).toContain(V);
    expect(promoted).toContain(PROVIDER);
  });

  it('evaluates an account first seen after a close at the next close (a close looks only at accounts it can change)', () => {
    const USDC = address(0xa55e7);
    const PROVIDER = address(0x71);
    const LATE_VERIFIER = address(0x72);
    const open = [
      { name: 'bronze' as const, minStake: 0n, minTenureEpochs: 0, bps: 10_000 },
      { name: 'silver' as const, minStake: 0n, minTenureEpochs: 0, bps: 11_000 },
    ];
    const s = scenario({ tiers: open }).asset(USDC).at(0).verifier(V);
    expect(tierChanges(s.close(0)).map((c) => c.account)).toEqual([V]);
    // No stake, no work, no tenure: only being new makes these two candidates for the close of 1.
    s.at(1).verifier(LATE_VERIFIER);
    s.run({ type: 'RecordRevenue', revenueId: 'r1', source: 'api', asset: USDC, gross: 10n, provider: PROVIDER });
    expect(tierChanges(s.close(1)).map((c) => c.account).sort()).toEqual([PROVIDER, LATE_VERIFIER].sort());
    expect(tierChanges(s.at(2).close(2))).toEqual([]);
  });

  it('an account holding a tier that a parameter change removed weighs at the first tier until re-evaluated', () => {
    const s = quick().at(0).node('n1', OP).stake(OP, cxt(150));
    s.work('c0', 'n1', 10).close(0);
    s.at(1).work('c1', 'n1', 10).close(1);
    expect(s.state.accounts.get(OP)?.tier).toBe('silver');
    s.at(2).run({ type: 'ConfigureProtocol', params: { ...s.params, tiers: [{ ...tiers[0], bps: 9000 }] }, effectiveEpoch: 3 });
    s.close(2);
    s.at(3).work('c3', 'n1', 10);
    // Still named silver until the close of 3 re-evaluates it; silver no longer exists, so it weighs at bronze's 9000.
    expect(s.state.accounts.get(OP)?.tier).toBe('silver');
    expect(settleEpoch(s.state, 3).computeWeights.get(OP)).toBe(weight(10, 9000));
    expect(tierChanges(s.close(3))).toEqual([{ account: OP, from: 'silver', to: 'bronze', epoch: 4 }]);
  });
});
