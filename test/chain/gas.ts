/**
 * Gas of the distributor's hot paths on the in-process EVM, beside the published figures of
 * Morpho's Universal Rewards Distributor and Uniswap's MerkleDistributor.
 *
 *   npx tsx test/chain/gas.ts           prints the Markdown table
 *   npm run bench -- gas                the same through test/bench/gas.bench.ts
 *
 * Conditions, chosen to be the expensive realistic case: every claim pays a recipient whose token
 * balance and claimed slot start at zero (first claim) or non-zero (repeat), from a distributor
 * whose balance stays non-zero; amounts have full-width non-zero bytes (calldata is priced by byte).
 * "First" propose/accept is the first root cycle after deployment, "later" every cycle after it
 * (the contract pre-initialises its root slots at deployment so the two cost the same).
 */
import { fileURLToPath } from 'node:url';
import { addressFor, buildTree, claimFrom, dataHashFor, setUpDistributor, TIMELOCK } from './fixture.ts';
import type { Leaf } from './fixture.ts';

export interface GasReport {
  readonly leaves: number;
  readonly proofLength: number;
  readonly firstClaim: bigint;
  readonly repeatClaim: bigint;
  readonly claimMany5: bigint;
  readonly proposeRootFirst: bigint;
  readonly proposeRootNext: bigint;
  readonly acceptRootFirst: bigint;
  readonly acceptRootNext: bigint;
}

/** Published figures the contract has to beat, line by line. */
export const REFERENCE = {
  urd: { firstClaim: 95_356n, repeatClaim: 62_009n, proposeRoot: 95_495n, acceptRoot: 38_736n },
  uniswap: { firstClaim: 94_435n },
} as const;

const amountFor = (i: number, round: number): bigint => 10n ** 18n * BigInt(i + 1) * BigInt(round) + 123_456_789_012_345n;

const leavesFor = (accounts: readonly string[], token: string, round: number): Leaf[] =>
  accounts.map((account, i) => [account, token, amountFor(i, round)]);

/** Runs one full cycle (two roots) on a fresh chain with a tree of `leafCount` leaves. */
export const measureGas = async (leafCount: number): Promise<GasReport> => {
  if (leafCount < 6) throw new RangeError('the gas scenario needs at least 6 leaves');
  const f = await setUpDistributor();
  const d = f.distributor;
  const accounts = Array.from({ length: leafCount }, (_, i) => addressFor(`gas:${leafCount}:${i}`));
  const tree1 = buildTree(leavesFor(accounts, f.cxt, 1));
  const tree2 = buildTree(leavesFor(accounts, f.cxt, 2));
  await f.mint(f.cxt, d.address, amountFor(leafCount, 2) * BigInt(leafCount));

  const proposeRootFirst = (await d.proposeRoot(tree1.root, dataHashFor('gas-1'))).gasUsed;
  await f.chain.increaseTime(TIMELOCK);
  const acceptRootFirst = (await d.acceptRoot()).gasUsed;
  const first = claimFrom(tree1, accounts[0]!, f.cxt);
  const firstClaim = (await d.claim(first)).gasUsed;
  const batch = accounts.slice(1, 6).map((a) => claimFrom(tree1, a, f.cxt));
  const claimMany5 = (await d.claimMany(batch)).gasUsed;

  const proposeRootNext = (await d.proposeRoot(tree2.root, dataHashFor('gas-2'))).gasUsed;
  await f.chain.increaseTime(TIMELOCK);
  const acceptRootNext = (await d.acceptRoot()).gasUsed;
  const repeatClaim = (await d.claim(claimFrom(tree2, accounts[0]!, f.cxt))).gasUsed;

  return {
    leaves: leafCount,
    proofLength: first.proof.length,
    firstClaim,
    repeatClaim,
    claimMany5,
    proposeRootFirst,
    proposeRootNext,
    acceptRootFirst,
    acceptRootNext,
  };
};

const fmt = (gas: bigint): string => gas.toLocaleString('en-US');
const pair = (first: bigint, later: bigint): string => (first === later ? fmt(first) : `${fmt(first)} / ${fmt(later)}`);

/** Markdown table: one Corex column per report, then the reference columns. */
export const gasTable = (reports: readonly GasReport[]): string => {
  const head = reports.map((r) => `Corex, ${r.leaves} leaves (proof ${r.proofLength})`);
  const row = (label: string, pick: (r: GasReport) => string, urd: string, uni: string): string =>
    `| ${label} | ${reports.map(pick).join(' | ')} | ${urd} | ${uni} |`;
  return [
    `| operation | ${head.join(' | ')} | Morpho URD | Uniswap MerkleDistributor |`,
    `|---|${reports.map(() => '---:').join('|')}|---:|---:|`,
    row('claim, first', (r) => fmt(r.firstClaim), fmt(REFERENCE.urd.firstClaim), fmt(REFERENCE.uniswap.firstClaim)),
    row('claim, repeat (next root, same account)', (r) => fmt(r.repeatClaim), fmt(REFERENCE.urd.repeatClaim), '—'),
    row('claimMany of 5 (first claims), total', (r) => fmt(r.claimMany5), '—', '—'),
    row('claimMany of 5, per claim', (r) => fmt(r.claimMany5 / 5n), '—', '—'),
    row('proposeRoot (first / later)', (r) => pair(r.proposeRootFirst, r.proposeRootNext), `${fmt(REFERENCE.urd.proposeRoot)} (submitRoot)`, '—'),
    row('acceptRoot (first / later)', (r) => pair(r.acceptRootFirst, r.acceptRootNext), fmt(REFERENCE.urd.acceptRoot), '—'),
  ].join('\n');
};

/** The sizes the table reports: a small tree and a realistic one. */
export const GAS_TREE_SIZES = [8, 1000] as const;

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const reports: GasReport[] = [];
  for (const size of GAS_TREE_SIZES) reports.push(await measureGas(size));
  console.log(gasTable(reports));
}
