/**
 * `cxt simulate`: Monte Carlo runs of a tokenomics scenario through the domain's own rules
 * (simulations/), spread over worker threads, with a progress bar on a terminal.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { simulate, type SimulateOptions } from '../../../simulations/runner.ts';
import { parseSweep } from '../../../simulations/sweep.ts';
import { InvariantFailure, ScenarioError } from '../../../simulations/errors.ts';
import { BUILTIN_SCENARIOS } from '../../../simulations/builtins.ts';
import { InputError, UsageError, type CliCommand, type CliIo } from '../command.ts';

const USAGE = [
  'cxt simulate --out <dir> [--scenario baseline|bear|boom|<file.json>] [--epochs N] [--runs N] [--seed N]',
  '             [--sweep key=v1,v2 ...] [--workers N]',
  '',
  `  --scenario  built-in (${Object.keys(BUILTIN_SCENARIOS).join(', ')}; default baseline) or a JSON file (may "extends" a built-in)`,
  '  --sweep     Cartesian grid over protocol parameters or scenario fields, e.g. --sweep halfLifeEpochs=730,1461',
  `  --workers   worker threads (default: all ${availableParallelism()} cores; 0 runs in this thread)`,
  '  Writes summary.json, series.csv, quantiles.csv and report.html to --out.',
].join('\n');

const wholeNumber = (name: string, text: string | undefined, min: number): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${text}"`);
  return n;
};

export const parseSimulateArgs = (args: readonly string[]): Omit<SimulateOptions, 'progress' | 'hooksModule'> => {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        scenario: { type: 'string' },
        epochs: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        sweep: { type: 'string', multiple: true },
        workers: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.out) throw new UsageError('--out <dir> is required');
  let sweeps;
  try {
    sweeps = (values.sweep ?? []).map(parseSweep);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const epochs = wholeNumber('epochs', values.epochs, 1);
  const runs = wholeNumber('runs', values.runs, 1);
  return {
    scenario: values.scenario ?? 'baseline',
    outDir: values.out,
    seed: wholeNumber('seed', values.seed, 0) ?? 1,
    ...(epochs !== undefined ? { epochs } : {}),
    ...(runs !== undefined ? { runs } : {}),
    sweeps,
    workers: wholeNumber('workers', values.workers, 0) ?? availableParallelism(),
  };
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
  name: 'simulate',
  summary: 'Run Monte Carlo tokenomics simulations through the domain rules and write a report',
  usage: USAGE,
  async run(args, io) {
    const options = parseSimulateArgs(args);
    const started = performance.now();
    try {
      const progress = progressBar(io);
      const result = await simulate({ ...options, ...(progress ? { progress } : {}), ...(deps.hooksModule ? { hooksModule: deps.hooksModule } : {}) });
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
