/**
 * The value side of the simulation (issue 14), checked on a run's own series: the staking APR is
 * exactly its real (revenue) plus its inflationary (emission) part, market cap is circulating ×
 * price, revenue against emission value follows from the row's revenue, minted and price, and a
 * scenario without a cost model reports no operator return.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERIES_COLUMNS } from '../../simulations/metrics.ts';
import { simulate } from '../../simulations/runner.ts';
import { tempDir } from './support.ts';

const rowsOf = (dir: string) =>
  readFileSync(join(dir, 'series.csv'), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => Object.fromEntries(l.split(',').map((v, i) => [SERIES_COLUMNS[i]!, v])) as Record<(typeof SERIES_COLUMNS)[number], string>);

const tokens = (wei: string) => Number(BigInt(wei) / 10n ** 9n) / 1e9;
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

describe('value metrics', () => {
  it('APR = real + inflationary yield, market cap = circulating × price, revenue / emission value, operator returns from the cost model', async () => {
    const dir = tempDir('value');
    await simulate({ scenario: 'baseline', outDir: dir, seed: 8, epochs: 60, runs: 2, workers: 2 });
    const rows = rowsOf(dir);
    let checked = 0;
    for (const r of rows) {
      const apr = Number(r.stakingApr);
      if (apr > 0) {
        expect(close(Number(r.realYield) + Number(r.inflationaryYield), apr), `epoch ${r.epoch}`).toBe(true);
        checked++;
      }
      expect(close(Number(r.marketCap), tokens(r.circulating) * Number(r.price))).toBe(true);
      if (BigInt(r.minted) > 0n) expect(close(Number(r.revenueToEmission), tokens(r.revenue) / (tokens(r.minted) * Number(r.price)))).toBe(true);
    }
    expect(checked).toBeGreaterThan(50);
    // The baseline prices hardware: GPU operators earn against a cost, so their return is not 0.
    expect(rows.some((r) => Number(r.operatorReturnGpu) !== 0)).toBe(true);

    const noCost = tempDir('value-none');
    const scenario = join(noCost, 'no-cost.json');
    // The baseline's behaviour as summary.json records it, without the cost model.
    const { value: _value, ...behaviour } = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).subsets[0].behaviour;
    writeFileSync(scenario, JSON.stringify({ ...behaviour, name: 'no cost', description: 'The baseline without hardware costs.', params: {} }));
    await simulate({ scenario, outDir: noCost, seed: 8, epochs: 10, runs: 1, workers: 0 });
    for (const r of rowsOf(noCost)) expect([r.operatorReturn, r.operatorReturnGpu, r.operatorReturnEdge]).toEqual(['0', '0', '0']);
  });
});
