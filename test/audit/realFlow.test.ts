/**
 * `cxt export` and `cxt audit` on a log produced by the real flow (world.ts): it audits clean,
 * alone and against the chain over JSON-RPC, and each tampering of issue 6 is found and named with
 * its position — as the chain check sees it, and as the re-derivation sees it when the forger
 * re-sealed the chain after the edit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport, Finding } from '../../adapters/audit/index.ts';
import { createExportCommand } from '../../adapters/cli/commands/export.ts';
import { createImportCommand } from '../../adapters/cli/commands/import.ts';
import { dropSchema, freshSchemaName, postgresAvailable, TEST_DATABASE_URL } from '../support/postgres.ts';
import { buildAuditWorld, captureIo, cxt, type AuditWorld } from './world.ts';
import { edited, envelopeAt, indexOfType, readLog, resealedFrom, swapped, withData, withLineAt, withoutLine, writeLog } from './tamper.ts';

const postgresOk = await postgresAvailable();
let w: AuditWorld;
let lines: string[];
let runs = 0;

beforeAll(async () => {
  w = await buildAuditWorld();
  lines = readLog(w.eventsPath);
});
afterAll(async () => {
  await w?.close();
});

/** `cxt audit` on `log` (a path, or lines written to a fresh file); the exit code and audit.json. */
const audit = async (log: string | readonly string[], ...extra: string[]): Promise<{ code: number; out: string; err: string; report: AuditReport }> => {
  const n = ++runs;
  const path = typeof log === 'string' ? log : join(w.dir, `tampered-${n}.jsonl`);
  if (typeof log !== 'string') writeLog(path, log);
  const out = join(w.dir, `audit-${n}`);
  const result = await cxt('audit', '--events', path, '--out', out, ...extra);
  const report = result.code === 2 ? (undefined as never) : (JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as AuditReport);
  return { ...result, report };
};

const onChain = () => ['--rpc-url', w.rpc.url, '--distributor', w.f.distributor.address, '--from-block', String(w.deployBlock)];
const kinds = (r: AuditReport) => r.findings.map((f) => f.kind);
const only = (r: AuditReport, kind: Finding['kind']) => r.findings.filter((f) => f.kind === kind);

