/**
 * DESIGN §3, §8 — ProtocolConfigured: genesis at epoch 0, immutable fields, versions effective from
 * an open epoch, and parameters that change from their effective epoch (for settlement and for
 * every decision recorded in that epoch).
 */
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { address, hash32, scenario } from './scenario.ts';
import {
  cxt,
  decide,
  defaultParams,
  evolve,
  initialState,
  IMMUTABLE_PARAMS,
  settleEpoch,
  type ProtocolParams,
  type Refusal,
} from '../../domain/index.ts';

const refusalOf = (d: E.Either<Refusal, unknown>): Refusal => {
  if (E.isRight(d)) throw new Error('expected a refusal');
  return d.left;
};

describe('genesis', () => {
  it('is version 1, effective at epoch 0, and registers the CXT token as the first asset', () => {
    const p = defaultParams();
    const d = decide({ type: 'ConfigureProtocol', params: p }, initialState(), 0);
    expect(d).toEqual(
      E.right([
        { type: 'ProtocolConfigured', data: { version: 1, effectiveEpoch: 0, params: p } },
        { type: 'AssetRegistered', data: { asset: p.cxtToken, symbol: 'CXT', decimals: 18 } },
      ]),
    );
  });

  it('must take effect at epoch 0', () => {
    const r = refusalOf(decide({ type: 'ConfigureProtocol', params: defaultParams(), effectiveEpoch: 1 }, initialState(), 0));
    expect(r.code).toBe('INVALID_CONFIG');
    expect(r.message).toContain('epoch 0');
  });

  it('every other command is refused before genesis (NOT_CONFIGURED)', () => {
    const r = refusalOf(decide({ type: 'RegisterVerifier', verifier: address(1) }, initialState(), 0));
    expect(r.code).toBe('NOT_CONFIGURED');
  });

  it('refuses incoherent parameters, naming the problem (INVALID_CONFIG)', () => {
    const r = refusalOf(decide({ type: 'ConfigureProtocol', params: defaultParams({ stakingBps: 2001 }) }, initialState(), 0));
    expect(r.code).toBe('INVALID_CONFIG');
    expect(r.message).toContain('computeBps + stakingBps + verificationBps must be 10000, got 10001');
    const tiers = refusalOf(
      decide(
        { type: 'ConfigureProtocol', params: defaultParams({ tiers: [{ name: 'silver', minStake: 1n, minTenureEpochs: 0, bps: 10_000 }] }) },
        initialState(),
        0,
      ),
    );
    expect(tiers.message).toContain('tiers[0]');
    const timelock = refusalOf(decide({ type: 'ConfigureProtocol', params: defaultParams({ timelockSeconds: 86_400 }) }, initialState(), 0));
    expect(timelock.message).toContain('timelockSeconds');
  });
});

describe('later versions', () => {
  const changed: { [K in (typeof IMMUTABLE_PARAMS)[number]]: Partial<ProtocolParams> } = {
    symbol: { symbol: 'CXX' },
    decimals: { decimals: 6 },
    maxSupply: { maxSupply: cxt(2_000_000_000) },
    cxtToken: { cxtToken: address(0xdead) },
    genesisTimeSeconds: { genesisTimeSeconds: 1_767_225_601 },
    epochLengthSeconds: { epochLengthSeconds: 3600 },
  };

  it.each(IMMUTABLE_PARAMS)('cannot change %s (INVALID_CONFIG naming the field)', (field) => {
    const s = scenario().at(1);
    const r = s.refused({ type: 'ConfigureProtocol', params: { ...s.params, ...changed[field] } });
    expect(r.code).toBe('INVALID_CONFIG');
    expect(r.message).toContain(field);
  });

  it('cannot take effect in a closed epoch; can in the first open one', () => {
    const s = scenario();
    s.close(0);
    s.close(1);
    const params = { ...s.params, boostBaseBps: 5000 };
    const r = s.refused({ type: 'ConfigureProtocol', params, effectiveEpoch: 1 });
    expect(r.code).toBe('INVALID_CONFIG');
    expect(r.message).toContain('effectiveEpoch 1');
    expect(s.run({ type: 'ConfigureProtocol', params, effectiveEpoch: 2 })).toEqual([
      { type: 'ProtocolConfigured', data: { version: 2, effectiveEpoch: 2, params } },
    ]);
  });

  it('take effect from the next epoch when none is given', () => {
    const s = scenario().at(3);
    const [e] = s.run({ type: 'ConfigureProtocol', params: { ...s.params, slashBps: 1000 } });
    expect(e).toMatchObject({ type: 'ProtocolConfigured', data: { version: 2, effectiveEpoch: 4 } });
  });
});

