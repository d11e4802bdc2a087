/**
 * `cxt simulate`: Monte Carlo runs of a tokenomics scenario through the domain's own rules
 * (simulations/), spread over worker threads, with a progress bar on a terminal.
 */
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import { simulate, type SimulateOptions } from '../../../simulations/runner.ts';
import { compareScenarios } from '../../../simulations/compare.ts';
import { decodeSensitivitySpec, runSensitivity } from '../../../simulations/sensitivity.ts';
import { sensitivityReport } from '../../../simulations/sensitivityReport.ts';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseSweep } from '../../../simulations/sweep.ts';
import { InvariantFailure, ScenarioError } from '../../../simulations/errors.ts';
import { InputError, UsageError, type CliCommand, type CliIo } from '../command.ts';
import { list, parseFlags, requiredText, text, whole } from '../flags.ts';

const FLAGS = {
  out: requiredText('<dir>'),
  scenario: text('<name|file.json>'),
  epochs: whole(1, 100_000),
  runs: whole(1, 100_000),
  seed: whole(0, Number.MAX_SAFE_INTEGER),
  sweep: list(),
  workers: whole(0, 256),
  compare: list(),
  sensitivity: text('<spec.json>'),
};

/** `--compare A B` takes two values: rewritten as `--compare A --compare B` for the one flag parser. */
const spreadCompare = (args: readonly string[]): string[] => {
  const i = args.indexOf('--compare');
  if (i < 0) return [...args];
  const [a, b] = [args[i + 1], args[i + 2]];
  if (a === undefined || b === undefined || a.startsWith('--') || b.startsWith('--')) throw new UsageError('--compare takes two scenarios: --compare A.json B.json');
  return [...args.slice(0, i), '--compare', a, '--compare', b, ...args.slice(i + 3)];
};

export type SimulateArgs = Omit<SimulateOptions, 'progress' | 'hooksModule'> & { readonly compare?: readonly [string, string]; readonly sensitivity?: string };

