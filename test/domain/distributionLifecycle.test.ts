/**
 * DESIGN §6, §9.5 — a distribution's way on-chain as the ledger records it: claims bounded by the
 * latest published leaf, an unchanged root never planned again, the latest live distribution
 * proposed again where a chain does not hold it, and revocation of one not yet proposed.
 */
import { describe, expect, it } from 'vitest';
import { address, hash32, scenario, type Scenario } from './scenario.ts';
import { ZERO_HASH, proposalId, type Command } from '../../domain/index.ts';

const OP = address(0x1);
const CONTRACT = address(0xd15);
const OTHER_CONTRACT = address(0xd16);

const create = (s: Scenario): number => {
  const [e] = s.run({ type: 'CreateDistribution', throughEpoch: s.state.lastClosedEpoch, logHead: hash32(s.events.length) });
  return (e!.data as { seq: number }).seq;
};
const publish = (seq: number, tx: number, contract = CONTRACT): Command => ({
  type: 'RecordDistributionPublished',
  seq,
  chainId: 31337,
  contract,
  txHash: hash32(0x7000 + tx),
  blockNumber: tx,
  validAt: 1,
});
const claim = (s: Scenario, amount: bigint, n = 1): Command => ({
  type: 'RecordClaim',
  account: OP,
  token: s.params.cxtToken,
  amount,
  txHash: hash32(0xc1a1 + n),
  logIndex: 0,
  blockNumber: n,
});

/** OP earns the compute pool of epoch 0 and of epoch 1. */
const earning = () => {
  const s = scenario().at(0).node('n', OP).work('c0', 'n', 10);
  s.close(0);
  return s;
};

describe('claims are bounded by the latest published leaf', () => {
  it('refuses any claim while no distribution is published, even one within the allocation', () => {
    const s = earning();
    const allocated = s.allocated(OP);
    expect(s.refused(claim(s, 1n)).code).toBe('CLAIM_EXCEEDS_ENTITLEMENT');
    create(s);
    expect(s.refused(claim(s, 1n)).code).toBe('CLAIM_EXCEEDS_ENTITLEMENT');
    s.run(publish(1, 1));
    s.run(claim(s, allocated));
    expect(s.refused(claim(s, 1n, 2)).code).toBe('CLAIM_EXCEEDS_ENTITLEMENT');
  });

  it('a later allocation does not raise the ceiling until it is published', () => {
    const s = earning();
    const first = s.allocated(OP);
    create(s);
    s.run(publish(1, 1));
    s.at(1).work('c1', 'n', 10);
    s.close(1);
    const r = s.refused(claim(s, first + 1n));
    expect(r.message).toContain('latest published distribution (1)');
    create(s);
    s.run(publish(2, 2));
    s.run(claim(s, first + 1n));
  });
});

describe('distribution lifecycle', () => {
  it('does not plan a distribution whose leaves equal the latest live one (same root, gas for nothing)', () => {
    const s = earning();
    create(s);
    s.close(1); // nothing allocated in epoch 1
    const r = s.refused({ type: 'CreateDistribution', throughEpoch: 1, logHead: ZERO_HASH });
    expect(r.code).toBe('NOTHING_TO_DISTRIBUTE');
    expect(r.message).toContain('no leaf changed since distribution 1');
  });

  it('plans again after the unchanged one was revoked', () => {
    const s = earning();
    create(s);
    s.run({ type: 'RevokeDistribution', seq: 1, reason: 'operator' });
    s.close(1);
    expect(create(s)).toBe(2);
  });

  it('proposes the latest live distribution again on another contract, and activates it there', () => {
    const s = earning();
    create(s);
    s.run(publish(1, 1));
    s.run({ type: 'ActivateDistribution', seq: 1, txHash: hash32(0xacc1), proposal: proposalId({ txHash: hash32(0x7001), blockNumber: 1, validAt: 1 }) });
    s.run(publish(1, 2, OTHER_CONTRACT));
    expect(s.state.distributions[0]).toMatchObject({ status: 'published', published: { contract: OTHER_CONTRACT } });
    s.run({ type: 'ActivateDistribution', seq: 1, txHash: hash32(0xacc2), proposal: proposalId({ txHash: hash32(0x7002), blockNumber: 2, validAt: 1 }) });
    expect(s.state.distributions[0]!.status).toBe('active');
    // The same proposal cannot be recorded twice.
    expect(s.refused(publish(1, 2, OTHER_CONTRACT)).code).toBe('DISTRIBUTION_STATE');
  });

  it('does not propose an older distribution again once a newer one exists', () => {
    const s = earning();
    create(s);
    s.run(publish(1, 1));
    s.at(1).work('c1', 'n', 10);
    s.close(1);
    create(s);
    expect(s.refused(publish(1, 9, OTHER_CONTRACT)).code).toBe('DISTRIBUTION_STATE');
  });

  it('revokes a created distribution by command; a proposed one only with the on-chain revocation', () => {
    const s = earning();
    create(s);
    s.run(publish(1, 1));
    const r = s.refused({ type: 'RevokeDistribution', seq: 1, reason: 'stuck' });
    expect(r.message).toContain('guardian revokes it there');
    s.run({ type: 'RevokeDistribution', seq: 1, txHash: hash32(0xdead), reason: 'pending root revoked on-chain' });
    expect(s.state.distributions[0]!.status).toBe('revoked');
    expect(s.state.liveLeaves.size).toBe(0);
  });

  it('supersedes every older live distribution when a newer one is accepted', () => {
    const s = earning();
    create(s);
    s.at(1).work('c1', 'n', 10);
    s.close(1);
    create(s);
    s.run(publish(2, 1));
    s.run({ type: 'ActivateDistribution', seq: 2, proposal: proposalId({ txHash: hash32(0x7001), blockNumber: 1, validAt: 1 }) });
    expect(s.state.distributions.map((d) => d.status)).toEqual(['superseded', 'active']);
    expect([...s.state.liveLeaves.keys()]).toEqual([2]);
  });
});
