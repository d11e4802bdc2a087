/**
 * Flags in our own words, through the real bin: every command refuses unknown flags, missing
 * values and bad numbers with one sentence naming the flag and the value, exit 2 — never Node's
 * parser wording — and the exit codes follow one convention: 0 ok, 1 refused input, 2 usage.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertDistIsCurrent, cxt, firstLine } from './support.ts';

const ADDRESS = `0x${'ab'.repeat(20)}`;
const SAFE = '9007199254740991';

let dir: string;
beforeAll(async () => {
  assertDistIsCurrent();
  dir = await mkdtemp(join(tmpdir(), 'cxt-flags-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What Node's util.parseArgs says; an operator must never read it. */
const NODE_WORDING = /Option '|argument is ambiguous|Unknown option|ERR_PARSE_ARGS|TypeError/;

const refused = async (args: string[], sentence: string) => {
  const r = await cxt(args);
  expect(r.code).toBe(2);
  expect(firstLine(r.stderr)).toBe(sentence);
  expect(r.stderr).not.toMatch(NODE_WORDING);
  expect(r.stdout).toBe('');
};

describe('number flags', () => {
  const neverWritten = join(tmpdir(), `cxt-flags-never-written-${process.pid}`);
  const simulate = (flag: string, value: string) => ['simulate', '--out', neverWritten, `--${flag}`, value];
  it.each([
    [simulate('epochs', '-5'), 'cxt simulate: --epochs must be a whole number from 1 to 100000 (got "-5")'],
    [simulate('epochs', '1.5'), 'cxt simulate: --epochs must be a whole number from 1 to 100000 (got "1.5")'],
    [simulate('epochs', '1e3'), 'cxt simulate: --epochs must be a whole number from 1 to 100000 (got "1e3")'],
    [simulate('epochs', '100001'), 'cxt simulate: --epochs must be a whole number from 1 to 100000 (got "100001")'],
    [simulate('runs', '0x10'), 'cxt simulate: --runs must be a whole number from 1 to 100000 (got "0x10")'],
    [simulate('runs', '0'), 'cxt simulate: --runs must be a whole number from 1 to 100000 (got "0")'],
    [simulate('seed', '9007199254740992'), `cxt simulate: --seed must be a whole number from 0 to ${SAFE} (got "9007199254740992")`],
    [simulate('seed', ' 7'), `cxt simulate: --seed must be a whole number from 0 to ${SAFE} (got " 7")`],
    [simulate('workers', '257'), 'cxt simulate: --workers must be a whole number from 0 to 256 (got "257")'],
    [['serve', '--port', '70000'], 'cxt serve: --port must be a whole number from 0 to 65535 (got "70000")'],
    [['serve', '--port=-1'], 'cxt serve: --port must be a whole number from 0 to 65535 (got "-1")'],
    [['serve', '--port', '80.0'], 'cxt serve: --port must be a whole number from 0 to 65535 (got "80.0")'],
    [
      ['audit', '--events', 'e.jsonl', '--out', 'o', '--rpc-url', 'http://127.0.0.1:1', '--distributor', ADDRESS, '--from-block', '99999999999999999999'],
      `cxt audit: --from-block must be a whole number from 0 to ${SAFE} (got "99999999999999999999")`,
    ],
    [['audit', '--events', 'e.jsonl', '--out', 'o', '--from-block', '-1'], `cxt audit: --from-block must be a whole number from 0 to ${SAFE} (got "-1")`],
  ])('%j: exit 2, one sentence naming the flag and the value', async (args, sentence) => {
    await refused(args, sentence);
    expect(existsSync(neverWritten)).toBe(false);
  });
});

describe('unknown flags, missing and repeated values, stray arguments', () => {
  it.each([
    [['merkle', 'build', '--in', 'a.csv', '--out', 'b.json', '--fast'], 'cxt merkle build: --fast is not an option of this command (its options are --in, --out)'],
    [['merkle', 'proof', '--tree', 't.json', '--account'], 'cxt merkle proof: --account needs a value'],
    [['merkle', 'build', '--in', '--out', 'b.json'], 'cxt merkle build: --in needs a value'],
    [['merkle', 'build', '--in=', '--out', 'b.json'], 'cxt merkle build: --in needs a value'],
    [['export', '--out', 'a.jsonl', '--out', 'b.jsonl'], 'cxt export: --out is given twice ("a.jsonl" and "b.jsonl")'],
    [['import', 'events.jsonl'], 'cxt import: unexpected argument "events.jsonl": every value follows its --option'],
    [['import', '-i', 'events.jsonl'], 'cxt import: -i is not an option of this command (its options are --in, --data-dir)'],
    [['audit', '--events', 'e.jsonl', '--out', 'o', '--verbose'], 'cxt audit: --verbose is not an option of this command (its options are --events, --out, --rpc-url, --distributor, --from-block, --to-block, --from-snapshot)'],
    [['serve', '--data-dir'], 'cxt serve: --data-dir needs a value'],
    [['simulate', '--epochs', '10'], 'cxt simulate: --out <dir> is required'],
  ])('%j: exit 2', async (args, sentence) => {
    await refused(args, sentence);
  });
});

describe('exit codes: 0 ok, 1 refused input, 2 usage', () => {
  const csv = (rows: string[]) => ['account,token,amount', ...rows].join('\n');

  it('0: a merkle build that succeeds, and the proof of one of its leaves', async () => {
    const input = join(dir, 'ok.csv');
    await writeFile(input, csv([`${ADDRESS},${ADDRESS.replace('ab', 'cd')},5`]));
    expect(await cxt(['merkle', 'build', '--in', input, '--out', join(dir, 'ok.json')])).toMatchObject({ code: 0, stderr: '' });
    const proof = await cxt(['merkle', 'proof', '--tree', join(dir, 'ok.json'), '--account', ADDRESS, '--token', ADDRESS.replace('ab', 'cd')]);
    expect(proof).toMatchObject({ code: 0, stderr: '' });
  });

  it('1: a file that does not parse, a missing file, a value the rules refuse', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, csv(['0x12,0x34,5']));
    const parse = await cxt(['merkle', 'build', '--in', bad, '--out', join(dir, 'bad.json')]);
    expect(parse).toMatchObject({ code: 1, stderr: expect.stringMatching(/^cxt merkle build: .*bad\.csv line 2, account: /) });
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
    expect((await cxt(['import', '--in', join(dir, 'nope.jsonl'), '--data-dir', join(dir, 'store')])).code).toBe(1);
    expect((await cxt(['simulate', '--scenario', 'nope', '--out', join(dir, 'sim')])).code).toBe(1);
  });

  it('2: a malformed address flag is a malformed flag value, like a malformed number', async () => {
    const r = await cxt(['merkle', 'proof', '--tree', join(dir, 'ok.json'), '--account', '0x12', '--token', ADDRESS]);
    expect(r.code).toBe(2);
    expect(firstLine(r.stderr)).toMatch(/^cxt merkle proof: --account 0x12 must be a 0x-prefixed/);
  });
});
