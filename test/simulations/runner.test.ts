/**
 * The runner end to end: output files, determinism across repeated runs and across worker and
 * in-process modes, sweeps as subsets, and the failure path of an invariant.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulateCommand } from '../../adapters/cli/commands/simulate.ts';
import { InputError, type CliIo } from '../../adapters/cli/command.ts';
import { main } from '../../adapters/cli/main.ts';
import { simulate } from '../../simulations/runner.ts';
import { parseSweep } from '../../simulations/sweep.ts';
import { InvariantFailure } from '../../simulations/errors.ts';
import { SERIES_COLUMNS } from '../../simulations/metrics.ts';
import { tempDir } from './support.ts';

const FAULTY_HOOKS = new URL('./fixtures/faultyHooks.ts', import.meta.url).href;
const FILES = ['summary.json', 'series.csv', 'quantiles.csv'] as const;

const capture = (): CliIo & { out: string[]; err: string[] } => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, isTty: false, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
};

const bytes = (dir: string) => Object.fromEntries(FILES.map((f) => [f, readFileSync(join(dir, f))]));

describe('cxt simulate', () => {
  it('the same command writes byte-identical summary.json, series.csv and quantiles.csv, with workers or in-process', async () => {
    const dirs = [tempDir('sim-a'), tempDir('sim-b'), tempDir('sim-c')];
    const args = (dir: string, workers: number, seed = 7) =>
      ['simulate', '--scenario', 'bear', '--epochs', '40', '--runs', '3', '--seed', String(seed), '--out', dir, '--workers', String(workers)];
    const io = capture();
    expect(await main(args(dirs[0]!, 2), io)).toBe(0);
    expect(await main(args(dirs[1]!, 2), io)).toBe(0);
    expect(await main(args(dirs[2]!, 0), io)).toBe(0);
    expect(io.err).toEqual([]);
    const [a, b, c] = dirs.map(bytes);
    for (const f of FILES) {
      expect(a![f]!.equals(b![f]!), `${f} differs between two identical commands`).toBe(true);
      expect(a![f]!.equals(c![f]!), `${f} differs between worker threads and in-process`).toBe(true);
    }
    const series = a!['series.csv']!.toString().trimEnd().split('\n');
    expect(series[0]).toBe(SERIES_COLUMNS.join(','));
    expect(series).toHaveLength(1 + 3 * 40);
    // Rows are in (subset, run, epoch) order whatever order the runs finished in.
    expect(series.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(
      Array.from({ length: 120 }, (_, i) => `0,${Math.floor(i / 40)},${i % 40}`),
    );
    const other = tempDir('sim-d');
    expect(await main(args(other, 2, 8), io)).toBe(0);
    expect(bytes(other)['series.csv']!.equals(a!['series.csv']!)).toBe(false);
  });

  it('a sweep yields one subset per grid point in summary.json and quantiles.csv', async () => {
    const dir = tempDir('sim-sweep');
    const result = await simulate({
      scenario: 'baseline',
      outDir: dir,
      seed: 3,
      epochs: 12,
      runs: 2,
      sweeps: [parseSweep('halfLifeEpochs=730,1461'), parseSweep('stakerShareBps=3000,5000')],
      workers: 2,
    });
    expect(result.subsets).toHaveLength(4);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.subsets.map((s: { label: string }) => s.label)).toEqual([
      'halfLifeEpochs=730 stakerShareBps=3000',
      'halfLifeEpochs=730 stakerShareBps=5000',
      'halfLifeEpochs=1461 stakerShareBps=3000',
      'halfLifeEpochs=1461 stakerShareBps=5000',
    ]);
    expect(summary.subsets.map((s: { params: { halfLifeEpochs: number; stakerShareBps: number; maxSupply: string } }) => [s.params.halfLifeEpochs, s.params.stakerShareBps, s.params.maxSupply])).toEqual([
      [730, 3000, '1000000000000000000000000000'],
      [730, 5000, '1000000000000000000000000000'],
      [1461, 3000, '1000000000000000000000000000'],
      [1461, 5000, '1000000000000000000000000000'],
    ]);
    for (const s of summary.subsets) {
      expect(s.runs).toHaveLength(2);
      for (const r of s.runs) for (const t of r.invariants) expect(t).toMatchObject({ checks: 12, violations: 0, result: 'pass' });
    }
    const quantileSubsets = new Set(readFileSync(join(dir, 'quantiles.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',')[0]));
    expect([...quantileSubsets]).toEqual(['0', '1', '2', '3']);
    // A shorter half-life emits faster.
    const budget0 = (i: number) => BigInt(readFileSync(join(dir, 'series.csv'), 'utf8').split('\n').find((l) => l.startsWith(`${i},0,0,`))!.split(',')[3]!);
    expect(budget0(0)).toBeGreaterThan(budget0(2));
  });

  it.each([0, 2])('an invariant failure stops everything and names subset, run, epoch and invariant (workers: %i)', async (workers) => {
    const dir = tempDir('sim-fault');
    const command = createSimulateCommand({ hooksModule: FAULTY_HOOKS });
    const run = command.run(['--epochs', '10', '--runs', '3', '--out', dir, '--workers', String(workers)], capture());
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(/invariant burned-le-minted failed in subset 0 \(baseline\), run 1, epoch 3: burned \d+ exceeds minted \d+/);
    const failure = await simulate({ scenario: 'baseline', outDir: dir, seed: 1, epochs: 10, runs: 3, workers, hooksModule: FAULTY_HOOKS }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InvariantFailure);
    expect((failure as InvariantFailure).location).toEqual({ subset: 0, subsetLabel: 'baseline', run: 1, epoch: 3 });
    expect((failure as InvariantFailure).invariant).toBe('burned-le-minted');
  });

  it('bad input exits 1 (scenario) or 2 (usage) with one sentence on stderr', async () => {
    const io = capture();
    expect(await main(['simulate', '--scenario', 'nope', '--out', tempDir('sim-bad')], io)).toBe(1);
    expect(io.err.join('')).toMatch(/^cxt simulate: scenario "nope" is neither a built-in/);
    expect(await main(['simulate', '--epochs', '10'], io)).toBe(2);
    expect(await main(['simulate', '--out', 'x', '--sweep', 'halfLifeEpochs'], io)).toBe(2);
    expect(await main(['simulate', '--out', 'x', '--runs', '0'], io)).toBe(2);
  });
});
