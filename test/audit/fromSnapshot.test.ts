/**
 * DESIGN §10 — a tail audit: `cxt export --snapshot` writes the newest kept snapshot that verifies
 * against the exported log, and `cxt audit --from-snapshot` starts from it only when the log vouches
 * for it (the EpochClosed after its position records its stateHash and follows its headHash), then
 * audits the events after it. An edited snapshot, a re-hashed forgery, or a log re-sealed under it
 * is a `snapshot-rejected` finding and the whole log is audited instead.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditReport } from '../../adapters/audit/index.ts';
import { canonicalSnapshot, restoreSnapshotParts } from '../../domain/index.ts';
import { buildAuditWorld, cxt, type AuditWorld } from './world.ts';
import { edited, envelopeAt, readLog, resealedFrom, withData, writeLog } from './tamper.ts';

let w: AuditWorld;
let tailLog: string;
let snapshotPath: string;
/** The file's first line, and its parts (the first: the snapshot without its long arrays). */
let snapshot: { position: number; headHash: string; stateHash: string; parts: number };
let parts: string[];
const fileOf = (header: typeof snapshot, body: readonly string[]) => `${[JSON.stringify(header), ...body].join('\n')}\n`;
/** The snapshot's parts with minted raised by one base unit. */
const raisedParts = () => [parts[0]!.replace(/"minted":"(\d+)"/, (_, n: string) => `"minted":"${BigInt(n) + 1n}"`), ...parts.slice(1)];

beforeAll(async () => {
  w = await buildAuditWorld();
  tailLog = join(w.dir, 'tail-events.jsonl');
  snapshotPath = join(w.dir, 'snapshot.json');
  const exported = await cxt('export', '--data-dir', w.dataDir, '--out', tailLog, '--snapshot', snapshotPath);
  expect(exported).toMatchObject({ code: 0, out: expect.stringMatching(/wrote the snapshot at position \d+ \(stateHash 0x[0-9a-f]{64}\)/) });
  const [first, ...rest] = (await readFile(snapshotPath, 'utf8')).split('\n').filter((l) => l !== '');
  snapshot = JSON.parse(first!);
  parts = rest;
}, 120_000);
afterAll(async () => {
  await w?.close();
});

