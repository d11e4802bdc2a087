/**
 * Append and read throughput of our event store on PGlite (on disk) and PostgreSQL, next to Emmett's
 * PostgreSQL event store doing the same work. Ours pays for what Emmett does not do: one global append
 * lock, an idempotency lookup per id and a keccak hash chain; this shows what that costs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dumbo } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import type { NewEvent } from '../../adapters/eventStore/port.ts';
import { createPostgresEventStore, openPgliteEventStore, type PostgresEventStore } from '../../adapters/eventStore/postgresEventStore.ts';
import { readAllPages, verifyStoreChain } from '../../adapters/eventStore/shared.ts';
import { pgExecutor } from '../../adapters/eventStore/sqlExecutor.ts';
import { TEST_DATABASE_URL, createPool, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';
import type { BenchContext } from './run.ts';

interface Sizes {
  readonly singleAppends: number;
  readonly batchedEvents: number;
  readonly batchSize: number;
}

interface Row {
  readonly store: string;
  readonly singlePerSecond: number;
  readonly batchedPerSecond: number;
  readonly readPerSecond: number;
  readonly verifyPerSecond?: number;
}

/** A ContributionRecorded-shaped payload, so JSON and hashing costs are realistic. */
const payload = (n: number) => ({
  contributionId: `c-${n}`,
  nodeId: `node-${n % 97}`,
  epoch: 42,
  kind: 'compute',
  units: String(1000 + n),
  proofHash: `0x${n.toString(16).padStart(64, '0')}`,
});

