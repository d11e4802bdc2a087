/**
 * DESIGN §7 — `cxt merkle build` and `cxt merkle proof`, driven through `main` with a captured io
 * and temp directories, and once through the real package bin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../adapters/cli/main.ts';
import { writeFileAtomically } from '../../adapters/cli/commands/merkle.ts';
import type { LeafValue } from '../../domain/merkle/index.ts';
import { address, ENCODING, ozTreeOf, StandardMerkleTree } from './support.ts';

const CXT = address(0xc7);
const WBNB = address(0xbb);
const CHECKSUMMED = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const values: LeafValue[] = [
  { account: CHECKSUMMED.toLowerCase(), token: CXT, amount: 10n ** 21n },
  { account: CHECKSUMMED.toLowerCase(), token: WBNB, amount: 0n },
  ...Array.from({ length: 20 }, (_, i) => ({ account: address(0x1000 + i), token: i % 2 ? CXT : WBNB, amount: BigInt(i) * 12345n })),
];
const csvOf = (rows: readonly LeafValue[]) => ['amount,account,token', ...rows.map((v) => `${v.amount},${v.account},${v.token}`)].join('\n');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxt-merkle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cxt = async (...argv: string[]) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t), isTty: false });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
};

/** A fresh directory holding one input file, so "no output was written" is checkable. */
const given = async (name: string, content: string) => {
  const sub = await mkdtemp(join(dir, 'case-'));
  const input = join(sub, name);
  await writeFile(input, content);
  return { sub, input, out: join(sub, 'tree.json') };
};

