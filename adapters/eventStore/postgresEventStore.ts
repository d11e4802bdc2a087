/**
 * Event store on PostgreSQL or PGlite: the same SQL through a `SqlExecutor`. Each append is one
 * transaction that first locks the head row (the global append lock, see postgresSchema.ts), then
 * writes the whole batch with a single INSERT, whatever its size.
 */
import { PGlite } from '@electric-sql/pglite';
import type { StoredEvent } from '../../domain/hashChain.ts';
import type { AppendManyOptions, AppendResult, EventStore, LogHead, ReadAllOptions, ReadStreamOptions, StreamAppend } from './port.ts';
import { EVENT_COLUMNS, eventStoreTables, insertSealedSql, migrateEventStore, type EventStoreTables } from './postgresSchema.ts';
import { appendOptimistically, createAppendMemory, forget, remember } from './optimisticAppend.ts';
import { DEFAULT_PAGE_SIZE, appendManyToLockedLog, systemClock, type Clock, type LockedLog } from './shared.ts';
import { pgliteExecutor, type SqlExecutor, type SqlQueryable, type SqlRow } from './sqlExecutor.ts';

export interface PostgresEventStoreOptions {
  /** The store owns it: `close()` closes it. */
  readonly db: SqlExecutor;
  /** Schema holding the tables; default: the connection's search_path. */
  readonly schema?: string;
  readonly clock?: Clock;
}

export interface PostgresEventStore extends EventStore {
  /** The executor, shared with components that must read or write in the store's transactions. */
  readonly db: SqlExecutor;
  readonly tables: EventStoreTables;
  /** Creates the tables if missing; idempotent. */
  migrate(): Promise<void>;
}

const COLUMNS = EVENT_COLUMNS;
/** The store's statements are fixed texts run on every append and read: prepared once per connection. */
const PREPARED = { prepare: true } as const;
/**
 * For a statement that matches a jsonb list of keys against the events table. Prepared, PostgreSQL
 * keeps the generic plan it settles on after five executions for the whole session; made while the
 * table was small (a sequential scan and a hash join are cheapest then), it kept scanning the table
 * as the log grew: a key lookup took 1 ms at 12,500 events (auto_explain) and a command with it went
 * from 1.39 to 2.30 ms between 5,000 and 15,000 events. Planned per call it uses the unique index.
 */
const UNPLANNED = { prepare: false } as const;

/** bigint arrives as a string from pg (and may be a BigInt or number elsewhere): normalize once here. */
export const rowToStoredEvent = (row: SqlRow): StoredEvent => ({
  id: String(row.id),
  type: String(row.type),
  stream: String(row.stream),
  streamVersion: Number(row.stream_version),
  position: Number(row.position),
  recordedAt: String(row.recorded_at),
  data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, unknown>,
  prevHash: String(row.prev_hash),
  hash: String(row.hash),
});

const readHead = async (db: SqlQueryable, t: EventStoreTables, lock: boolean): Promise<LogHead> => {
  const [row] = await db.query(`select position, hash from ${t.head}${lock ? ' for update' : ''}`);
  if (!row) throw new Error(`the event store head row is missing in ${t.head}: run migrate() first`);
  return { position: Number(row.position), hash: String(row.hash) };
};

/** The head moves in the same statement (a data-modifying CTE always runs to completion). */
const writeSql = (t: EventStoreTables): string => `
  with inserted as (${insertSealedSql(t)})
  update ${t.head} set position = $2, hash = $3`;

/** Stream versions and already-stored ids in one round trip; both come back as jsonb. */
const lookupSql = (t: EventStoreTables): string => `
  select
    (select coalesce(jsonb_object_agg(s.stream, (select coalesce(max(stream_version), 0) from ${t.events} where stream = s.stream)), '{}'::jsonb)
       from jsonb_array_elements_text($1::jsonb) as s(stream)) as stream_versions,
    (select coalesce(jsonb_agg(to_jsonb(e)), '[]'::jsonb) from (
       select ${COLUMNS} from ${t.events} where id in (select jsonb_array_elements_text($2::jsonb))
     ) as e) as existing`;

const jsonColumn = <T>(value: unknown, empty: T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : ((value as T | undefined) ?? empty));

