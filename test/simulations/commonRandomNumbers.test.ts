/**
 * Common random numbers (issue 14): every subset of a sweep and both sides of a comparison draw the
 * same streams in run r, one stream per concern — so a parameter that does not touch prices leaves
 * the price path exactly as it was, and a scenario compared with itself differs by exactly zero.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../adapters/cli/main.ts';
import type { CliIo } from '../../adapters/cli/command.ts';
import { compareScenarios } from '../../simulations/compare.ts';
import { SERIES_COLUMNS } from '../../simulations/metrics.ts';
import { simulate } from '../../simulations/runner.ts';
import { parseSweep } from '../../simulations/sweep.ts';
import { tempDir } from './support.ts';

const column = (dir: string, name: string) => {
  const at = SERIES_COLUMNS.indexOf(name as (typeof SERIES_COLUMNS)[number]);
  const rows = readFileSync(join(dir, 'series.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(','));
  /** subset → "run/epoch" → value */
  const bySubset = new Map<string, Map<string, string>>();
  for (const r of rows) {
    if (!bySubset.has(r[0]!)) bySubset.set(r[0]!, new Map());
    bySubset.get(r[0]!)!.set(`${r[1]}/${r[2]}`, r[at]!);
  }
  return bySubset;
};

describe('common random numbers', () => {
  it('two subsets that differ only in network churn have identical price paths, run by run, and different networks', async () => {
    const dir = tempDir('crn-sweep');
    await simulate({ scenario: 'baseline', outDir: dir, seed: 11, epochs: 30, runs: 3, sweeps: [parseSweep('network.churnPerEpoch=0.001,0.05')], workers: 2 });
    const prices = column(dir, 'price');
    expect(prices.size).toBe(2);
    expect([...prices.get('1')!]).toEqual([...prices.get('0')!]);
    // The price moves (so the equality is not of constants) and runs differ from each other.
    expect(new Set(prices.get('0')!.values()).size).toBeGreaterThan(30);
    const nodes = column(dir, 'nodes');
    expect([...nodes.get('1')!]).not.toEqual([...nodes.get('0')!]);
  });

  it('--compare of a scenario with itself reports zero differences in every output', async () => {
    const dir = tempDir('crn-self');
    const result = await compareScenarios({ a: 'bear', b: 'bear', outDir: dir, seed: 5, epochs: 20, runs: 3, workers: 2 });
    expect(result.rows.length).toBeGreaterThan(8);
    for (const row of result.rows) {
      expect(row.meanDifference, row.output).toBe(0);
      expect(row.ci95, row.output).toEqual([0, 0]);
      expect(row.pairs).toBe(3);
    }
    const json = JSON.parse(readFileSync(result.files.json, 'utf8'));
    expect(json).toMatchObject({ a: 'bear', b: 'bear', runs: 3, epochs: 20 });
  });

  it('cxt simulate --compare A B: paired differences with confidence intervals, on the command line', async () => {
    const dir = tempDir('crn-cli');
    const variant = join(dir, 'more-stakers.json');
    writeFileSync(variant, JSON.stringify({ extends: 'baseline', name: 'more stakers', staking: { baseRatio: 0.6 } }));
    const out: string[] = [];
    const io: CliIo = { isTty: false, stdout: (t) => out.push(t), stderr: (t) => out.push(t) };
    expect(await main(['simulate', '--compare', 'baseline', variant, '--epochs', '400', '--runs', '4', '--seed', '2', '--workers', '2', '--out', dir], io)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^Compared baseline \(A\) with .*more-stakers\.json \(B\), run by run on the same random streams \(4 pairs\):/);
    const ratio = text.split('\n').find((l) => l.startsWith('stakingRatioYear1'))!;
    // A higher target ratio stakes more, in every pair: the interval lies above zero.
    const [low, high] = /\[(-?[\d.e+-]+), (-?[\d.e+-]+)\]/.exec(ratio)!.slice(1).map(Number);
    expect(low).toBeGreaterThan(0);
    expect(high).toBeGreaterThan(low!);
    const csv = readFileSync(join(dir, 'comparison.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('output,meanA,meanB,meanDifference,ci95Low,ci95High,pairs');
    expect(await main(['simulate', '--compare', 'baseline', '--out', dir], io)).toBe(2);
  });
});
