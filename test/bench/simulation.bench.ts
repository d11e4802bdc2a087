/**
 * Simulation throughput: node-epochs per second for the baseline scenario scaled to 10,000 nodes,
 * through the whole `cxt simulate` pipeline (agents → decide → evolve → invariants → rows on disk →
 * quantiles and report), with one worker thread and with one worker per core.
 *
 * A full 3,650-epoch run at 10,000 nodes is 36.5 million node-epochs (well over half an hour per
 * run on the reference machine, and more memory than a default Node heap: the domain state keeps
 * every contribution, about 150 bytes each), so the bench runs a fixed number of epochs at that size
 * and reports the rate. The cost of an epoch depends on the nodes and reward recipients, not on the
 * epoch number (settlement reads unpaid work and accounts, not history).
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { simulate } from '../../simulations/runner.ts';
import type { BenchContext } from './run.ts';

const NODES = 10_000;

const measure = async (scenario: string, epochs: number, runs: number, workers: number) => {
  const out = mkdtempSync(join(tmpdir(), 'cxt-sim-bench-'));
  try {
    const t0 = performance.now();
    const result = await simulate({ scenario, outDir: out, seed: 1, epochs, runs, workers });
    const seconds = (performance.now() - t0) / 1000;
    const nodeEpochs = result.outcomes.reduce((sum, o) => sum + o.headline.nodeEpochs, 0);
    return { seconds, nodeEpochs, rate: nodeEpochs / seconds };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
};

export default async function simulationBench(ctx: BenchContext): Promise<string> {
  const epochs = ctx.quick ? 5 : 40;
  const cores = availableParallelism();
  const dir = mkdtempSync(join(tmpdir(), 'cxt-sim-scenario-'));
  const scenario = join(dir, 'baseline-10k.json');
  // The baseline's behaviour with its network scaled: 10,000 nodes from the start (the cap keeps it there).
  writeFileSync(scenario, JSON.stringify({ extends: 'baseline', name: 'baseline-10k', network: { initialNodes: NODES, maxNodes: NODES } }));
  try {
    ctx.log(`  baseline at ${NODES} nodes, ${epochs} epochs: 1 run on 1 worker…`);
    const one = await measure(scenario, epochs, 1, 1);
    ctx.log(`  … ${cores} runs on ${cores} workers…`);
    const all = await measure(scenario, epochs, cores, cores);
    const fmt = (n: number) => Math.round(n).toLocaleString('en');
    const fullRunMinutes = (NODES * 3650) / one.rate / 60;
    return [
      '## Tokenomics simulation (`cxt simulate`)',
      '',
      `Command: \`npm run bench -- simulation\`${ctx.quick ? ' (BENCH_QUICK=1)' : ''}. Baseline scenario scaled to ${fmt(NODES)} nodes, ` +
        `${epochs} epochs per run (a fixed slice of the 3,650-epoch horizon; see the bench file), whole pipeline including invariants and output files.`,
      '',
      '| case | runs | node-epochs | wall time | node-epochs/s |',
      '|---|---|---|---|---|',
      `| 1 worker | 1 | ${fmt(one.nodeEpochs)} | ${one.seconds.toFixed(1)} s | ${fmt(one.rate)} |`,
      `| ${cores} workers (all cores) | ${cores} | ${fmt(all.nodeEpochs)} | ${all.seconds.toFixed(1)} s | ${fmt(all.rate)} |`,
      '',
      `At the single-worker rate a full 3,650-epoch run at ${fmt(NODES)} nodes would take about ${Math.round(fullRunMinutes)} minutes, ` +
        `and hold ~${fmt(NODES * 3.65 * 0.95)} thousand contributions (≈ 5 GB) in the domain state: beyond a default Node heap.`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
