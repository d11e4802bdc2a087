/**
 * Posting a task: the rendezvous assignment scores every eligible node for every fragment
 * (domain/assignment.ts), so its cost is fragments × eligible nodes. Measured through decide alone
 * (no store), on a ledger of gpu nodes each run by its own operator — the most operators, so the
 * most candidates for a seat.
 */
import { performance } from 'node:perf_hooks';
import { decide, defaultParams, evolve, initialState, type Command } from '../../domain/index.ts';
import type { BenchContext } from './run.ts';

export default async function tasksBench(ctx: BenchContext): Promise<string> {
  const p = defaultParams();
  const state = initialState();
  const run = (c: Command) => {
    const d = decide(c, state, p.genesisTimeSeconds + 10);
    if (d._tag === 'Left') throw new Error(`${c.type} refused: ${d.left.message}`);
    for (const e of d.right) evolve(state, e);
  };
  run({ type: 'ConfigureProtocol', params: p });
  const asset = `0x${'ab'.repeat(20)}`;
  run({ type: 'RegisterAsset', asset, symbol: 'USD', decimals: 18 });
  const rows: string[] = [];
  let registered = 0;
  const sizes = ctx.quick ? [[1_000, 20]] : [[10_000, 20], [100_000, 20], [100_000, 50]];
  for (const [nodes, fragments] of sizes as Array<[number, number]>) {
    for (; registered < nodes; registered++) {
      const operator = `0x${(registered + 1).toString(16).padStart(40, '0')}`;
      run({ type: 'RegisterNode', nodeId: `gpu-${registered}`, operator, signer: operator, hardwareClass: 'gpu' });
    }
    ctx.log(`  posting ${fragments} fragments over ${nodes} nodes…`);
    const started = performance.now();
    run({
      type: 'PostTask',
      taskId: `t-${nodes}-${fragments}`,
      initiator: asset,
      kind: 'training',
      asset,
      budget: 10n ** 18n,
      fragments: Array.from({ length: fragments }, (_, i) => ({ fragmentId: `f${i}`, units: 10, hardwareClass: 'gpu' as const })),
      redundancy: 3,
      quorum: 2,
      deadlineEpoch: 2,
      salt: `0x${'11'.repeat(32)}`,
    });
    const seconds = (performance.now() - started) / 1000;
    rows.push(`| ${nodes.toLocaleString('en')} | ${fragments} | ${seconds.toFixed(2)} s | ${((seconds * 1e6) / (nodes * fragments)).toFixed(2)} µs |`);
  }
  return [
    '## Posting a task (rendezvous assignment)',
    '',
    'Command: `npm run bench -- tasks`. decide(PostTask) on a ledger of gpu nodes, one operator each; r = 3.',
    '',
    '| eligible nodes | fragments | decide | per node and fragment |',
    '|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
