/**
 * Buyers in the simulation (scenario `tasks`): tasks are posted, seated, answered — some nodes fail,
 * some cheat — and settled through the production rules; every close checks task conservation,
 * and the series gain tasks settled, failed fragments, node pay and refunds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../adapters/cli/main.ts';
import { SERIES_COLUMNS } from '../../simulations/metrics.ts';
import { tempDir } from './support.ts';

const scenario = (failureRate: number, cheatRate: number) => ({
  extends: 'baseline',
  name: 'tasks',
  description: 'The baseline network with buyers posting two tasks an epoch.',
  tasks: { perEpoch: 2, fragments: 6, unitsPerFragment: { median: 50, sigma: 0.5 }, redundancy: 3, quorum: 2, deadlineEpochs: 1, budgetPerUnit: 0.2, failureRate, cheatRate },
});

const run = async (failureRate: number, cheatRate: number) => {
  const dir = tempDir('sim-tasks');
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario(failureRate, cheatRate)));
  const err: string[] = [];
  const code = await main(['simulate', '--scenario', file, '--epochs', '30', '--runs', '2', '--seed', '5', '--out', dir, '--workers', '0'], {
    isTty: false,
    stdout: () => undefined,
    stderr: (t) => err.push(t),
  });
  expect(code, err.join('\n')).toBe(0);
  const [header, ...rows] = readFileSync(join(dir, 'series.csv'), 'utf8').trimEnd().split('\n');
  const col = (name: (typeof SERIES_COLUMNS)[number]) => header!.split(',').indexOf(name);
  const total = (name: (typeof SERIES_COLUMNS)[number]) => rows.reduce((n, r) => n + BigInt(r.split(',')[col(name)]!), 0n);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { subsets: Array<{ invariants?: unknown }> } & Record<string, unknown>;
  return { total, summary: JSON.stringify(summary) };
};

describe('cxt simulate with buyers posting tasks', () => {
  it('settles tasks through the rules: node pay and refunds in the series, task conservation checked at every close', async () => {
    const honest = await run(0, 0);
    expect(honest.total('tasksSettled')).toBeGreaterThan(20n);
    expect(honest.total('taskNodePay')).toBeGreaterThan(0n);
    expect(honest.total('taskFragmentsFailed')).toBe(0n);
    expect(honest.summary).toContain('"task-conservation"');
    // Nodes that fail and cheat: fragments reassigned, some failed, their budget refunded.
    const flaky = await run(0.45, 0.2);
    expect(flaky.total('taskFragmentsFailed')).toBeGreaterThan(0n);
    expect(flaky.total('taskRefunds')).toBeGreaterThan(honest.total('taskRefunds'));
    expect(flaky.total('taskNodePay')).toBeLessThan(honest.total('taskNodePay'));
  });
});