describe('a log from the real flow', () => {
  it('exports every event in order, exactly as stored', () => {
    expect(lines.length).toBeGreaterThan(60);
    lines.forEach((_, i) => expect(envelopeAt(lines, i).position).toBe(i + 1));
    expect(Object.keys(envelopeAt(lines, 0))).toEqual(['id', 'type', 'stream', 'streamVersion', 'position', 'recordedAt', 'data', 'prevHash', 'hash']);
    for (const type of ['EpochClosed', 'DistributionCreated', 'DistributionPublished', 'DistributionActivated', 'RewardsClaimed', 'TaskPosted', 'FragmentAccepted', 'FragmentFailed', 'TaskSettled'])
      expect(indexOfType(lines, type)).toBeGreaterThan(0);
  });

  it('audits clean: exit 0, every close and distribution re-derived, supply per epoch', async () => {
    const { code, out, report } = await audit(w.eventsPath);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(out).toMatch(/^clean: \d+ events, 4 epochs, 2 distributions/);
    expect(report).toMatchObject({ verdict: 'clean', counts: { events: lines.length, epochs: 4, distributions: 2, findings: 0 }, chain: { verified: true, lastPosition: lines.length } });
    expect(report.chain.headHash).toBe(envelopeAt(lines, lines.length - 1).hash);
    expect(report.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
    for (const e of report.epochs) expect([e.expectedMintedWei, e.expectedAllocationsHash, e.findings]).toEqual([e.mintedWei, e.allocationsHash, 0]);
    expect(BigInt(report.supply.mintedWei)).toBeGreaterThan(0n);
    expect(report.distributions.map((d) => [d.seq, d.status, d.expectedRoot === d.root])).toEqual([[1, 'superseded', true], [2, 'active', true]]);
  });

  it('audits clean against the distributor over JSON-RPC: roots, data hashes and every claim', async () => {
    const { code, report } = await audit(w.eventsPath, ...onChain());
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.counts.onChain).toEqual({ rootsProposed: 2, rootsRevoked: 0, rootsAccepted: 2, claims: 4, claimsNotInLog: 0, claimsUnderNewerRoots: 0 });
    expect(report.distributions.map((d) => d.onChain?.claims)).toEqual([2, 2]);
    expect(report.distributions.every((d) => d.onChain?.accepted !== undefined)).toBe(true);
  });

  it('a root proposed after the export: the log re-derives and the chain is ahead (exit 1); --to-block before it is clean', async () => {
    const rewind = await w.f.chain.snapshot();
    try {
      const bogus = `0x${'ab'.repeat(32)}`;
      await w.f.distributor.proposeRoot(bogus, `0x${'cd'.repeat(32)}`);
      const block = await w.f.chain.provider.getBlockNumber();
      const { code, out, report } = await audit(w.eventsPath, ...onChain());
      expect(code).toBe(1);
      expect(report.findings).toEqual([expect.objectContaining({ kind: 'onchain-ahead', class: 'chain-ahead', field: 'root', found: bogus, block })]);
      expect(report.outcome).toBe('chain-ahead');
      expect(report.headline).toBe(`the log re-derives; the chain has 1 root newer than this export (re-export, or audit with --to-block ${block - 1})`);
      expect(out.split('\n')[0]).toBe(report.headline);

      const cut = await audit(w.eventsPath, ...onChain(), '--to-block', String(block - 1));
      expect(cut.report.findings).toEqual([]);
      expect(cut.code).toBe(0);
      expect(cut.report.source.chain).toMatchObject({ toBlock: block - 1, headBlock: block });
    } finally {
      await rewind();
    }
  });

  it('an export the chain moved on from: its next root is ahead, the claims under it only counted; --to-block the export’s block is clean', async () => {
    const { code, report } = await audit(w.earlyEventsPath, ...onChain());
    expect(code).toBe(1);
    expect(report.outcome).toBe('chain-ahead');
    expect(new Set(kinds(report))).toEqual(new Set(['onchain-ahead']));
    expect(report.counts.onChain).toMatchObject({ rootsProposed: 2, rootsAccepted: 2, claims: 4, claimsUnderNewerRoots: 2 });
    expect(report.chainAhead).toMatchObject({ roots: 1 });
    expect(report.chainAhead!.firstBlock).toBeGreaterThan(w.earlyBlock);
    expect(report.headline).toContain(`newer than this export (re-export, or audit with --to-block ${report.chainAhead!.firstBlock - 1})`);
    for (const toBlock of [w.earlyBlock, report.chainAhead!.firstBlock - 1]) {
      const cut = await audit(w.earlyEventsPath, ...onChain(), '--to-block', String(toBlock));
      expect(cut.report.findings).toEqual([]);
      expect(cut.code).toBe(0);
    }
  });

  it('an export taken before its last distribution was published: the proposal is ahead of it, not a missing publication', async () => {
    const { code, report } = await audit(w.unpublishedEventsPath, ...onChain());
    expect(code).toBe(1);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'onchain-ahead', class: 'chain-ahead', field: 'DistributionPublished', position: report.distributions[1]!.position })]);
    expect(report.outcome).toBe('chain-ahead');
    expect(report.distributions.map((d) => d.status)).toEqual(['active', 'created']);
    const cut = await audit(w.unpublishedEventsPath, ...onChain(), '--to-block', String(report.chainAhead!.firstBlock - 1));
    expect(cut.report.findings).toEqual([]);
    expect(cut.code).toBe(0);
  });

  it('a root the log should know (before the last block it refers to) is a disagreement, not the chain being ahead', async () => {
    const rewind = await w.f.chain.snapshot();
    try {
      const bogus = `0x${'ab'.repeat(32)}`;
      await w.f.distributor.proposeRoot(bogus, `0x${'cd'.repeat(32)}`);
      const block = await w.f.chain.provider.getBlockNumber();
      // The last claim as if indexed later: the log then refers to a block after the bogus root.
      const last = lines.length - 1;
      expect(envelopeAt(lines, last).type).toBe('RewardsClaimed');
      const { code, report } = await audit(resealedFrom(edited(lines, last, withData({ blockNumber: block + 5 })), last), ...onChain());
      expect(code).toBe(1);
      expect(report.findings).toEqual([expect.objectContaining({ kind: 'onchain-root', class: 'chain-mismatch', found: bogus, block })]);
      expect(report.outcome).toBe('chain-disagrees');
      expect(report.headline).toBe('1 finding(s): the log re-derives, but the chain and the log disagree');
    } finally {
      await rewind();
    }
  });

  it('a recorded publication the chain does not have: the chain and the log disagree, the log itself re-derives', async () => {
    const i = indexOfType(lines, 'DistributionPublished', 0);
    const { code, report } = await audit(resealedFrom(edited(lines, i, withData({ txHash: `0x${'5'.repeat(64)}` })), i), ...onChain());
    expect(code).toBe(1);
    expect(report.counts.findingsByClass).toMatchObject({ 'chain-ahead': 0 });
    // Publication findings are listed at the distribution they are about.
    expect(report.findings[0]).toMatchObject({ kind: 'onchain-publication', position: indexOfType(lines, 'DistributionCreated', 0) + 1, field: 'txHash' });
    // The log's own findings are only the stateHash of the closes after it: the state they committed
    // to held the real publication (DESIGN §10 anchors every state in the log).
    expect(report.findings.filter((f) => f.kind !== 'onchain-publication' && !f.kind.startsWith('onchain')).map((f) => f.field)).toEqual(
      report.findings.filter((f) => f.field === 'stateHash').map(() => 'stateHash'),
    );
  });
});

