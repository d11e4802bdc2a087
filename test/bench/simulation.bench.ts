/**
 * Simulation throughput (issue 14): node-epochs per second per core for the headline case — the
 * baseline scenario at 10,000 nodes over the whole 3,650-epoch horizon, one run on one worker —
 * through the whole `cxt simulate` pipeline (agents → decide → evolve → invariants at every close →
 * rows on disk → quantiles and report). It runs the compiled modules `cxt` runs (dist/, from `npm
 * run build`) when they are there, else the sources through tsx (slower: tsx keeps function names).
 * BENCH_QUICK=1 runs 40 epochs of it instead. The state is bounded by open work (closing the books),
 * so the full horizon fits a default heap.
 */
import { existsSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { simulate as Simulate } from '../../simulations/runner.ts';
import type { BenchContext } from './run.ts';

const NODES = 10_000;
const HORIZON_EPOCHS = 3650;
/** main before issue 14 as its README gave it: 40-epoch slices, on the faster machine of that session. */
const BEFORE = '90,359 (40-epoch slice)';

const DIST_RUNNER = fileURLToPath(new URL('../../dist/simulations/runner.js', import.meta.url));
const loadSimulate = async (): Promise<{ simulate: typeof Simulate; modules: string }> =>
  existsSync(DIST_RUNNER)
    ? { simulate: ((await import(DIST_RUNNER)) as { simulate: typeof Simulate }).simulate, modules: 'dist/ (compiled, as `cxt simulate` runs)' }
    : { simulate: (await import('../../simulations/runner.ts')).simulate, modules: 'the sources through tsx (run `npm run build` for the compiled figure)' };

const measure = async (simulate: typeof Simulate, scenario: string, epochs: number, runs: number, workers: number) => {
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
  // BENCH_SIM_EPOCHS: a slice of the horizon, for a side-by-side run against another checkout.
  const epochs = process.env.BENCH_SIM_EPOCHS ? Number(process.env.BENCH_SIM_EPOCHS) : ctx.quick ? 40 : HORIZON_EPOCHS;
  const { simulate, modules } = await loadSimulate();
  const dir = mkdtempSync(join(tmpdir(), 'cxt-sim-scenario-'));
  const scenario = join(dir, 'baseline-10k.json');
  // The baseline's behaviour with its network scaled: 10,000 nodes from the start (the cap keeps it there).
  writeFileSync(scenario, JSON.stringify({ extends: 'baseline', name: 'baseline-10k', network: { initialNodes: NODES, maxNodes: NODES } }));
  try {
    ctx.log(`  baseline at ${NODES} nodes, ${epochs} epochs: 1 run on 1 worker (${modules})…`);
    const one = await measure(simulate, scenario, epochs, 1, 1);
    const fmt = (n: number) => Math.round(n).toLocaleString('en');
    const headlineSeconds = (NODES * HORIZON_EPOCHS) / one.rate;
    const cores = availableParallelism();
    return [
      '## Tokenomics simulation (`cxt simulate`)',
      '',
      `Command: \`npm run bench -- simulation\`${ctx.quick ? ' (BENCH_QUICK=1: 40 epochs of the headline case)' : ''}. The headline case: baseline scenario at ${fmt(NODES)} nodes, ` +
        `${epochs === HORIZON_EPOCHS ? `the whole ${fmt(HORIZON_EPOCHS)}-epoch horizon` : `${epochs} epochs`}, 1 run on 1 worker thread, whole pipeline including every invariant at every close and the output files; modules: ${modules}.`,
      '',
      '| case | node-epochs | wall time | node-epochs/s per core | main before issue 14 (its README) |',
      '|---|---:|---:|---:|---:|',
      `| ${fmt(NODES)} nodes × ${fmt(epochs)} epochs × 1 run | ${fmt(one.nodeEpochs)} | ${one.seconds.toFixed(1)} s | ${fmt(one.rate)} | ${BEFORE} |`,
      '',
      `At this rate the headline case takes ${Math.round(headlineSeconds)} s (goal: under 90 s, i.e. ≥ 500,000 node-epochs/s per core), ` +
        `and a 48-run sweep of it on ${cores} cores about ${Math.round((48 * headlineSeconds) / cores / 60)} minutes (goal: under an hour on 2).`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
