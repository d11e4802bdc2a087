/**
 * CLI startup and whole-process speed, as an operator feels them: every figure is a fresh process
 * spawned from here and timed wall-clock from spawn to exit.
 *
 * - `cxt --help` and `cxt --version` through the package bin (compiled dist/), beside the tsx
 *   fallback the bin uses when dist/ is missing.
 * - `cxt merkle build --in values.csv --out tree.json` of 100,000 leaves beside a plain Node script
 *   doing the same with `@openzeppelin/merkle-tree` (read the CSV, `StandardMerkleTree.of`, write
 *   `JSON.stringify(tree.dump())`). The two alternate run by run, so a busy machine slows both alike;
 *   both outputs are checked to be byte-identical.
 *
 * dist/ is rebuilt first (`node bin/build.mjs`), so the figures are those of the current sources.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './run.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/cxt.mjs');

/** What bin/cxt.mjs does when dist/ is missing. */
const TSX_FALLBACK = `import { register } from 'tsx/esm/api'; register();
const { main } = await import('./adapters/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));`;

/** The OpenZeppelin side, as a user of the library would write `cxt merkle build`. */
const OPENZEPPELIN_BUILD = `import { readFileSync, writeFileSync } from 'node:fs';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
const [input, output] = process.argv.slice(1);
const [header, ...lines] = readFileSync(input, 'utf8').split('\\n').filter((l) => l.trim() !== '');
const at = header.split(',');
const [a, t, n] = ['account', 'token', 'amount'].map((c) => at.indexOf(c));
const values = lines.map((l) => { const f = l.split(','); return [f[a], f[t], f[n]]; });
const tree = StandardMerkleTree.of(values, ['address', 'address', 'uint256']);
writeFileSync(output, JSON.stringify(tree.dump()));
console.log('root ' + tree.root);`;

/** Deterministic pseudo-random values (xorshift32, as merkle.bench.ts), two tokens per account. */
const valuesCsv = (leaves: number): string => {
  let state = 0x2545f491;
  const word = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0).toString(16).padStart(8, '0');
  };
  const address = () => `0x${word()}${word()}${word()}${word()}${word()}`;
  const tokens = [address(), address()];
  const rows = ['account,token,amount'];
  let account = address();
  for (let i = 0; i < leaves; i++) {
    if (i % 2 === 0) account = address();
    rows.push(`${account},${tokens[i % 2]},${BigInt(`0x${word()}${word()}${word()}`) % 10n ** 24n}`);
  }
  return `${rows.join('\n')}\n`;
};

/**
 * CPU seconds (user + system, every thread) of the children this process has waited for, from
 * /proc/self/stat (cutime, cstime; clock ticks, 100 per second on Linux); undefined elsewhere.
 * On a shared machine this moves less than wall time, which counts time spent waiting for a core.
 */
const childCpuSeconds = (): number | undefined => {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
};