describe('cxt merkle build', () => {
  it('given a CSV, when built, then writes the OpenZeppelin dump and prints root and leaf count', async () => {
    const { input, out } = await given('values.csv', csvOf(values));
    const result = await cxt('merkle', 'build', '--in', input, '--out', out);
    const oz = ozTreeOf(values);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`root ${oz.root}`);
    expect(result.stdout).toContain(`leaves ${values.length}`);
    expect(await readFile(out, 'utf8')).toBe(JSON.stringify(oz.dump()));
    expect(StandardMerkleTree.load(JSON.parse(await readFile(out, 'utf8'))).root).toBe(oz.root);
  });

  it('given JSON with checksummed addresses, when built, then equals OpenZeppelin over the lowercase values', async () => {
    const json = JSON.stringify(values.map((v) => ({ account: v.account === CHECKSUMMED.toLowerCase() ? CHECKSUMMED : v.account, token: v.token, amount: v.amount.toString() })));
    const { input, out } = await given('values.json', json);
    expect((await cxt('merkle', 'build', '--in', input, '--out', out)).code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(JSON.stringify(ozTreeOf(values).dump()));
  });

  const header = 'account,token,amount';
  const A = address(0xa);
  it.each([
    ['a malformed address', 'values.csv', `${header}\n${A},${CXT},1\n0xabc,${CXT},1\n`, /line 3, account: /],
    ['a negative amount', 'values.csv', `${header}\n${A},${CXT},-5\n`, /line 2, amount: /],
    ['a fractional amount', 'values.csv', `${header}\n${A},${CXT},0.5\n`, /line 2, amount: /],
    ['an amount over 2^256 - 1', 'values.csv', `${header}\n${A},${CXT},${1n << 256n}\n`, /line 2, amount: exceeds/],
    ['a repeated pair', 'values.csv', `${header}\n${A},${CXT},1\n${A.toUpperCase().replace('0X', '0x')},${CXT},2\n`, /line 3: .*repeats line 2/],
    ['a missing column', 'values.csv', `account,amount\n${A},1\n`, /line 1: the header has no "token" column/],
    ['a missing field', 'values.csv', `${header}\n${A},${CXT}\n`, /line 2, amount: is missing/],
    ['an empty file', 'values.csv', '', /is empty/],
    ['a bad JSON entry', 'values.json', JSON.stringify([{ account: A, token: CXT, amount: '1' }, { account: A, token: 'x', amount: '1' }]), /entry \[1\], token: /],
  ])('given %s, when built, then exits 1 naming the place and writes nothing', async (_, name, content, message) => {
    const { sub, input, out } = await given(name, content);
    const result = await cxt('merkle', 'build', '--in', input, '--out', out);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^cxt merkle build: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n')).toHaveLength(1);
    expect(await readdir(sub)).toEqual([name]);
  });

  it('given a dump that fails midway, then leaves neither the file nor a temporary one', async () => {
    const sub = await mkdtemp(join(dir, 'case-'));
    function* failing(): Generator<Uint8Array> {
      yield new Uint8Array(1 << 20).fill(0x20);
      yield new Uint8Array(1 << 20).fill(0x20);
      throw new Error('the dump broke');
    }
    await expect(writeFileAtomically(join(sub, 'tree.json'), failing())).rejects.toThrow('the dump broke');
    expect(await readdir(sub)).toEqual([]);
  });

  it('given a missing input file, then exits 1 naming it', async () => {
    const result = await cxt('merkle', 'build', '--in', join(dir, 'nope.csv'), '--out', join(dir, 'x.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nope.csv: no such file');
  });

  it('given missing or unknown options, then exits 2 with the usage', async () => {
    for (const argv of [['--in', 'a.csv'], ['--out', 'a.json'], ['--in', 'a.csv', '--out', 'b.json', '--fast'], ['--in']]) {
      const result = await cxt('merkle', 'build', ...argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Usage: cxt merkle build --in');
    }
  });
});

describe('cxt merkle proof', () => {
  let tree: string;
  beforeAll(async () => {
    const { input, out } = await given('values.csv', csvOf(values));
    expect((await cxt('merkle', 'build', '--in', input, '--out', out)).code).toBe(0);
    tree = out;
  });

  it('given a built tree, when asked for a checksummed account, then prints a proof OpenZeppelin verifies', async () => {
    const result = await cxt('merkle', 'proof', '--tree', tree, '--account', CHECKSUMMED, '--token', CXT);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const printed = JSON.parse(result.stdout) as { value: [string, string, string]; proof: string[] };
    expect(printed.value).toEqual([CHECKSUMMED.toLowerCase(), CXT, (10n ** 21n).toString()]);
    const root = ozTreeOf(values).root;
    expect(StandardMerkleTree.verify(root, ENCODING, printed.value, printed.proof)).toBe(true);
    expect(printed.proof).toEqual(ozTreeOf(values).getProof(printed.value));
  });

  it('given an unknown (account, token), then exits 1 with a sentence naming both', async () => {
    const result = await cxt('merkle', 'proof', '--tree', tree, '--account', address(0x1000), '--token', CXT);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`cxt merkle proof: ${tree} has no leaf for account ${address(0x1000)} with token ${CXT}`);
  });

  it('given a malformed address, a tampered tree or missing options, then exits 1, 1 and 2', async () => {
    expect((await cxt('merkle', 'proof', '--tree', tree, '--account', '0x12', '--token', CXT)).stderr).toMatch(/--account 0x12 must be a 0x-prefixed/);
    const dump = JSON.parse(await readFile(tree, 'utf8'));
    dump.tree[3] = `0x${'00'.repeat(32)}`;
    const tampered = join(dir, 'tampered.json');
    await writeFile(tampered, JSON.stringify(dump));
    const bad = await cxt('merkle', 'proof', '--tree', tampered, '--account', CHECKSUMMED, '--token', CXT);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/is not a valid standard-v1 Merkle tree dump: tree\[3\]/);
    expect((await cxt('merkle', 'proof', '--tree', tree, '--account', CHECKSUMMED)).code).toBe(2);
  });
});

describe('the cxt bin', () => {
  it('runs `npx cxt merkle build` end to end', async () => {
    const { input, out } = await given('values.csv', csvOf(values));
    const { stdout } = await promisify(execFile)('npx', ['cxt', 'merkle', 'build', '--in', input, '--out', out], { cwd: join(import.meta.dirname, '../..') });
    expect(stdout).toContain(`root ${ozTreeOf(values).root}`);
    expect(await readFile(out, 'utf8')).toBe(JSON.stringify(ozTreeOf(values).dump()));
  });
});