export const parseSimulateArgs = (args: readonly string[]): SimulateArgs => {
  const values = parseFlags(spreadCompare(args), FLAGS);
  if (values.compare.length > 0 && values.compare.length !== 2) throw new UsageError('--compare takes two scenarios: --compare A.json B.json');
  if (values.compare.length > 0 && (values.scenario !== undefined || values.sweep.length > 0))
    throw new UsageError('--compare names both scenarios itself: leave out --scenario and --sweep');
  if (values.sensitivity !== undefined && (values.scenario !== undefined || values.sweep.length > 0 || values.compare.length > 0))
    throw new UsageError('--sensitivity names its scenario and factors in its spec: leave out --scenario, --sweep and --compare');
  let sweeps;
  try {
    sweeps = values.sweep.map(parseSweep);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { epochs, runs } = values;
  return {
    scenario: values.scenario ?? 'baseline',
    outDir: values.out,
    seed: values.seed ?? 1,
    ...(epochs !== undefined ? { epochs } : {}),
    ...(runs !== undefined ? { runs } : {}),
    sweeps,
    workers: values.workers ?? availableParallelism(),
    ...(values.compare.length === 2 ? { compare: [values.compare[0]!, values.compare[1]!] as const } : {}),
    ...(values.sensitivity !== undefined ? { sensitivity: values.sensitivity } : {}),
  };
};

const runSensitivityCommand = async (options: SimulateArgs & { sensitivity: string }, io: CliIo, progress: SimulateOptions['progress']): Promise<number> => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(options.sensitivity, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read ${options.sensitivity}: ${(error as Error).message}`);
  }
  const spec = decodeSensitivitySpec(json, options.sensitivity);
  mkdirSync(options.outDir, { recursive: true });
  const result = await runSensitivity({
    spec,
    source: options.sensitivity,
    outDir: options.outDir,
    seed: options.seed,
    workers: options.workers,
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    ...(options.runs !== undefined ? { runs: options.runs } : {}),
    ...(progress ? { progress } : {}),
  });
  const files = { json: join(options.outDir, 'sensitivity.json'), html: join(options.outDir, 'sensitivity.html') };
  writeFileSync(files.json, `${JSON.stringify({ tool: 'cxt simulate --sensitivity', spec, seed: options.seed, ...result }, null, 2)}\n`);
  writeFileSync(files.html, sensitivityReport(result, { source: options.sensitivity, seed: options.seed }));
  io.stdout(
    [
      `Screened ${spec.factors.length} factor(s) on ${spec.outputs.length} output(s): ${result.evaluations} points × ${result.runs} run(s) × ${result.epochs} epochs.`,
      ...result.outputs.map((o) => `  ${o.output}: ${[...o.factors].sort((a, b) => a.rank - b.rank).map((f) => `${f.factor} (μ* ${fixed(f.muStar)})`).join(' > ')}`),
      `  ${files.json}`,
      `  ${files.html}`,
    ].join('\n'),
  );
  return 0;
};

const fixed = (x: number): string => (Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(3) : x.toPrecision(3));

const runComparison = async (options: SimulateArgs & { compare: readonly [string, string] }, io: CliIo, progress: SimulateOptions['progress']): Promise<number> => {
  const { compare, scenario: _scenario, sweeps: _sweeps, sensitivity: _sensitivity, ...common } = options;
  const result = await compareScenarios({ ...common, a: compare[0], b: compare[1], ...(progress ? { progress } : {}) });
  const rows = result.rows.map((r) => [r.output, fixed(r.meanA), fixed(r.meanB), fixed(r.meanDifference), r.ci95 ? `[${fixed(r.ci95[0])}, ${fixed(r.ci95[1])}]` : '—']);
  const header = ['output', 'mean A', 'mean B', 'B − A', '95 % CI'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  io.stdout(
    [
      `Compared ${compare[0]} (A) with ${compare[1]} (B), run by run on the same random streams (${rows.length > 0 ? result.rows[0]!.pairs : 0} pairs):`,
      line(header),
      ...rows.map(line),
      `  ${result.files.json}`,
      `  ${result.files.csv}`,
      `  ${result.files.a}/ and ${result.files.b}/ (each side's full output)`,
    ].join('\n'),
  );
  return 0;
};

const progressBar = (io: CliIo): SimulateOptions['progress'] => {
  if (!io.isTty) return undefined;
  const bar = new cliProgress.SingleBar(
    { format: 'simulate [{bar}] {percentage}% | {value}/{total} epochs | ETA {eta_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  return { start: (total) => bar.start(total, 0), advance: (n) => bar.increment(n), stop: () => bar.stop() };
};

export interface SimulateCommandDeps {
  /** Fault injection for tests: a module whose default export is RunHooks. */
  readonly hooksModule?: string;
}

export const createSimulateCommand = (deps: SimulateCommandDeps = {}): CliCommand => ({
  async run(args, io) {
    const options = parseSimulateArgs(args);
    const started = performance.now();
    try {
      const progress = progressBar(io);
      if (options.compare) return await runComparison({ ...options, compare: options.compare }, io, progress);
      if (options.sensitivity !== undefined) return await runSensitivityCommand({ ...options, sensitivity: options.sensitivity }, io, progress);
      const { compare: _compare, sensitivity: _sensitivity, ...simulation } = options;
      const result = await simulate({ ...simulation, ...(progress ? { progress } : {}), ...(deps.hooksModule ? { hooksModule: deps.hooksModule } : {}) });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const runs = result.outcomes.length;
      io.stdout(
        [
          `Simulated ${result.subsets.length} subset(s) × ${runs / result.subsets.length} run(s) × ${result.subsets[0]!.scenario.epochs} epochs in ${seconds} s; every invariant held at every close.`,
          ...Object.values(result.files).map((f) => `  ${f}`),
        ].join('\n'),
      );
      return 0;
    } catch (error) {
      // Anything else (e.g. a command the agents generated and the domain refused) also ends in exit 1 via main.
      if (error instanceof ScenarioError || error instanceof InvariantFailure) throw new InputError(error.message);
      throw error;
    }
  },
});

export const simulateCommand = createSimulateCommand();