describe('each tampering is found and named with its position', () => {
  it('an edited amount in a StakeDeposited', async () => {
    const i = indexOfType(lines, 'StakeDeposited', 2);
    const { code, report } = await audit(edited(lines, i, withData({ amount: '999000000000000000000000' })));
    expect(code).toBe(1);
    expect(report.chain).toMatchObject({ verified: false, breaks: 1, firstBreak: { kind: 'chain-altered', position: i + 1, line: i + 1 } });
    expect(report.findings[0]).toMatchObject({ kind: 'chain-altered', position: i + 1 });
  });

  it('a deleted event', async () => {
    const i = indexOfType(lines, 'ContributionVerified', 3);
    const { code, report } = await audit(withoutLine(lines, i));
    expect(code).toBe(1);
    expect(report.chain).toMatchObject({ verified: false, breaks: 1, firstBreak: { kind: 'chain-gap', position: i + 1 } });
    expect(report.findings[0]!.message).toContain(`position ${i + 1} is missing`);
  });

  it('two events swapped', async () => {
    const i = indexOfType(lines, 'RevenueRecorded', 1);
    const { code, report } = await audit(swapped(lines, i));
    expect(code).toBe(1);
    expect(report.chain).toMatchObject({ verified: false, breaks: 1, firstBreak: { kind: 'chain-order', position: i + 1, line: i + 2 } });
    expect(report.findings.filter((f) => f.kind.startsWith('chain-'))).toHaveLength(1);
  });

  it('an EpochClosed with a changed minted: the chain breaks there and the re-derivation names the field', async () => {
    const i = indexOfType(lines, 'EpochClosed', 1);
    const recorded = String(envelopeAt(lines, i).data.minted);
    const forged = (BigInt(recorded) + 1000n).toString();
    const { code, report } = await audit(edited(lines, i, withData({ minted: forged })));
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.kind, f.position, f.field])).toEqual([
      ['chain-altered', i + 1, 'hash'],
      ['epoch-mismatch', i + 1, 'minted'],
    ]);
    expect(only(report, 'epoch-mismatch')[0]).toMatchObject({ epoch: 1, expected: recorded, found: forged });
  });

  it('… and when the forger re-sealed the chain after it, the re-derivation alone still finds it', async () => {
    const i = indexOfType(lines, 'EpochClosed', 1);
    const { report } = await audit(resealedFrom(edited(lines, i, withData({ minted: '1' })), i));
    expect(report.chain.verified).toBe(true);
    expect(report.findings[0]).toEqual(expect.objectContaining({ kind: 'epoch-mismatch', position: i + 1, field: 'minted', found: '1' }));
    // Re-sealing rewrote the logHead a later distribution records, so the next close's stateHash,
    // written on the honest state, no longer re-derives either.
    expect(report.findings.slice(1).every((f) => f.field === 'stateHash')).toBe(true);
  });

  it('a DistributionCreated with a changed root, re-sealed or not', async () => {
    const i = indexOfType(lines, 'DistributionCreated', 0);
    const root = String(envelopeAt(lines, i).data.root);
    const forged = `0x${'1'.repeat(64)}`;
    const plain = await audit(edited(lines, i, withData({ root: forged })));
    expect(plain.code).toBe(1);
    // The next close's stateHash committed to the real root, so it no longer re-derives either.
    const withoutStateHash = (fs: typeof plain.report.findings) => fs.filter((f) => f.field !== 'stateHash');
    expect(withoutStateHash(plain.report.findings).map((f) => [f.kind, f.position, f.field])).toEqual([
      ['chain-altered', i + 1, 'hash'],
      ['distribution-mismatch', i + 1, 'root'],
    ]);
    expect(plain.report.findings.some((f) => f.field === 'stateHash' && (f.position ?? 0) > i + 1)).toBe(true);
    const resealed = await audit(resealedFrom(edited(lines, i, withData({ root: forged })), i));
    expect(withoutStateHash(resealed.report.findings)).toEqual([expect.objectContaining({ kind: 'distribution-mismatch', position: i + 1, field: 'root', expected: root, found: forged })]);
  });

  it('the chain sees a tampered root too: the accepted on-chain root re-derives as the distribution, not as the log says', async () => {
    const i = indexOfType(lines, 'DistributionCreated', 1);
    const { report } = await audit(resealedFrom(edited(lines, i, withData({ root: `0x${'2'.repeat(64)}` })), i), ...onChain());
    expect(kinds(report)).toContain('distribution-mismatch');
    expect(only(report, 'onchain-root').map((f) => f.position)).toEqual([i + 1, i + 1]);
    expect(report.outcome).toBe('log-does-not-rederive');
    expect(report.headline).toMatch(/^1 finding\(s\): the log does not re-derive as recorded; the chain and the log also disagree \(\d+ finding\(s\)\)$/);
  });

  it('a re-sealed task assignment (seats swapped) and a re-sealed task settlement (refund raised): each a task-mismatch at its position', async () => {
    const i = indexOfType(lines, 'FragmentAssigned');
    const swappedSeats = await audit(resealedFrom(edited(lines, i, (e) => withData({ nodeIds: [...(e.data.nodeIds as string[])].reverse() })(e)), i));
    expect(only(swappedSeats.report, 'task-mismatch')[0]).toMatchObject({ position: i + 1, field: 'FragmentAssigned.nodeIds[0]' });
    const j = indexOfType(lines, 'TaskSettled');
    const raised = await audit(resealedFrom(edited(lines, j, withData({ refund: '999999999' })), j));
    expect(only(raised.report, 'task-mismatch')).toEqual([expect.objectContaining({ position: j + 1, field: 'TaskSettled.refund', found: '999999999' })]);
    expect(raised.code).toBe(1);
  });

  it('a re-sealed burn larger than all minted breaks §9.4 (burned ≤ minted) at the next close', async () => {
    const i = indexOfType(lines, 'TokensBurned', 0);
    const { report } = await audit(resealedFrom(edited(lines, i, withData({ amount: (10n ** 30n).toString() })), i));
    expect(report.chain.verified).toBe(true);
    const next = lines.findIndex((_, k) => k > i && envelopeAt(lines, k).type === 'EpochClosed');
    // The state stays broken, so every later close reports it again.
    expect(only(report, 'invariant')[0]).toMatchObject({ field: 'burned-le-minted', position: next + 1 });
    expect(new Set(only(report, 'invariant').map((f) => f.field))).toEqual(new Set(['burned-le-minted']));
  });

  it('a re-sealed claim larger than its leaf: over the cumulative, and unlike the chain’s Claimed', async () => {
    const i = indexOfType(lines, 'RewardsClaimed', 0);
    const { report } = await audit(resealedFrom(edited(lines, i, withData({ amount: (10n ** 27n).toString() })), i), ...onChain());
    expect(report.findings.slice(0, 2).map((f) => [f.kind, f.position])).toEqual([
      ['claim-exceeds-leaf', i + 1],
      ['onchain-claim-record', i + 1],
    ]);
    expect(only(report, 'invariant')[0]).toMatchObject({ field: 'claimed-le-cumulative' });
    // Re-sealing moved the log heads after the claim: the dataHash anchored on-chain no longer matches.
    expect(only(report, 'onchain-data-hash').length).toBeGreaterThan(0);
  });

  it('a line that is not JSON, and an event of an unknown type, are findings, not crashes', async () => {
    const i = indexOfType(lines, 'NodeRegistered', 1);
    const garbage = await audit(withLineAt(lines, i, '{"id": "half a line'));
    expect(garbage.code).toBe(1);
    expect(garbage.report.findings[0]).toMatchObject({ kind: 'not-json', line: i + 1, position: i + 1 });
    const j = indexOfType(lines, 'VerifierRegistered', 0);
    const unknown = await audit(resealedFrom(edited(lines, j, (e) => ({ ...e, type: 'VerifierPromoted' })), j));
    expect(unknown.code).toBe(1);
    expect(unknown.report.findings[0]).toMatchObject({ kind: 'unknown-type', position: j + 1, found: 'VerifierPromoted' });
  });
});

