/**
 * Projection rebuild of a 1,000,000-event log: the read-model tables rebuilt from position 0 by the
 * projection runner (domain fold + batched upserts + checkpoint per transaction), on PostgreSQL and PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { encodeEventData } from '../../domain/index.ts';
import { createPostgresEventStore, openPgliteEventStore, pgExecutor, type PostgresEventStore } from '../../adapters/eventStore/index.ts';
import { createProjectionRunner } from '../../adapters/projections/index.ts';
import type { BenchContext } from './run.ts';
import { profiled } from './profile.ts';
import { syntheticHistory } from './syntheticLog.ts';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Loads the synthetic history into a store in appends of ~1000 events. */
const load = async (store: PostgresEventStore, epochs: number, nodes: number): Promise<number> => {
  let batch: Array<{ id: string; type: string; data: Record<string, unknown> }> = [];
  let stream = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await store.append(`bench-${stream++}`, batch);
    batch = [];
  };
  for (const { key, events } of syntheticHistory({ nodes, contributionsPerNode: 1, epochs, operators: Math.ceil(nodes / 4) })) {
    events.forEach((e, i) => batch.push({ id: i === 0 ? key : `${key}/${i}`, type: e.type, data: encodeEventData(e) }));
    if (batch.length >= 1000) await flush();
  }
  await flush();
  return (await store.head()).position;
};

const measure = async (name: string, store: PostgresEventStore, epochs: number, nodes: number, log: (s: string) => void, profiles: string[]) => {
  log(`  ${name}: loading the log…`);
  const loadStart = performance.now();
  const events = await load(store, epochs, nodes);
  const loadS = (performance.now() - loadStart) / 1000;
  const core = createProjectionRunner({ store, db: store.db, batchSize: 10_000, receipts: false });
  await core.migrate();
  log(`  ${name}: rebuilding ${events} events (core tables)…`);
  const t = performance.now();
  const { summary } = await profiled(`projections-rebuild-${name.split(' ')[0]}`, () => core.rebuild());
  const rebuildS = (performance.now() - t) / 1000;
  profiles.push(...summary);
  // The service's runner: the same fold, plus every account's reward receipt at every close.
  log(`  ${name}: rebuilding ${events} events (with receipts)…`);
  const withReceipts = createProjectionRunner({ store, db: store.db, batchSize: 10_000 });
  const t2 = performance.now();
  await withReceipts.rebuild();
  const receiptsS = (performance.now() - t2) / 1000;
  const perSecond = (seconds: number) => Math.round(events / seconds).toLocaleString('en');
  return `| ${name} | ${events.toLocaleString('en')} | ${loadS.toFixed(1)} s | ${rebuildS.toFixed(1)} s | ${perSecond(rebuildS)} | ${receiptsS.toFixed(1)} s | ${perSecond(receiptsS)} |`;
};

export default async function projectionsBench(ctx: BenchContext): Promise<string> {
  // 10,000 nodes, one verified contribution each per epoch: ≈ 20,001 events per epoch, just over 1,000,000 in all.
  const nodes = ctx.quick ? 1_000 : 10_000;
  const epochs = ctx.quick ? 5 : 50;
  const rows: string[] = [];
  const profiles: string[] = [];

  const schema = `bench_proj_${process.pid}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade`);
  const store = createPostgresEventStore({ db: pgExecutor(new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4, options: `-c search_path=${schema}` })), schema });
  await store.migrate();
  try {
    rows.push(await measure('PostgreSQL 15 (127.0.0.1)', store, epochs, nodes, ctx.log, profiles));
  } finally {
    await store.close();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }

  const dir = mkdtempSync(join(tmpdir(), 'cxt-bench-'));
  const lite = await openPgliteEventStore(join(dir, 'db'));
  try {
    rows.push(await measure('PGlite (on disk)', lite, epochs, nodes, ctx.log, profiles));
  } finally {
    await lite.close();
    rmSync(dir, { recursive: true, force: true });
  }

  return [
    '## Projection rebuild',
    '',
    `Command: \`npm run bench -- projections\`${ctx.quick ? ' (BENCH_QUICK=1)' : ''}. Log: ${nodes.toLocaleString('en')} nodes, one verified contribution each per epoch, ${epochs} epoch closes. Rebuild = empty the tables, fold every event through the domain (re-deriving each close's allocations), read in pages of 10,000; the rows touched and the checkpoint written in one transaction every 50,000 events (the runner's default) and at the end of the log.`,
    '',
    'Core tables: `receipts: false`; with receipts: the service\'s runner, which also writes every paid account\'s reward receipt at every close (rm_receipts, one row per account and epoch).',
    '',
    '| store | events | load (appends of 1,000) | rebuild, core tables | events/s | rebuild with receipts | events/s |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    ...profiles,
  ].join('\n');
}