const audit = (events: string, from = snapshotPath) => runAudit({ eventsPath: events, fromSnapshot: from });
const kinds = (r: AuditReport) => r.findings.map((f) => f.kind);
const variant = async (name: string, content: unknown): Promise<string> => {
  const path = join(w.dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('cxt export --snapshot', () => {
  it('writes the snapshot of the newest close in the export, whose hash that close records', async () => {
    const lines = readLog(tailLog);
    const close = envelopeAt(lines, snapshot.position); // line index = position − 1: the line after the snapshot's
    expect(close.type).toBe('EpochClosed');
    expect(close.data.stateHash).toBe(snapshot.stateHash);
    expect(envelopeAt(lines, snapshot.position - 1).hash).toBe(snapshot.headHash);
    const laterCloses = lines.slice(snapshot.position + 1).filter((l) => l.includes('"type":"EpochClosed"'));
    expect(laterCloses).toEqual([]);
    expect(parts).toHaveLength(snapshot.parts);
    expect(canonicalSnapshot(restoreSnapshotParts(parts)).hash).toBe(snapshot.stateHash);
  });

  it('says so, exit 1, when the store keeps no snapshot (a log from before snapshots)', async () => {
    const r = await cxt('export', '--data-dir', join(w.dir, 'no-such'), '--out', join(w.dir, 'x.jsonl'), '--snapshot', join(w.dir, 'x.json'));
    expect(r.code).toBe(1);
    expect((await cxt('export', '--out', 'same', '--snapshot', 'same')).err).toContain('--snapshot must name another file than --out');
  });
});

describe('cxt audit --from-snapshot', () => {
  it('given a snapshot the log vouches for, audits only the events after it, clean', async () => {
    const r = await cxt('audit', '--events', tailLog, '--out', join(w.dir, 'tail-out'), '--from-snapshot', snapshotPath);
    const total = readLog(tailLog).length;
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining(`clean: ${total - snapshot.position} events, 1 epochs`) });
    const report = JSON.parse(await readFile(join(w.dir, 'tail-out', 'audit.json'), 'utf8')) as AuditReport;
    expect(report.source.snapshot).toEqual({ file: snapshotPath, used: true, position: snapshot.position, stateHash: snapshot.stateHash });
    expect(report.chain).toMatchObject({ verified: true, lastPosition: total, headHash: envelopeAt(readLog(tailLog), total - 1).hash });
    expect(report.notes.at(-1)).toContain(`Events up to position ${snapshot.position} were not read`);
    // The same numbers as the full audit of the same log.
    const full = await runAudit({ eventsPath: tailLog });
    expect(report.supply).toEqual(full.supply);
    expect(report.epochs.at(-1)).toEqual(full.epochs.at(-1));
  });

  it('given an edited snapshot (minted raised), reports snapshot-rejected and audits the whole log', async () => {
    const r = await audit(tailLog, await variant('raised.json', fileOf(snapshot, raisedParts())));
    expect(kinds(r)).toEqual(['snapshot-rejected']);
    expect(r.findings[0]!.message).toMatch(/its state hashes to 0x[0-9a-f]{64}, not to the stateHash .* it claims; the whole log is audited from genesis/);
    expect(r.counts.events).toBe(readLog(tailLog).length);
    expect(r.source.snapshot).toEqual({ file: expect.any(String), used: false });
    const truncated = await audit(tailLog, await variant('truncated.json', fileOf(snapshot, parts.slice(0, -1))));
    expect(truncated.findings[0]!.message).toContain(`holds ${parts.length - 1} part(s) where its first line announces ${parts.length}`);
  });

  it('given a forged snapshot re-hashed to match itself, rejects it: the log records another stateHash', async () => {
    const forged = { ...snapshot, stateHash: canonicalSnapshot(restoreSnapshotParts(raisedParts())).hash };
    const r = await audit(tailLog, await variant('forged.json', fileOf(forged, raisedParts())));
    expect(kinds(r)).toEqual(['snapshot-rejected']);
    expect(r.findings[0]!.message).toContain(`records stateHash ${snapshot.stateHash}, the snapshot claims ${forged.stateHash}`);
  });

  it('given the log edited and re-sealed before the snapshot, the snapshot no longer anchors: full audit, which finds the edit', async () => {
    const lines = readLog(tailLog);
    const deposit = lines.findIndex((l) => l.includes('"type":"StakeDeposited"'));
    const forgedLog = await variant('resealed.jsonl', '');
    writeLog(forgedLog, resealedFrom(edited(lines, deposit, withData({ amount: '1' })), deposit));
    const r = await audit(forgedLog);
    expect(r.findings.find((f) => f.kind === 'snapshot-rejected')!.message).toContain(`the log records hash`);
    expect(kinds(r)).toContain('epoch-mismatch'); // the full audit re-derives the closes after the edit
  });

  it('given an event after the snapshot edited, the tail audit finds it', async () => {
    const lines = readLog(tailLog);
    const tampered = await variant('tail-edited.jsonl', '');
    const at = lines.length - 1;
    writeLog(tampered, edited(lines, at, (e) => ({ ...e, recordedAt: '2000-01-01T00:00:00.000Z' })));
    const r = await audit(tampered);
    expect(r.source.snapshot?.used).toBe(true);
    expect(kinds(r)).toContain('chain-altered');
    expect(r.findings.find((f) => f.kind === 'chain-altered')).toMatchObject({ position: lines.length, line: lines.length });
  });

  it('is a usage error with --rpc-url, and exits 2 when the snapshot file is missing', async () => {
    const both = await cxt('audit', '--events', tailLog, '--out', 'o', '--from-snapshot', snapshotPath, '--rpc-url', 'http://127.0.0.1:1', '--distributor', `0x${'11'.repeat(20)}`);
    expect(both).toMatchObject({ code: 2, err: expect.stringContaining('--from-snapshot cannot be combined with --rpc-url') });
    const missing = await cxt('audit', '--events', tailLog, '--out', join(w.dir, 'o'), '--from-snapshot', join(w.dir, 'nope.json'));
    expect(missing).toMatchObject({ code: 2, err: expect.stringContaining('no such file (the audit did not run)') });
  });
});
