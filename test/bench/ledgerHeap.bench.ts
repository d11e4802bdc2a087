/**
 * The ledger's heap alone (`npm run bench -- ledgerHeap`): a generated log of 1,000,000
 * contributions over 40 closes (test/support/generatedLog.ts: 2,000 nodes, one in 256 verified,
 * the rest expiring after the verification window) folded through the ledger, with no store or
 * driver in the process; heap after a full GC every 5 closes. Flat once the verification window
 * is full: the state holds open work, not history.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { EventStore } from '../../adapters/eventStore/port.ts';
import { createLedger } from '../../adapters/ledger/index.ts';
import type { LedgerState } from '../../domain/index.ts';
import { generatedLog } from '../support/generatedLog.ts';
import type { BenchContext } from './run.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export default async function ledgerHeapBench(ctx: BenchContext): Promise<string> {
  const shape = { contributions: ctx.quick ? 100_000 : 1_000_000, epochs: 40, nodes: 2000 };
  let stateOf: () => LedgerState = () => {
    throw new Error('not started');
  };
  const log = generatedLog(shape, { stateBefore: () => stateOf() });
  const ledger = createLedger(log as unknown as EventStore, { pageSize: 20_000 });
  stateOf = () => ledger.state;
  const rows: string[] = [];
  let sampled = -1;
  while (!log.done) {
    await ledger.catchUp();
    const closed = ledger.state.lastClosedEpoch;
    if (closed === sampled || (closed + 1) % 5 !== 0) continue;
    sampled = closed;
    gc();
    const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
    rows.push(`| ${closed + 1} | ${ledger.position.toLocaleString('en')} | ${ledger.state.contributions.size.toLocaleString('en')} | ${heapMiB.toFixed(1)} |`);
    ctx.log(`  ledger heap: close ${closed + 1}, ${heapMiB.toFixed(1)} MiB`);
  }
  return [
    '## The ledger\'s heap alone, over a generated log',
    '',
    `${shape.contributions.toLocaleString('en')} contributions, ${shape.nodes.toLocaleString('en')} nodes, ${shape.epochs} closes (one in 256 verified, the rest expiring after the verification window).`,
    '',
    '| after close | events | contributions in state | heap after GC (MiB) |',
    '|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
