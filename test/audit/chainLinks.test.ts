/**
 * The audit's chain check on small hand-made chains: each kind of tampering is reported once, at
 * its position, and the check agrees with the domain's verifier on where the first fault is.
 */
import { describe, expect, it } from 'vitest';
import { createChainCheck, type ChainSummary } from '../../adapters/audit/chainLinks.ts';
import { createFindingLog, type Finding } from '../../adapters/audit/findings.ts';
import { diffJson } from '../../adapters/audit/jsonDiff.ts';
import { hashEnvelope, sealEnvelope, verifyChain, ZERO_HASH, type StoredEvent } from '../../domain/hashChain.ts';

const chain = (n: number): StoredEvent[] => {
  const events: StoredEvent[] = [];
  let prevHash = ZERO_HASH;
  for (let p = 1; p <= n; p++) {
    const e = sealEnvelope({ id: `e${p}`, type: 'TestEvent', stream: 's', streamVersion: p, recordedAt: '2025-01-01T00:00:00.000Z', data: { amount: String(p) }, prevHash }, p);
    events.push(e);
    prevHash = e.hash;
  }
  return events;
};

const check = (events: readonly StoredEvent[]): { findings: Finding[]; summary: ChainSummary } => {
  const findings: Finding[] = [];
  const c = createChainCheck((f) => findings.push(f));
  events.forEach((e, i) => c.push(e, i + 1));
  c.finish();
  return { findings, summary: c.summary() };
};

const describeFindings = (findings: Finding[]) => findings.map((f) => [f.kind, f.position]);

describe('chain check that keeps going after a break', () => {
  it('verifies an intact chain and reports its head', () => {
    const events = chain(20);
    expect(check(events)).toEqual({ findings: [], summary: { verified: true, events: 20, lastPosition: 20, headHash: events[19]!.hash, breaks: 0 } });
  });

  it('an edited event: one finding at it, where the domain verifier also stops', () => {
    const events = chain(20);
    events[6] = { ...events[6]!, data: { amount: '999' } };
    const { findings, summary } = check(events);
    expect(describeFindings(findings)).toEqual([['chain-altered', 7]]);
    expect(summary.firstBreak?.position).toBe(7);
    expect(verifyChain(events)).toMatchObject({ ok: false, fault: { position: 7, kind: 'hash-mismatch' } });
  });

  it('an edited and re-sealed event: one broken link, at its successor', () => {
    const events = chain(20);
    const forged = { ...events[6]!, data: { amount: '999' } };
    events[6] = { ...forged, hash: hashEnvelope(forged) };
    expect(describeFindings(check(events).findings)).toEqual([['chain-link', 8]]);
    expect(verifyChain(events)).toMatchObject({ ok: false, fault: { position: 8, kind: 'broken-link' } });
  });

  it('deleted events: one gap per missing position', () => {
    const events = chain(20).filter((e) => e.position !== 5 && e.position !== 6);
    const { findings } = check(events);
    expect(describeFindings(findings)).toEqual([['chain-gap', 5], ['chain-gap', 6]]);
    expect(findings[0]!.message).toContain('position 5 is missing');
  });

  it('two swapped events: one finding, at the one that comes late', () => {
    const events = chain(20);
    [events[9], events[10]] = [events[10]!, events[9]!];
    const { findings } = check(events);
    expect(describeFindings(findings)).toEqual([['chain-order', 10]]);
    expect(findings[0]!.message).toContain('swapped');
  });

  it('two events swapped and renumbered: the links name where each one really belongs', () => {
    const events = chain(20);
    const [a, b] = [events[9]!, events[10]!];
    events[9] = { ...b, position: 10 };
    events[10] = { ...a, position: 11 };
    const { findings } = check(events);
    expect(describeFindings(findings)).toEqual([['chain-link', 10], ['chain-link', 11], ['chain-link', 12]]);
    expect(findings[1]!.message).toContain('links to the event at position 9, not to position 10');
    expect(findings[2]!.message).toContain('links to the event at position 10, not to position 11');
  });

  it('a duplicated event, and an unreadable line standing for a position', () => {
    const events = chain(10);
    const { findings } = check([...events.slice(0, 5), events[4]!, ...events.slice(5)]);
    expect(describeFindings(findings)).toEqual([['chain-order', 5]]);
    expect(findings[0]!.message).toContain('appears again');

    const found: Finding[] = [];
    const c = createChainCheck((f) => found.push(f));
    events.slice(0, 3).forEach((e) => c.push(e, e.position));
    expect(c.skipUnreadable()).toBe(4);
    events.slice(4).forEach((e) => c.push(e, e.position));
    c.finish();
    expect(found).toEqual([]);
  });
});

describe('finding log', () => {
  it('keeps a bounded number per kind and field, and counts the rest with their positions', () => {
    const log = createFindingLog({ keepPerGroup: 3 });
    for (let p = 1; p <= 10; p++) log.add({ kind: 'epoch-mismatch', field: 'allocationsHash', position: p, message: `#${p}` });
    log.add({ kind: 'chain-gap', position: 4, message: 'gap' });
    const s = log.summary();
    expect(s.total).toBe(11);
    expect(s.findings.map((f) => f.position)).toEqual([1, 2, 3, 4]);
    expect(s.suppressed).toEqual([{ kind: 'epoch-mismatch', class: 'log', field: 'allocationsHash', count: 7, firstPosition: 4, lastPosition: 10 }]);
    expect(s.byKind).toEqual({ 'epoch-mismatch': 10, 'chain-gap': 1 });
    expect(s.byClass).toEqual({ log: 11, 'chain-mismatch': 0, 'chain-ahead': 0 });
  });
});

describe('field differences', () => {
  it('names nested fields and array elements', () => {
    expect(
      diffJson(
        { minted: '5', pools: { compute: { minted: '3' } }, revenue: [{ buyback: '1' }], logHead: 'a' },
        { minted: '5', pools: { compute: { minted: '4' } }, revenue: [{ buyback: '2' }, { buyback: '0' }], logHead: 'a' },
      ),
    ).toEqual([
      { field: 'pools.compute.minted', expected: '3', found: '4' },
      { field: 'revenue.length', expected: '1', found: '2' },
      { field: 'revenue[0].buyback', expected: '1', found: '2' },
    ]);
  });
});