const eventsFor = (prefix: string, from: number, count: number): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${from + i}`, type: 'ContributionRecorded', data: payload(from + i) }));

const perSecond = (events: number, elapsedMs: number): number => (events * 1000) / elapsedMs;

const timed = async (work: () => Promise<number>): Promise<number> => {
  const started = performance.now();
  const events = await work();
  return perSecond(events, performance.now() - started);
};

/** The same workload for our store on any executor: singles, then batches, then read and verify everything. */
const benchOurs = async (label: string, store: PostgresEventStore, sizes: Sizes, log: BenchContext['log']): Promise<Row> => {
  await store.append('warmup', eventsFor('warmup', 0, 20));
  log(`  ${label}: ${sizes.singleAppends} single appends`);
  const singlePerSecond = await timed(async () => {
    for (let i = 0; i < sizes.singleAppends; i++) await store.append('node-single', eventsFor('single', i, 1));
    return sizes.singleAppends;
  });
  log(`  ${label}: ${sizes.batchedEvents} events in batches of ${sizes.batchSize}`);
  const batchedPerSecond = await timed(async () => {
    for (let from = 0; from < sizes.batchedEvents; from += sizes.batchSize)
      await store.append(`node-batch-${(from / sizes.batchSize) % 10}`, eventsFor('batch', from, sizes.batchSize));
    return sizes.batchedEvents;
  });
  const readPerSecond = await timed(async () => {
    let count = 0;
    for await (const page of readAllPages(store, 1, 1000)) count += page.length;
    return count;
  });
  const verifyPerSecond = await timed(async () => {
    const result = await verifyStoreChain(store);
    if (!result.ok) throw new Error(`${label}: the benchmark log does not verify: ${result.fault.message}`);
    return result.count;
  });
  return { store: label, singlePerSecond, batchedPerSecond, readPerSecond, verifyPerSecond };
};

const benchPglite = async (sizes: Sizes, log: BenchContext['log']): Promise<Row> => {
  const dir = await mkdtemp(join(tmpdir(), 'cxt-bench-pglite-'));
  const store = await openPgliteEventStore(dir);
  try {
    return await benchOurs('Corex, PGlite (on disk)', store, sizes, log);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
};

const benchPostgres = async (sizes: Sizes, log: BenchContext['log']): Promise<Row> => {
  const schema = freshSchemaName('bench_es');
  const store = createPostgresEventStore({ db: pgExecutor(createPool(schema, 4)), schema });
  try {
    await store.migrate();
    return await benchOurs('Corex, PostgreSQL', store, sizes, log);
  } finally {
    await store.close();
    await dropSchema(schema);
  }
};

/** Emmett creates its tables and functions in its own database, dropped afterwards. */
const withScratchDatabase = async <T>(fn: (connectionString: string) => Promise<T>): Promise<T> => {
  const name = freshSchemaName('bench_emmett');
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    try {
      return await fn(url.toString());
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
    }
  } finally {
    await admin.end();
  }
};

const benchEmmett = (sizes: Sizes, log: BenchContext['log']): Promise<Row> =>
  withScratchDatabase(async (connectionString) => {
    const pool = dumbo({ connectionString });
    const store = getPostgreSQLEventStore(connectionString, { connectionOptions: { dumbo: pool } });
    const emmettEvents = (prefix: string, from: number, count: number) => eventsFor(prefix, from, count).map(({ type, data }) => ({ type, data }));
    try {
      await store.schema.migrate();
      await store.appendToStream('warmup', emmettEvents('warmup', 0, 20));
      log(`  Emmett: ${sizes.singleAppends} single appends`);
      const singlePerSecond = await timed(async () => {
        for (let i = 0; i < sizes.singleAppends; i++) await store.appendToStream('node-single', emmettEvents('single', i, 1));
        return sizes.singleAppends;
      });
      log(`  Emmett: ${sizes.batchedEvents} events in batches of ${sizes.batchSize}`);
      const batchedPerSecond = await timed(async () => {
        for (let from = 0; from < sizes.batchedEvents; from += sizes.batchSize)
          await store.appendToStream(`node-batch${(from / sizes.batchSize) % 10}`, emmettEvents('batch', from, sizes.batchSize));
        return sizes.batchedEvents;
      });
      // Emmett's equivalent of reading the whole log in pages: its global-position batch reader.
      const readPerSecond = await timed(async () => {
        let after = 0n;
        let count = 0;
        for (;;) {
          const batch = await readMessagesBatch(pool.execute, { after, batchSize: 1000 });
          count += batch.messages.length;
          if (!batch.areMessagesLeft) return count;
          after = batch.currentGlobalPosition;
        }
      });
      return { store: 'Emmett 0.42, PostgreSQL', singlePerSecond, batchedPerSecond, readPerSecond };
    } finally {
      await store.close();
    }
  });

/**
 * What a commit costs this PostgreSQL by itself: one-row INSERTs, one per autocommit statement (each
 * waits for its WAL flush), and the same rows 1,000 per statement. No store beats this floor with
 * durable commits; it shows how much of each row above is the database's.
 */
const benchFloor = async (sizes: Sizes): Promise<Row> => {
  const schema = freshSchemaName('bench_floor');
  const pool = createPool(schema, 2);
  try {
    await pool.query(`create schema ${schema}`);
    await pool.query(`create table ${schema}.floor (n bigint primary key, data jsonb not null)`);
    const singlePerSecond = await timed(async () => {
      for (let i = 0; i < sizes.singleAppends; i++) await pool.query(`insert into ${schema}.floor values ($1, $2)`, [i, JSON.stringify(payload(i))]);
      return sizes.singleAppends;
    });
    const batchedPerSecond = await timed(async () => {
      for (let from = 0; from < sizes.batchedEvents; from += sizes.batchSize)
        await pool.query(`insert into ${schema}.floor select (e->>'n')::bigint + 1e9, e->'data' from jsonb_array_elements($1::jsonb) e`, [
          JSON.stringify(Array.from({ length: sizes.batchSize }, (_, i) => ({ n: from + i, data: payload(from + i) }))),
        ]);
      return sizes.batchedEvents;
    });
    return { store: 'floor: bare INSERTs on the same PostgreSQL (no lock, no index but the key, no hash)', singlePerSecond, batchedPerSecond, readPerSecond: Number.NaN };
  } finally {
    await pool.end();
    await dropSchema(schema);
  }
};

const rate = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '—' : Math.round(n).toLocaleString('en-US'));

/** Ours against Emmett's, row by row of the same run, against the goal of 1.5×. */
const ratio = (rows: readonly Row[], ours: string, theirs: string): string => {
  const a = rows.find((r) => r.store === ours);
  const b = rows.find((r) => r.store === theirs);
  if (!a || !b) return '';
  const x = (m: number, n: number) => `${(m / n).toFixed(2)}×${m / n >= 1.5 ? '' : ' (goal 1.5×: missed)'}`;
  return `${ours} vs ${theirs}, same run: appends of 1 ${x(a.singlePerSecond, b.singlePerSecond)}; appends of 1,000 ${x(a.batchedPerSecond, b.batchedPerSecond)}.`;
};

const table = (rows: readonly Row[], sizes: Sizes): string =>
  [
    `## Event store append and read throughput`,
    '',
    `${sizes.singleAppends.toLocaleString('en-US')} appends of 1 event, then ${sizes.batchedEvents.toLocaleString('en-US')} events in appends of ${sizes.batchSize.toLocaleString('en-US')}; ` +
      `then the whole log read in pages of 1,000 (and, for ours, verified as a hash chain). One writer, sequential awaits.`,
    '',
    '| store | appends of 1 (events/s) | appends of 1,000 (events/s) | read all (events/s) | verify chain (events/s) |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.store} | ${rate(r.singlePerSecond)} | ${rate(r.batchedPerSecond)} | ${rate(r.readPerSecond)} | ${rate(r.verifyPerSecond)} |`),
    '',
    ratio(rows, 'Corex, PostgreSQL', 'Emmett 0.42, PostgreSQL'),
  ].join('\n');

export default async ({ quick, log }: BenchContext): Promise<string> => {
  const scale = quick ? 10 : 1;
  const sizes: Sizes = { singleAppends: 2000 / scale, batchedEvents: 100_000 / scale, batchSize: 1000 };
  const rows: Row[] = [await benchPglite(sizes, log)];
  if (await postgresAvailable()) {
    rows.push(await benchPostgres(sizes, log));
    rows.push(await benchEmmett(sizes, log));
    log('  floor: bare inserts');
    rows.push(await benchFloor(sizes));
  } else log('PostgreSQL unreachable: only PGlite measured');
  return table(rows, sizes);
};