describe('cxt import', () => {
  it('re-creates the log byte for byte: export → import → export gives the same file', async () => {
    const copy = join(w.dir, 'copy');
    const imported = await cxt('import', '--in', w.eventsPath, '--data-dir', copy);
    expect(imported).toMatchObject({ code: 0, out: expect.stringContaining(`imported ${lines.length} event(s)`) });
    const again = join(w.dir, 'again.jsonl');
    expect((await cxt('export', '--data-dir', copy, '--out', again)).code).toBe(0);
    expect(readFileSync(again)).toEqual(readFileSync(w.eventsPath));
    const refused = await cxt('import', '--in', w.eventsPath, '--data-dir', copy);
    expect(refused).toMatchObject({ code: 1, err: expect.stringContaining('the store is not empty') });
  });

  it('refuses a file whose chain does not verify, naming the first bad line, and writes nothing', async () => {
    const i = indexOfType(lines, 'StakeDeposited', 1);
    const path = join(w.dir, 'broken.jsonl');
    writeLog(path, edited(lines, i, withData({ amount: '5' })));
    const target = join(w.dir, 'refused');
    const result = await cxt('import', '--in', path, '--data-dir', target);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`line ${i + 1}:`);
    expect(result.err).toContain(`position ${i + 1} was altered`);
    const empty = join(w.dir, 'empty.jsonl');
    expect(await cxt('export', '--data-dir', target, '--out', empty)).toMatchObject({ code: 0, out: expect.stringContaining('exported 0 event(s)') });
    expect(readFileSync(empty, 'utf8')).toBe('');
  });

  it('refuses a line that is not an envelope, naming it', async () => {
    const path = join(w.dir, 'garbled.jsonl');
    writeLog(path, withLineAt(lines, 5, 'not json at all'));
    const result = await cxt('import', '--in', path, '--data-dir', join(w.dir, 'garbled'));
    expect(result).toMatchObject({ code: 1, err: expect.stringContaining('line 6: the line is not JSON') });
  });

  it.runIf(postgresOk)('round-trips through PostgreSQL (DATABASE_URL), byte for byte', async () => {
    const schema = freshSchemaName('audit_import');
    const env = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema };
    try {
      const io = captureIo();
      expect(await createImportCommand({ env }).run(['--in', w.eventsPath], io)).toBe(0);
      const again = join(w.dir, 'from-postgres.jsonl');
      expect(await createExportCommand({ env }).run(['--out', again], io)).toBe(0);
      expect(readFileSync(again)).toEqual(readFileSync(w.eventsPath));
      expect(io.out.join('\n')).toContain('PostgreSQL');
    } finally {
      await dropSchema(schema);
    }
  });
});
