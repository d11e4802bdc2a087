/**
 * DESIGN §5 — verification pool: verdicts (verified or rejected) with epoch ≤ e not yet paid,
 * counted per registered verifier; reward floor(pool·count/total).
 */
import { describe, expect, it } from 'vitest';
import { address, hash32, scenario } from './scenario.ts';

const OP = address(0x1);
const V1 = address(0x91);
const V2 = address(0x92);
const V3 = address(0x93);
const STRANGER = address(0x99);

const record = (contributionId: string, epoch = 0) =>
  ({ type: 'RecordContribution', contributionId, nodeId: 'n1', epoch, kind: 'compute', units: 10, proofHash: hash32(3) }) as const;

describe('the verification pool', () => {
  it('is shared by verdict count per registered verifier, verified and rejected alike', () => {
    const s = scenario().at(0).node('n1', OP).verifier(V1).verifier(V2).verifier(V3);
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) s.run(record(id));
    s.run({ type: 'VerifyContribution', contributionId: 'c1', verifier: V1 });
    s.run({ type: 'VerifyContribution', contributionId: 'c2', verifier: V1 });
    s.run({ type: 'RejectContribution', contributionId: 'c3', verifier: V1, reason: 'invalid' });
    s.run({ type: 'VerifyContribution', contributionId: 'c4', verifier: V2 });
    s.run({ type: 'RejectContribution', contributionId: 'c5', verifier: V2, reason: 'invalid' });
    s.run({ type: 'VerifyContribution', contributionId: 'c6', verifier: V3 });
    s.close(0);
    const pool = s.closed(0).pools.verification.budget;
    const expected = [(pool * 3n) / 6n, (pool * 2n) / 6n, (pool * 1n) / 6n];
    expect([s.allocated(V1), s.allocated(V2), s.allocated(V3)]).toEqual(expected);
    expect(s.closed(0).pools.verification.minted).toBe(expected[0]! + expected[1]! + expected[2]!);
  });

  it('pays a verdict in the close of its own epoch, once', () => {
    const s = scenario().at(0).node('n1', OP).verifier(V1).verifier(V2);
    s.run(record('c1'));
    s.run(record('c2'));
    s.run({ type: 'VerifyContribution', contributionId: 'c1', verifier: V1 });
    s.close(0);
    expect(s.allocated(V1)).toBe(s.closed(0).pools.verification.budget);
    s.at(1).run({ type: 'VerifyContribution', contributionId: 'c2', verifier: V2 });
    s.close(1);
    expect(s.allocated(V1)).toBe(0n);
    expect(s.allocated(V2)).toBe(s.closed(1).pools.verification.budget);
    s.close(2);
    expect(s.closed(2).pools.verification.minted).toBe(0n);
  });

  it('refuses a verdict from an address that is not a registered verifier (NOT_A_VERIFIER)', () => {
    const s = scenario().at(0).node('n1', OP).verifier(V1);
    s.run(record('c1'));
    const r = s.refused({ type: 'VerifyContribution', contributionId: 'c1', verifier: STRANGER });
    expect(r.code).toBe('NOT_A_VERIFIER');
    expect(r.message).toContain(STRANGER);
    expect(s.refused({ type: 'RejectContribution', contributionId: 'c1', verifier: STRANGER, reason: 'fraud' }).code).toBe('NOT_A_VERIFIER');
    expect(s.state.contributions.get('c1')?.status).toBe('recorded');
  });

  it('refuses a verifier judging work of a node it operates (SELF_VERIFICATION)', () => {
    const s = scenario().at(0).node('n1', OP).verifier(OP);
    s.run(record('c1'));
    expect(s.refused({ type: 'VerifyContribution', contributionId: 'c1', verifier: OP }).code).toBe('SELF_VERIFICATION');
    expect(s.refused({ type: 'RejectContribution', contributionId: 'c1', verifier: OP, reason: 'invalid' }).code).toBe('SELF_VERIFICATION');
  });

  it('a verifier removed before the close is still paid for the verdicts it gave while registered (a late close pays the same)', () => {
    const s = scenario().at(0).node('n1', OP).verifier(V1).verifier(V2);
    s.run(record('c1'));
    s.run(record('c2'));
    s.run(record('c3'));
    s.run({ type: 'VerifyContribution', contributionId: 'c1', verifier: V1 });
    s.run({ type: 'VerifyContribution', contributionId: 'c2', verifier: V2 });
    s.run({ type: 'VerifyContribution', contributionId: 'c3', verifier: V2 });
    s.run({ type: 'RemoveVerifier', verifier: V1 });
    s.close(0);
    const pool = s.closed(0).pools.verification.budget;
    expect(s.allocated(V1)).toBe(pool / 3n); // 1 of 3 verdicts
    expect(s.allocated(V2)).toBe((pool * 2n) / 3n);
    expect(s.allocated(OP)).toBe(s.closed(0).pools.compute.budget);
    // Removed, it cannot give verdicts any more, so it earns nothing later.
    s.at(1);
    s.run(record('c4', 1));
    expect(s.refused({ type: 'VerifyContribution', contributionId: 'c4', verifier: V1 }).code).toBe('NOT_A_VERIFIER');
  });

  it('a removed verifier can no longer judge; registry refusals are VERIFIER_EXISTS and VERIFIER_UNKNOWN', () => {
    const s = scenario().at(0).node('n1', OP).verifier(V1);
    expect(s.refused({ type: 'RegisterVerifier', verifier: V1 }).code).toBe('VERIFIER_EXISTS');
    s.run({ type: 'RemoveVerifier', verifier: V1 });
    expect(s.refused({ type: 'RemoveVerifier', verifier: V1 }).code).toBe('VERIFIER_UNKNOWN');
    s.run(record('c1'));
    expect(s.refused({ type: 'VerifyContribution', contributionId: 'c1', verifier: V1 }).code).toBe('NOT_A_VERIFIER');
  });
});