/** The locked path's reads and write, and what they taught about the head and the streams' versions. */
const lockedLog = (tx: SqlQueryable, t: EventStoreTables, learned: { head?: LogHead; versions: Map<string, number> }): LockedLog => ({
  head: async () => (learned.head = await readHead(tx, t, true)),
  lookup: async (streams, ids) => {
    const [row] = await tx.query(lookupSql(t), [JSON.stringify(streams), JSON.stringify(ids)], UNPLANNED);
    const versions = jsonColumn<Record<string, number | string>>(row?.stream_versions, {});
    const existing = jsonColumn<SqlRow[]>(row?.existing, []);
    for (const [stream, version] of Object.entries(versions)) learned.versions.set(stream, Number(version));
    return { streamVersions: new Map(learned.versions), existing: existing.map(rowToStoredEvent) };
  },
  write: async (events) => {
    const last = events[events.length - 1]!;
    await tx.query(writeSql(t), [JSON.stringify(events), last.position, last.hash], PREPARED);
    learned.head = { position: last.position, hash: last.hash };
    for (const e of events) learned.versions.set(e.stream, e.streamVersion);
  },
});

export const createPostgresEventStore = ({ db, schema, clock = systemClock }: PostgresEventStoreOptions): PostgresEventStore => {
  const t = eventStoreTables(schema);
  const memory = createAppendMemory();

  const appendLocked = async (writes: readonly StreamAppend[], options: AppendManyOptions): Promise<AppendResult[]> => {
    const learned: { head?: LogHead; versions: Map<string, number> } = { versions: new Map() };
    try {
      const results = await db.transaction((tx) => appendManyToLockedLog(lockedLog(tx, t, learned), writes, options, clock));
      if (learned.head) remember(memory, learned.head, learned.versions);
      return results;
    } catch (error) {
      forget(memory);
      throw error;
    }
  };

  /** One statement when the remembered head still holds (optimisticAppend.ts), else the locked transaction. */
  const appendMany = async (writes: readonly StreamAppend[], options: AppendManyOptions = {}): Promise<AppendResult[]> =>
    (await appendOptimistically(db, t, memory, writes, options, clock)) ?? appendLocked(writes, options);

  return {
    db,
    tables: t,
    migrate: () => migrateEventStore(db, schema),
    append: async (stream, events, options = {}) => (await appendMany([{ stream, events, expectedVersion: options.expectedVersion }], options))[0]!,
    appendMany,
    readStream: async (stream, { fromVersion = 1, maxCount }: ReadStreamOptions = {}) =>
      (
        await db.query(
          `select ${COLUMNS} from ${t.events} where stream = $1 and stream_version >= $2 order by stream_version limit $3`,
          [stream, fromVersion, maxCount ?? null],
          PREPARED,
        )
      ).map(rowToStoredEvent),
    readAll: async ({ fromPosition = 1, maxCount = DEFAULT_PAGE_SIZE }: ReadAllOptions = {}) =>
      (
        await db.query(`select ${COLUMNS} from ${t.events} where position >= $1 order by position limit $2`, [fromPosition, maxCount], PREPARED)
      ).map(rowToStoredEvent),
    // The unique index on id makes this one index lookup, whatever the length of the log.
    readById: async (id) => {
      const [row] = await db.query(`select ${COLUMNS} from ${t.events} where id = $1`, [id], PREPARED);
      return row ? rowToStoredEvent(row) : undefined;
    },
    readByIds: async (ids) => {
      if (ids.length === 0) return new Map();
      // Not prepared, on purpose (UNPLANNED): planned for each call with the table as it is.
      const rows = await db.query(`select ${COLUMNS} from ${t.events} where id in (select jsonb_array_elements_text($1::jsonb))`, [JSON.stringify(ids)], UNPLANNED);
      return new Map(rows.map((row) => [String(row.id), rowToStoredEvent(row)]));
    },
    head: () => readHead(db, t, false),
    close: () => db.close(),
  };
};

export interface PgliteEventStoreOptions {
  readonly clock?: Clock;
}

/**
 * The embedded default: PGlite in `dataDir` (persisted, survives restarts) or in memory when undefined.
 * Migrated and ready to use; `close()` shuts PGlite down, flushing it to disk.
 */
export const openPgliteEventStore = async (dataDir: string | undefined, options: PgliteEventStoreOptions = {}): Promise<PostgresEventStore> => {
  const pglite = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  const store = createPostgresEventStore({ db: pgliteExecutor(pglite), ...options });
  try {
    await store.migrate();
  } catch (error) {
    await pglite.close().catch(() => undefined);
    throw error;
  }
  return store;
};
