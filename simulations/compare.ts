/**
 * `cxt simulate --compare A B`: both scenarios run with the same seed, so run r of A and run r of B
 * draw the same random streams (common random numbers, prng.ts); each output is compared pair by
 * pair, B − A, with a 95 % confidence interval of the mean difference. A scenario compared with
 * itself differs by exactly zero in every output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUTS } from './outputs.ts';
import { pairedDifference, type PairedDifference } from './pairedStats.ts';
import { simulate, type SimulateOptions } from './runner.ts';
import { ScenarioError } from './errors.ts';

export interface CompareOptions extends Omit<SimulateOptions, 'scenario' | 'outDir' | 'sweeps'> {
  readonly a: string;
  readonly b: string;
  readonly outDir: string;
}

export interface ComparisonRow extends PairedDifference {
  readonly output: string;
  readonly description: string;
}

export interface ComparisonResult {
  readonly rows: readonly ComparisonRow[];
  readonly files: { readonly json: string; readonly csv: string; readonly a: string; readonly b: string };
}

const csvNumber = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '' : String(x));

export const compareScenarios = async (o: CompareOptions): Promise<ComparisonResult> => {
  const { a, b, outDir, ...common } = o;
  const dirs = { a: join(outDir, 'a'), b: join(outDir, 'b') };
  const left = await simulate({ ...common, scenario: a, outDir: dirs.a });
  const right = await simulate({ ...common, scenario: b, outDir: dirs.b });
  const [ra, rb] = [left.subsets[0]!.scenario, right.subsets[0]!.scenario];
  if (ra.runs !== rb.runs || ra.epochs !== rb.epochs)
    throw new ScenarioError(`--compare needs the same runs and epochs on both sides (${ra.runs} × ${ra.epochs} and ${rb.runs} × ${rb.epochs}): set --runs and --epochs`);
  const rows: ComparisonRow[] = OUTPUTS.flatMap((output) => {
    const xs = left.outcomes.map((r) => output.of(r.headline));
    const ys = right.outcomes.map((r) => output.of(r.headline));
    if (xs.some((x) => x === null) || ys.some((y) => y === null)) return [];
    return [{ output: output.name, description: output.description, ...pairedDifference(xs as number[], ys as number[]) }];
  });
  const files = { json: join(outDir, 'comparison.json'), csv: join(outDir, 'comparison.csv'), a: dirs.a, b: dirs.b };
  writeFileSync(files.json, `${JSON.stringify({ tool: 'cxt simulate --compare', a, b, seed: o.seed, runs: ra.runs, epochs: ra.epochs, pairing: 'run r of A with run r of B (common random numbers)', rows }, null, 2)}\n`);
  writeFileSync(
    files.csv,
    ['output,meanA,meanB,meanDifference,ci95Low,ci95High,pairs', ...rows.map((r) => [r.output, r.meanA, r.meanB, r.meanDifference, csvNumber(r.ci95?.[0]), csvNumber(r.ci95?.[1]), r.pairs].join(','))].join('\n') + '\n',
  );
  return { rows, files };
};
