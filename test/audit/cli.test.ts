/**
 * Exit codes and messages of `cxt export`, `cxt import` and `cxt audit` around the happy path:
 * usage errors and audits that cannot run exit 2 (never 1, which means "findings"), store and file
 * problems are one sentence naming the input. Also: progress is reported while the file streams.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../adapters/audit/index.ts';
import { writeSyntheticLog } from '../bench/audit.bench.ts';
import { cxt } from './world.ts';

let dir: string;
let log: string;
let events: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxt-audit-cli-'));
  log = join(dir, 'events.jsonl');
  events = await writeSyntheticLog(log, { nodes: 5, contributionsPerNode: 1, epochs: 6 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cxt audit exit codes', () => {
  it('exits 0 on a clean synthetic log and lists the commands in help', async () => {
    const r = await cxt('audit', '--events', log, '--out', join(dir, 'out'));
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining(`clean: ${events} events, 6 epochs`) });
    expect((await cxt('--help')).out).toMatch(/export[\s\S]*import[\s\S]*audit/);
  });

  it.each([
    [[], '--events <events.jsonl> is required'],
    [['--events', 'x.jsonl'], '--out <dir> is required'],
    [['--events', 'x.jsonl', '--out', 'o', '--rpc-url', 'http://127.0.0.1:1'], '--rpc-url and --distributor go together'],
    [['--events', 'x.jsonl', '--out', 'o', '--rpc-url', 'http://127.0.0.1:1', '--distributor', '0x12'], '--distributor 0x12 must be a 0x-prefixed 20-byte hex address'],
    [['--events', 'x.jsonl', '--out', 'o', '--from-block', '3'], '--from-block applies only with --rpc-url'],
    [['--events', 'x.jsonl', '--out', 'o', '--verbose'], '--verbose is not an option of this command'],
    [['--events', 'x.jsonl', '--out', 'o', '--to-block', '3'], '--to-block applies only with --rpc-url'],
    ...['abc', '1.5', '1e3', '-5', '9007199254740993'].map((value) => [
      ['--events', 'x.jsonl', '--out', 'o', '--rpc-url', 'http://127.0.0.1:1', '--distributor', `0x${'11'.repeat(20)}`, `--to-block=${value}`],
      `--to-block must be a whole number from 0 to 9007199254740991 (got "${value}")`,
    ]),
    [['--events', 'x.jsonl', '--out', 'o', '--rpc-url', 'http://127.0.0.1:1', '--distributor', `0x${'11'.repeat(20)}`, '--from-block', '10', '--to-block', '3'], '--to-block 3 is before --from-block 10'],
  ])('usage error %j: exit 2', async (args, message) => {
    const r = await cxt('audit', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('exits 2, not 1, when the audit cannot run: no such file, no node at the RPC URL', async () => {
    const missing = await cxt('audit', '--events', join(dir, 'nope.jsonl'), '--out', join(dir, 'o'));
    expect(missing).toMatchObject({ code: 2, err: expect.stringContaining('no such file (the audit did not run)') });
    const deadNode = await cxt('audit', '--events', log, '--out', join(dir, 'o'), '--rpc-url', 'http://127.0.0.1:1', '--distributor', `0x${'11'.repeat(20)}`);
    expect(deadNode).toMatchObject({ code: 2, err: expect.stringContaining('does not answer as an Ethereum node') });
  });
});

describe('closes with nothing between them', () => {
  it('audit clean: each stateHash is re-derived on the state the previous close left', async () => {
    const quiet = join(dir, 'quiet.jsonl');
    const count = await writeSyntheticLog(quiet, { nodes: 3, contributionsPerNode: 0, epochs: 4 });
    const r = await runAudit({ eventsPath: quiet });
    expect(r.findings).toEqual([]);
    expect(r.counts).toMatchObject({ events: count, epochs: 4 });
  });
});

describe('cxt export and import input errors', () => {
  it('export refuses a data dir without a store instead of creating one', async () => {
    const r = await cxt('export', '--out', join(dir, 'x.jsonl'), '--data-dir', join(dir, 'no-store'));
    expect(r).toMatchObject({ code: 1, err: expect.stringContaining('there is no event store in') });
  });

  it('import names a missing file, and both need their file option', async () => {
    expect(await cxt('import', '--in', join(dir, 'nope.jsonl'), '--data-dir', join(dir, 'd'))).toMatchObject({ code: 1, err: expect.stringContaining('cannot read') });
    expect((await cxt('import')).code).toBe(2);
    expect((await cxt('export')).code).toBe(2);
  });
});

describe('progress', () => {
  it('reports bytes and events while the file streams, then stops', async () => {
    const calls: string[] = [];
    let lastBytes = 0;
    let lastEvents = 0;
    await runAudit({
      eventsPath: log,
      progress: { start: (total) => calls.push(`start ${total}`), update: (bytes, n) => void ((lastBytes = bytes), (lastEvents = n)), stop: () => calls.push('stop') },
    });
    expect(calls).toEqual([expect.stringMatching(/^start \d+$/), 'stop']);
    expect(`start ${lastBytes}`).toBe(calls[0]);
    expect(lastEvents).toBe(events);
  });
});

describe('hash workers', () => {
  it('find exactly what the main thread alone finds', async () => {
    const { readLog, edited, indexOfType, withData, withoutLine, writeLog } = await import('./tamper.ts');
    const lines = readLog(log);
    const tampered = join(dir, 'tampered.jsonl');
    // A budget and, in a later close, a stateHash: the workers hash each close's state as well.
    const stateHashEdited = edited(lines, indexOfType(lines, 'EpochClosed', 3), withData({ stateHash: `0x${'12'.repeat(32)}` }));
    writeLog(tampered, withoutLine(edited(stateHashEdited, indexOfType(lines, 'EpochClosed', 2), withData({ budget: '7' })), 20));
    const inline = await runAudit({ eventsPath: tampered, hashWorkers: 0 });
    const pooled = await runAudit({ eventsPath: tampered, hashWorkers: 2 });
    expect(pooled.findings).toEqual(inline.findings);
    expect(inline.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['chain-gap', 'chain-altered', 'epoch-mismatch']));
    expect(inline.findings.filter((f) => f.field === 'stateHash' && f.found === `0x${'12'.repeat(32)}`)).toHaveLength(1);
    expect(pooled.counts).toEqual(inline.counts);
    expect(pooled.epochs).toEqual(inline.epochs);
  });
});
