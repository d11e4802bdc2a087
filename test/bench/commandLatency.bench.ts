/**
 * A command that cannot be grouped, one at a time, as the log grows: RegisterNode through the real
 * command handler into PostgreSQL, one awaited after the other, with the time per command for each
 * slice of the log. Bounded by open work means this stays flat. It did not: the key lookup every
 * command makes (readByIds) was a prepared statement whose cached generic plan, made while the
 * table was small, scanned the whole events table (1.39 ms per command at 5,000 events, 2.30 ms at
 * 15,000, on the same machine). `BENCH_QUICK=1` runs 5,000 commands instead of 30,000.
 */
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { createPostgresEventStore, pgExecutor } from '../../adapters/eventStore/index.ts';
import { createCommandHandler, createLedger } from '../../adapters/ledger/index.ts';
import { defaultParams } from '../../domain/index.ts';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';
import type { BenchContext } from './run.ts';

const SLICE = 5_000;

export default async function commandLatencyBench(ctx: BenchContext): Promise<string> {
  if (!(await postgresAvailable())) return '## Command latency as the log grows\n\nPostgreSQL unreachable: not measured.';
  const total = ctx.quick ? SLICE : 6 * SLICE;
  const schema = freshSchemaName('bench_latency');
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
  const store = createPostgresEventStore({ db: pgExecutor(pool), schema });
  const rows: string[] = [];
  try {
    await store.migrate();
    const nowSeconds = 1_700_000_000;
    const handler = createCommandHandler({ store, ledger: createLedger(store), clock: () => nowSeconds });
    await handler.handle({ type: 'ConfigureProtocol', params: { ...defaultParams(), genesisTimeSeconds: nowSeconds } });
    let t0 = performance.now();
    for (let i = 1; i <= total; i++) {
      const operator = `0x${((i % 5000) + 1).toString(16).padStart(40, '0')}`;
      const r = await handler.handle({ type: 'RegisterNode', nodeId: `n${i}`, operator, signer: operator, hardwareClass: 'gpu' });
      if (r.status !== 'accepted') throw new Error(`RegisterNode ${i}: ${JSON.stringify(r)}`);
      if (i % SLICE === 0) {
        const t = performance.now();
        rows.push(`| ${(i - SLICE + 1).toLocaleString('en')}–${i.toLocaleString('en')} | ${((t - t0) / SLICE).toFixed(2)} ms |`);
        ctx.log(`  ${i} commands`);
        t0 = t;
      }
    }
  } finally {
    await pool.end();
    await dropSchema(schema);
  }
  return [
    '## Command latency as the log grows (`npm run bench -- commandLatency`)',
    '',
    `RegisterNode one at a time through the command handler into PostgreSQL (${total.toLocaleString('en')} commands, each awaited before the next; every command adds 1–2 events).`,
    '',
    '| commands | time per command |',
    '|---|---:|',
    ...rows,
  ].join('\n');
}
