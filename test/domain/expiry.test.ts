/**
 * DESIGN §5 — the verification window: a contribution still unjudged at the close of its work
 * epoch + verificationWindowEpochs expires, is never paid, and a later verdict is refused.
 */
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { address, hash32, scenario } from './scenario.ts';
import { decide, evolve, ProtocolParamsCodec, verificationWindow, type Decision, type Refusal } from '../../domain/index.ts';

const refusalOf = (d: Decision): Refusal => {
  if (E.isRight(d)) throw new Error('expected a refusal');
  return d.left;
};

const OP = address(0x1);
const V = address(0x9);

const record = (contributionId: string, epoch: number) =>
  ({ type: 'RecordContribution', contributionId, nodeId: 'n1', epoch, kind: 'compute', units: 10, proofHash: hash32(3) }) as const;

describe('verification window', () => {
  it('given more unjudged work in one epoch than a call has argument slots (200,000), when its window ends, then the close expires it all', () => {
    const s = scenario({ verificationWindowEpochs: 0 }).at(0).node('n1', OP);
    const count = 200_000;
    // Folded directly: deciding 200,000 commands would only slow the test, not change the state.
    for (let i = 0; i < count; i++)
      evolve(s.state, { type: 'ContributionRecorded', data: { contributionId: `c${i}`, nodeId: 'n1', epoch: 0, kind: 'compute', units: 1, proofHash: hash32(3) } });
    s.close(0);
    expect(s.closed(0).expired).toBe(count);
    expect(s.state.contributions.size).toBe(0);
  });

  const window = 2;
  const setUp = () => scenario({ verificationWindowEpochs: window }).at(0).node('n1', OP).verifier(V);

  it('expires unjudged work at the close of work epoch + window and counts it in EpochClosed.expired', () => {
    const s = setUp();
    s.run(record('late', 0));
    s.run(record('judged', 0));
    s.run({ type: 'VerifyContribution', contributionId: 'judged', verifier: V });
    s.close(0);
    s.close(1);
    expect(s.closed(0).expired).toBe(0);
    expect(s.closed(1).expired).toBe(0);
    expect(s.state.contributions.get('late')?.status).toBe('recorded');
    s.close(2);
    expect(s.closed(2).expired).toBe(1);
    // Both have left the state: the paid one at the close of epoch 0, the expired one now (DESIGN §10).
    expect(s.state.contributions.has('late')).toBe(false);
    expect(s.state.contributions.has('judged')).toBe(false);
    expect(s.state.unjudgedByEpoch.has(0)).toBe(false);
  });

  it('accepts a verdict recorded in the last epoch of the window, and pays it', () => {
    const s = setUp();
    s.run(record('c', 0));
    s.close(0);
    s.close(1);
    s.at(2).run({ type: 'VerifyContribution', contributionId: 'c', verifier: V });
    s.close(2);
    expect(s.closed(2).expired).toBe(0);
    expect(s.allocated(OP)).toBe(s.closed(2).pools.compute.budget);
  });

  it('refuses a verdict after expiry (CONTRIBUTION_EXPIRED), and never pays the work', () => {
    const s = setUp();
    s.run(record('c', 0));
    for (let e = 0; e <= window; e++) s.close(e);
    s.at(window + 1);
    // The state forgot it; the event store still knows its id, and says so through the handler's facts.
    const verdict = { type: 'VerifyContribution', contributionId: 'c', verifier: V } as const;
    const r = refusalOf(decide(verdict, s.state, s.now, { contributionRecordedEarlier: true }));
    expect(r.code).toBe('CONTRIBUTION_EXPIRED');
    expect(r.message).toContain('window of 2 epochs');
    expect(refusalOf(decide({ ...verdict, type: 'RejectContribution', reason: 'fraud' }, s.state, s.now, { contributionRecordedEarlier: true })).code).toBe('CONTRIBUTION_EXPIRED');
    // Never recorded at all: unknown.
    expect(refusalOf(decide(verdict, s.state, s.now)).code).toBe('CONTRIBUTION_UNKNOWN');
    s.close(window + 1);
    expect(s.closed(window + 1).pools.compute.minted).toBe(0n);
  });

  it('defaults to 7 epochs, also for a genesis written before the window existed', () => {
    const s = scenario().at(0).node('n1', OP);
    s.run(record('c', 0));
    for (let e = 0; e < 7; e++) s.close(e);
    expect(s.state.contributions.has('c')).toBe(true);
    s.close(7);
    expect(s.closed(7).expired).toBe(1);
    const { verificationWindowEpochs: _w, ...older } = s.params;
    expect(E.isRight(ProtocolParamsCodec.decode(ProtocolParamsCodec.encode(older)))).toBe(true);
    expect(verificationWindow(older)).toBe(7);
  });
});
