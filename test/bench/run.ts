/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` in turn and prints one Markdown section each,
 * headed by the machine it ran on. `npm run bench -- merkle` runs only the files whose name contains "merkle".
 * BENCH_QUICK=1 shrinks the sizes for a smoke run.
 */
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

export interface BenchContext {
  /** Smaller sizes for a quick smoke run. */
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

export type Bench = (ctx: BenchContext) => Promise<string>;

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .sort();

const ctx: BenchContext = { quick: process.env.BENCH_QUICK === '1', log: (line) => process.stderr.write(`${line}\n`) };
const cpu = cpus()[0];
console.log(`# Benchmarks\n`);
console.log(
  `Machine: ${cpus().length} × ${cpu?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}\n`,
);
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Bench };
  ctx.log(`running ${file}…`);
  console.log(await mod.default(ctx));
  console.log('');
}