/** Wall and CPU seconds of one whole process; a non-zero exit fails the bench. */
const timed = (args: readonly string[]): Promise<{ seconds: number; cpuSeconds: number | undefined }> =>
  new Promise((resolve, reject) => {
    const cpuBefore = childCpuSeconds();
    const started = performance.now();
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 1 << 20 }, (error, _stdout, stderr) => {
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = childCpuSeconds();
      if (error) reject(new Error(`${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve({ seconds, cpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore });
    });
  });

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

type Timing = Awaited<ReturnType<typeof timed>>;

const repeat = async (times: number, args: readonly string[]): Promise<Timing[]> => {
  const runs: Timing[] = [];
  for (let i = 0; i < times; i++) runs.push(await timed(args));
  return runs;
};

const wall = (runs: readonly Timing[]): number[] => runs.map((r) => r.seconds);
const cpu = (runs: readonly Timing[]): number | undefined =>
  runs.every((r) => r.cpuSeconds !== undefined) ? median(runs.map((r) => r.cpuSeconds!)) : undefined;

const ms = (s: number): string => `${Math.round(s * 1000)} ms`;
const range = (xs: readonly number[], f: (s: number) => string): string => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;

export default async (ctx: BenchContext): Promise<string> => {
  const startupRuns = ctx.quick ? 3 : 15;
  const leaves = ctx.quick ? 10_000 : 100_000;
  const buildRuns = ctx.quick ? 1 : 3;
  const loadBefore = loadavg()[0]!;

  ctx.log('  cli: building dist/…');
  const build = await repeat(buildRuns, [join(ROOT, 'bin/build.mjs')]);
  ctx.log(`  cli: startup, ${startupRuns} runs each…`);
  const startup: [string, Timing[]][] = [
    ['`cxt --help` (dist/)', await repeat(startupRuns, [BIN, '--help'])],
    ['`cxt --version` (dist/)', await repeat(startupRuns, [BIN, '--version'])],
    ['`cxt merkle build --help` (dist/)', await repeat(startupRuns, [BIN, 'merkle', 'build', '--help'])],
    ['`cxt --help` (sources through tsx: the fallback)', await repeat(Math.min(startupRuns, 5), ['--input-type=module', '-e', TSX_FALLBACK, '--', '--help'])],
  ];

  const dir = mkdtempSync(join(tmpdir(), 'cxt-cli-bench-'));
  const rows: string[] = [];
  let ratio = 0;
  let cpuRatio: number | undefined;
  try {
    const input = join(dir, 'values.csv');
    writeFileSync(input, valuesCsv(leaves));
    const ours: Timing[] = [];
    const openzeppelin: Timing[] = [];
    const pairs = ctx.quick ? 2 : 5;
    for (let i = 0; i < pairs; i++) {
      ctx.log(`  cli: merkle build of ${leaves} leaves, round ${i + 1}/${pairs}…`);
      ours.push(await timed([BIN, 'merkle', 'build', '--in', input, '--out', join(dir, 'ours.json')]));
      openzeppelin.push(await timed(['--input-type=module', '-e', OPENZEPPELIN_BUILD, '--', input, join(dir, 'oz.json')]));
    }
    const identical = readFileSync(join(dir, 'ours.json'), 'utf8') === readFileSync(join(dir, 'oz.json'), 'utf8');
    if (!identical) throw new Error('cxt merkle build and OpenZeppelin wrote different dumps');
    ratio = median(wall(openzeppelin)) / median(wall(ours));
    const [cpuOurs, cpuOz] = [cpu(ours), cpu(openzeppelin)];
    cpuRatio = cpuOurs !== undefined && cpuOz !== undefined ? cpuOz / cpuOurs : undefined;
    const row = (name: string, runs: readonly Timing[], cpuMedian: number | undefined) =>
      `| ${name} | ${pairs} | **${median(wall(runs)).toFixed(2)} s** | ${range(wall(runs), (s) => s.toFixed(2))} s | ${cpuMedian?.toFixed(2) ?? '—'} s |`;
    rows.push(
      row(`\`cxt merkle build\`, ${leaves.toLocaleString('en-US')} leaves (dist/)`, ours, cpuOurs),
      row('OpenZeppelin `StandardMerkleTree.of` script, same CSV', openzeppelin, cpuOz),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  return [
    '## CLI: startup and whole-process `cxt merkle build`',
    '',
    `Command: \`npm run bench -- cli\`${ctx.quick ? ' (BENCH_QUICK=1)' : ''}. Every figure is a whole \`node\` process, wall clock from spawn to exit.`,
    '',
    '| case | runs | median wall | range | median CPU |',
    '|---|---:|---:|---:|---:|',
    ...[['`node bin/build.mjs` (compile to dist/)', build] as const, ...startup].map(
      ([name, runs]) => `| ${name} | ${runs.length} | **${ms(median(wall(runs)))}** | ${range(wall(runs), ms)} | ${cpu(runs) === undefined ? '—' : ms(cpu(runs)!)} |`,
    ),
    ...rows,
    '',
    `Whole-process merkle build: cxt is **${ratio.toFixed(1)}×** faster than OpenZeppelin's library in wall time` +
      `${cpuRatio === undefined ? '' : ` (${cpuRatio.toFixed(1)}× in CPU time)`} (medians; the two alternate, outputs byte-identical). ` +
      `1-min load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after (the machine is shared).`,
  ].join('\n');
};
