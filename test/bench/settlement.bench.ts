/**
 * Settlement benchmarks: one epoch close with 100,000 nodes × 10 verified contributions each, and
 * the in-memory replay (fold) rate of the domain.
 */
import { performance } from 'node:perf_hooks';
import { applySettlement, rewardReceipts, settleEpoch, type LedgerState } from '../../domain/index.ts';
import type { BenchContext } from './run.ts';
import { syntheticState } from './syntheticLog.ts';

const seconds = (ms: number) => (ms / 1000).toFixed(2);

export default async function settlementBench(ctx: BenchContext): Promise<string> {
  const nodes = ctx.quick ? 10_000 : 100_000;
  const perNode = 10;
  ctx.log(`  building a state with ${nodes} nodes × ${perNode} verified contributions…`);
  const t0 = performance.now();
  const { state, events } = syntheticState({ nodes, contributionsPerNode: perNode, epochs: 1, close: false });
  const buildMs = performance.now() - t0;

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const t1 = performance.now();
  const settlement = settleEpoch(state as LedgerState, 0);
  const settleMs = performance.now() - t1;
  const heapSettled = process.memoryUsage().heapUsed;
  // Not part of the close, and before it is applied (receipts read the state it was settled on):
  // what a receipts read model would pay per close (issue 13). Left out of the heap delta.
  const t3 = performance.now();
  const receipts = rewardReceipts(settlement, state as LedgerState).size;
  const receiptsMs = performance.now() - t3;
  const heapReceipted = process.memoryUsage().heapUsed;
  const t2 = performance.now();
  applySettlement(state, settlement);
  const applyMs = performance.now() - t2;
  const heapAfter = heapSettled + (process.memoryUsage().heapUsed - heapReceipted);

  return [
    `## Epoch close (domain settlement)`,
    '',
    `Command: \`npm run bench -- settlement\`${ctx.quick ? ' (BENCH_QUICK=1)' : ''}`,
    '',
    '| case | figure |',
    '|---|---|',
    `| nodes × verified contributions | ${nodes.toLocaleString('en')} × ${perNode} = ${(nodes * perNode).toLocaleString('en')} work items, ${settlement.allocations.length.toLocaleString('en')} recipients |`,
    `| settle epoch (weights, boost, 3 pools, revenue, tiers, allocationsHash) | ${seconds(settleMs)} s |`,
    `| apply settlement to the state | ${seconds(applyMs)} s |`,
    `| reward receipts of all ${receipts.toLocaleString('en')} recipients (rewardReceipts; not part of the close) | ${seconds(receiptsMs)} s |`,
    `| in-memory fold of the ${events.toLocaleString('en')} events that built the state (decide + evolve) | ${seconds(buildMs)} s (${Math.round(events / (buildMs / 1000)).toLocaleString('en')} events/s) |`,
    `| heap delta during the close | ${Math.round((heapAfter - heapBefore) / 2 ** 20)} MiB |`,
  ].join('\n');
}
