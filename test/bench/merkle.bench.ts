/**
 * Merkle tree: build + every proof, ours (domain/merkle) against OpenZeppelin's StandardMerkleTree.
 *
 * Each case runs in its own child process (this file, re-entered with `--merkle-case`), so the
 * peak memory is that case's alone (maxRSS from process.resourceUsage) and one case's garbage or
 * JIT state cannot slow the next. Values are made before the clock starts and parsed from JSON,
 * so their strings look like those read from a file.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { BenchContext } from './run.ts';

type Implementation = 'ours' | 'openzeppelin';

interface CaseResult {
  readonly implementation: Implementation;
  readonly leaves: number;
  readonly buildSeconds: number;
  readonly proofsSeconds: number;
  readonly proofHashes: number;
  readonly inputRssMiB: number;
  readonly peakRssMiB: number;
  /** JS heap + external memory (array buffers, wasm memory) still held by the tree, after a full GC. */
  readonly retainedMiB: number;
  /** dumpMerkleTree + merkleTreeHash (what a DistributionCreated needs), ours only; after the peak was read. */
  readonly treeHashSeconds?: number;
}

const CASE_FLAG = '--merkle-case';

/** Deterministic pseudo-random 40-hex-digit strings (xorshift32), so every run builds the same tree. */
const makeValuesJson = (leaves: number): string => {
  let state = 0x2545f491;
  const word = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0).toString(16).padStart(8, '0');
  };
  const address = () => `0x${word()}${word()}${word()}${word()}${word()}`;
  const tokens = [address(), address()];
  const rows: string[] = [];
  let account = address();
  for (let i = 0; i < leaves; i++) {
    // Two tokens per account (CXT and a revenue asset), as a distribution has.
    if (i % 2 === 0) account = address();
    const amount = BigInt(`0x${word()}${word()}${word()}`) % 10n ** 24n;
    rows.push(`{"account":"${account}","token":"${tokens[i % 2]}","amount":"${amount}"}`);
  }
  return `[${rows.join(',')}]`;
};

/** Live JS heap plus external memory (array buffers, wasm memory) after a full collection (the child runs with --expose-gc). */
const liveBytes = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
};

const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);
let keptAlive: unknown;

/** Times build, then every proof; reads memory; then times `afterwards` (outside the peak). */
const measure = <T>(
  implementation: Implementation,
  leaves: number,
  build: () => T,
  proveAll: (tree: T) => number,
  afterwards?: (tree: T) => void,
): CaseResult => {
  const liveBefore = liveBytes();
  const inputRssMiB = mib(process.memoryUsage().rss);
  const started = performance.now();
  const tree = build();
  const built = performance.now();
  const proofHashes = proveAll(tree);
  const proved = performance.now();
  const peakRssMiB = mib(process.resourceUsage().maxRSS * 1024);
  const retainedMiB = mib(liveBytes() - liveBefore);
  keptAlive = tree; // so the collection above cannot free the tree being measured
  const afterStarted = performance.now();
  afterwards?.(tree);
  const treeHashSeconds = afterwards ? (performance.now() - afterStarted) / 1000 : undefined;
  const buildSeconds = (built - started) / 1000;
  const proofsSeconds = (proved - built) / 1000;
  keptAlive = undefined;
  return { implementation, leaves, buildSeconds, proofsSeconds, proofHashes, inputRssMiB, peakRssMiB, retainedMiB, ...(treeHashSeconds === undefined ? {} : { treeHashSeconds }) };
};

const runCase = async (implementation: Implementation, leaves: number): Promise<CaseResult> => {
  const rows = JSON.parse(makeValuesJson(leaves)) as { account: string; token: string; amount: string }[];
  if (implementation === 'ours') {
    const { buildMerkleTree, dumpMerkleTree, merkleTreeHash } = await import('../../domain/merkle/index.ts');
    const values = rows.map((r) => ({ account: r.account, token: r.token, amount: BigInt(r.amount) }));
    rows.length = 0;
    return measure(
      implementation,
      leaves,
      () => buildMerkleTree(values),
      (tree) => {
        let hashes = 0;
        for (let i = 0; i < tree.leafCount; i++) hashes += tree.proof(i).length;
        return hashes;
      },
      (tree) => merkleTreeHash(dumpMerkleTree(tree)),
    );
  }
  const { StandardMerkleTree } = await import('@openzeppelin/merkle-tree');
  const values = rows.map((r) => [r.account, r.token, r.amount]);
  rows.length = 0;
  return measure(
    implementation,
    leaves,
    () => StandardMerkleTree.of(values, ['address', 'address', 'uint256']),
    (tree) => {
      let hashes = 0;
      for (let i = 0; i < values.length; i++) hashes += tree.getProof(i).length;
      return hashes;
    },
  );
};

const inChild = async (implementation: Implementation, leaves: number): Promise<CaseResult> => {
  const self = fileURLToPath(import.meta.url);
  // execArgv carries tsx's loader, so the child runs this TypeScript file the same way.
  const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, '--expose-gc', self, CASE_FLAG, implementation, String(leaves)], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as CaseResult;
};

const row = (r: CaseResult): string =>
  `| ${r.implementation} | ${r.leaves.toLocaleString('en-US')} | ${r.buildSeconds.toFixed(2)} | ${r.proofsSeconds.toFixed(2)} | **${(r.buildSeconds + r.proofsSeconds).toFixed(2)}** | ${r.inputRssMiB} | ${r.peakRssMiB} | ${r.retainedMiB} | ${r.treeHashSeconds?.toFixed(2) ?? '—'} |`;

export default async (ctx: BenchContext): Promise<string> => {
  const cases: [Implementation, number][] = ctx.quick
    ? [['ours', 1_000], ['ours', 10_000], ['openzeppelin', 1_000]]
    : [['ours', 10_000], ['ours', 100_000], ['ours', 1_000_000], ['openzeppelin', 10_000], ['openzeppelin', 100_000]];
  const results: CaseResult[] = [];
  const loadBefore = loadavg()[0]!;
  for (const [implementation, leaves] of cases) {
    ctx.log(`  merkle: ${implementation} ${leaves} leaves…`);
    results.push(await inChild(implementation, leaves));
  }
  const same = (n: number) => new Set(results.filter((r) => r.leaves === n).map((r) => r.proofHashes)).size <= 1;
  return [
    '## Merkle tree: build + every proof (OpenZeppelin StandardMerkleTree layout)',
    '',
    '| implementation | leaves | build (s) | all proofs (s) | total (s) | RSS with input (MiB) | peak RSS (MiB) | held by tree (MiB) | dump + treeHash (s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(row),
    '',
    `Each case in its own process; "RSS with input" is after the values exist, before the clock starts; ` +
      `peak RSS covers build + proofs (the treeHash column is timed after it); "held by tree" is live heap + external memory ` +
      `(array buffers, wasm memory) after a full GC, minus the same before the build. ` +
      `1-min load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after (the machine is shared). ` +
      `Proof sizes agree between implementations: ${results.every((r) => same(r.leaves)) ? 'yes' : 'NO'}.`,
  ].join('\n');
};

if (process.argv[2] === CASE_FLAG && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runCase(process.argv[3] as Implementation, Number(process.argv[4]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
