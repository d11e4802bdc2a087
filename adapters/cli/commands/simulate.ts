/**
 * `cxt simulate`: Monte Carlo runs of a tokenomics scenario through the domain's own rules
 * (simulations/), spread over worker threads, with a progress bar on a terminal.
 */
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import { simulate, type SimulateOptions } from '../../../simulations/runner.ts';
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
};

export const parseSimulateArgs = (args: readonly string[]): Omit<SimulateOptions, 'progress' | 'hooksModule'> => {
  const values = parseFlags(args, FLAGS);
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
