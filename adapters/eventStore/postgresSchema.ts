/**
 * Tables of the PostgreSQL/PGlite event store, exported so other components (the projection runner)
 * can migrate and query through the same executor.
 *
 * - `events`: one row per envelope. `recorded_at` is text because the exact ISO string is hashed;
 *   a timestamptz would round-trip to a different string. The unique (stream, stream_version) index
 *   is also the stream index (stream is its leading column); a separate one would only slow appends.
 * - `event_log_head`: one row, the position and hash of the last event. Appends lock it with
 *   SELECT … FOR UPDATE: that row lock is the global append lock that keeps positions and the chain
 *   gap-free across processes, and it makes commit order equal position order, so a reader that has
 *   seen position p never later sees a smaller one appear.
 */
import { ZERO_HASH } from '../../domain/hashChain.ts';
import type { SqlExecutor } from './sqlExecutor.ts';

export interface EventStoreTables {
  /** Schema name, or undefined to use the connection's search_path. */
  readonly schema: string | undefined;
  /** Qualified, quoted names, ready to paste into SQL. */
  readonly events: string;
  readonly head: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;

export const eventStoreTables = (schema?: string): EventStoreTables => {
  if (schema !== undefined && !IDENTIFIER.test(schema)) throw new Error(`schema name ${JSON.stringify(schema)} is not a plain SQL identifier`);
  const qualify = (table: string) => (schema === undefined ? table : `"${schema}".${table}`);
  return { schema, events: qualify('events'), head: qualify('event_log_head') };
};

/** The events table's columns, in the order every statement here lists them. */
export const EVENT_COLUMNS = 'position, id, type, stream, stream_version, recorded_at, data, prev_hash, hash';

/** INSERT of sealed envelopes passed as ONE jsonb array parameter (`$1`): one statement for any batch size, identical on pg and PGlite. */
export const insertSealedSql = (t: EventStoreTables, where = ''): string => `
  insert into ${t.events} (${EVENT_COLUMNS})
  select (e->>'position')::bigint, e->>'id', e->>'type', e->>'stream', (e->>'streamVersion')::bigint,
         e->>'recordedAt', e->'data', e->>'prevHash', e->>'hash'
  from jsonb_array_elements($1::jsonb) as e ${where}`;

/** Idempotent DDL, statement by statement (PGlite and pg both run them through the same executor). */
export const eventStoreMigrationSql = (schema?: string): string[] => {
  const t = eventStoreTables(schema);
  return [
    ...(t.schema === undefined ? [] : [`create schema if not exists "${t.schema}"`]),
    `create table if not exists ${t.events} (
      position bigint primary key,
      id text not null unique,
      type text not null,
      stream text not null,
      stream_version bigint not null,
      recorded_at text not null,
      data jsonb not null,
      prev_hash text not null,
      hash text not null,
      unique (stream, stream_version)
    )`,
    `create table if not exists ${t.head} (
      singleton boolean primary key default true check (singleton),
      position bigint not null,
      hash text not null
    )`,
    `insert into ${t.head} (singleton, position, hash) values (true, 0, '${ZERO_HASH}') on conflict do nothing`,
  ];
};

/** Any fixed key: it only has to be the same for every process migrating this database. */
const MIGRATION_LOCK_KEY = 0x636f7265; // "core"

/** Safe to run from several processes at once: CREATE … IF NOT EXISTS alone races on the catalog, the advisory lock does not. */
export const migrateEventStore = (db: SqlExecutor, schema?: string): Promise<void> =>
  db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    for (const statement of eventStoreMigrationSql(schema)) await tx.query(statement);
  });