describe('parameters change from their effective epoch', () => {
  it('the pool split of a close uses the parameters in force for that epoch', () => {
    const s = scenario();
    s.run({ type: 'ConfigureProtocol', params: { ...s.params, computeBps: 5000, stakingBps: 4000 }, effectiveEpoch: 2 });
    s.close(0);
    s.close(1);
    s.close(2);
    const split = (e: number) => {
      const c = s.closed(e);
      return [c.pools.compute.budget, c.pools.verification.budget, c.pools.staking.budget];
    };
    const b1 = s.closed(1).budget;
    expect(split(1)).toEqual([(b1 * 7000n) / 10_000n, (b1 * 1000n) / 10_000n, b1 - (b1 * 7000n) / 10_000n - (b1 * 1000n) / 10_000n]);
    const b2 = s.closed(2).budget;
    expect(split(2)).toEqual([(b2 * 5000n) / 10_000n, (b2 * 1000n) / 10_000n, b2 - (b2 * 5000n) / 10_000n - (b2 * 1000n) / 10_000n]);
  });

  it('kind weights of a new version apply to work settled from its epoch', () => {
    const op = address(1);
    const s = scenario().at(0).node('n1', op);
    s.run({ type: 'ConfigureProtocol', params: { ...s.params, kindWeightBps: { compute: 20_000, training: 12_000, data: 8000 } }, effectiveEpoch: 1 });
    s.work('c0', 'n1', 10);
    expect(settleEpoch(s.state, 0).computeWeights.get(op)).toBe(10n * 10_000n * 10_000n);
    s.close(0);
    s.at(1).work('c1', 'n1', 10);
    expect(settleEpoch(s.state, 1).computeWeights.get(op)).toBe(10n * 20_000n * 10_000n);
  });

  it('a decision recorded in an epoch uses the parameters in force in that epoch, not a later version', () => {
    const a = address(0xa);
    const s = scenario().at(0).stake(a, cxt(1000));
    s.run({ type: 'ConfigureProtocol', params: { ...s.params, unbondingEpochs: 2, maxLateEpochs: 0 }, effectiveEpoch: 5 });
    const [before] = s.at(1).run({ type: 'RequestUnstake', account: a, amount: cxt(1) });
    expect(before).toMatchObject({ type: 'UnstakeRequested', data: { epoch: 1, releaseEpoch: 8 } });
    const [from] = s.at(5).run({ type: 'RequestUnstake', account: a, amount: cxt(1) });
    expect(from).toMatchObject({ type: 'UnstakeRequested', data: { epoch: 5, releaseEpoch: 7 } });
  });

  it('maxLateEpochs follows the version in force', () => {
    const s = scenario().at(0).node('n1', address(1));
    s.run({ type: 'ConfigureProtocol', params: { ...s.params, maxLateEpochs: 0 }, effectiveEpoch: 5 });
    const rec = (id: string, epoch: number) =>
      ({ type: 'RecordContribution', contributionId: id, nodeId: 'n1', epoch, kind: 'compute', units: 1, proofHash: hash32(1) }) as const;
    s.at(4).run(rec('late-ok', 2));
    expect(s.at(5).refused(rec('late-no', 4)).code).toBe('EPOCH_TOO_OLD');
  });

  it('folding the same ProtocolConfigured events gives the same parameters per epoch', () => {
    const s = scenario();
    s.run({ type: 'ConfigureProtocol', params: { ...s.params, slashBps: 900 }, effectiveEpoch: 3 });
    const replayed = initialState();
    for (const e of s.events) evolve(replayed, e);
    expect(replayed.configs).toEqual(s.state.configs);
  });
});
