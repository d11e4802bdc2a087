/**
 * `cxt simulate` without the CLI: resolves the scenario and sweep into subsets, runs every (subset,
 * run) across the pool with each run streaming its rows to its own file, then assembles
 * series.csv, quantiles.csv, summary.json and report.html in (subset, run) order.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioJson } from './load.ts';
import { resolveSubsets, type Subset, type SweepAxis } from './sweep.ts';
import { runTasks } from './pool.ts';
import type { RunOutcome } from './run.ts';
import type { RunTask } from './task.ts';
import { writeQuantiles, writeSeries } from './merge.ts';
import { summaryJson } from './summary.ts';
import { simulationReport } from './report.ts';
import { ScenarioError } from './errors.ts';

/** Charts keep at most about this many points per line. */
const CHART_POINTS = 730;

export interface SimulateOptions {
  /** Built-in name or path of a scenario JSON file. */
  readonly scenario: string;
  readonly outDir: string;
  readonly seed: number;
  readonly epochs?: number;
  readonly runs?: number;
  readonly sweeps?: readonly SweepAxis[];
  /** Worker threads; 0 runs in this thread. */
  readonly workers: number;
  /** Module whose default export is RunHooks (tests inject faults through it). */
  readonly hooksModule?: string;
  /** Called once the total is known, then with epochs done as they finish. */
  readonly progress?: { start(totalEpochs: number): void; advance(epochs: number): void; stop(): void };
}

export interface SimulateResult {
  readonly subsets: readonly Subset[];
  readonly outcomes: readonly RunOutcome[];
  readonly files: { readonly summary: string; readonly series: string; readonly quantiles: string; readonly report: string };
}

export const simulate = async (o: SimulateOptions): Promise<SimulateResult> => {
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new ScenarioError(`seed must be a whole number ≥ 0, got ${o.seed}`);
  const sweeps = o.sweeps ?? [];
  const subsets = resolveSubsets(loadScenarioJson(o.scenario), sweeps, {
    source: o.scenario,
    ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
    ...(o.runs !== undefined ? { runs: o.runs } : {}),
  });
  const { runs, epochs } = subsets[0]!.scenario;
  mkdirSync(o.outDir, { recursive: true });
  const tmp = mkdtempSync(join(o.outDir, '.simulate-'));
  const rowsPath = (subset: number, run: number) => join(tmp, `rows-${subset}-${run}.csv`);
  const tasks: RunTask[] = subsets.flatMap((subset) =>
    Array.from({ length: runs }, (_, run) => ({ index: subset.index * runs + run, job: { subset, run, seed: o.seed }, rowsPath: rowsPath(subset.index, run) })),
  );
  const files = {
    summary: join(o.outDir, 'summary.json'),
    series: join(o.outDir, 'series.csv'),
    quantiles: join(o.outDir, 'quantiles.csv'),
    report: join(o.outDir, 'report.html'),
  };
  try {
    o.progress?.start(tasks.length * epochs);
    let outcomes: RunOutcome[];
    try {
      outcomes = await runTasks(tasks, {
        workers: o.workers,
        ...(o.hooksModule ? { hooksModule: o.hooksModule } : {}),
        onProgress: (n) => o.progress?.advance(n),
      });
    } finally {
      o.progress?.stop();
    }
    const merge = {
      subsets: subsets.length,
      runs,
      rowsPath,
      seriesPath: files.series,
      quantilesPath: files.quantiles,
      chartEveryEpochs: Math.max(1, Math.ceil(epochs / CHART_POINTS)),
    };
    writeSeries(merge);
    const quantiles = writeQuantiles(merge);
    writeFileSync(files.summary, summaryJson({ scenarioSource: o.scenario, seed: o.seed, sweeps, subsets, outcomes }));
    writeFileSync(files.report, simulationReport({ scenarioSource: o.scenario, seed: o.seed, subsets, outcomes, quantiles }));
    return { subsets, outcomes, files };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
};
